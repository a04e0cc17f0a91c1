"""Korean industrial-park sites and KMA ASOS stations shipped with the package.

A *site* is an industrial park with calibration figures for the synthetic
weather (monthly insolation, temperature and wind of its nearest KMA ASOS
station, 1991-2020 normals); a *station* is a KMA ASOS weather station with
its coordinates, used by :func:`weather.read_kma_asos`. The figures live in
``weather/data/sites/*.toml`` and ``weather/data/kma_asos_stations.csv``
with their sources; figures not verified are marked "(approximate)" there.
"""

import dataclasses
import math

from weather.datafiles import list_data_files, load_csv, load_toml

EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius


@dataclasses.dataclass(frozen=True)
class Station:
    """A KMA ASOS weather station.

    Attributes
    ----------
    station_id : int
        KMA station number (지점번호).
    name_ko, name_en : str
        Station name in Korean and English.
    latitude, longitude : float
        Position [deg], north and east positive.
    altitude : float
        Elevation above sea level [m].
    wind_height_m : float
        Height of the wind measurement above ground [m].
    verified : bool
        False when the figures are (approximate).
    """

    station_id: int
    name_ko: str
    name_en: str
    latitude: float
    longitude: float
    altitude: float
    wind_height_m: float
    verified: bool


@dataclasses.dataclass(frozen=True)
class Site:
    """An industrial park with the monthly climate used to calibrate it.

    Attributes
    ----------
    name : str
        Identifier, e.g. ``"changwon"``.
    display_name, name_ko : str
        Human-readable names.
    latitude, longitude : float
        Park position [deg].
    altitude : float
        Park elevation [m].
    tz : str
        IANA time zone.
    station_id : int
        KMA ASOS station whose normals calibrate the site.
    ghi_mj_per_m2_day : tuple of float
        Monthly mean daily global horizontal insolation, Jan..Dec [MJ/m^2/day].
    temp_air_c : tuple of float
        Monthly mean air temperature, Jan..Dec [degC].
    temp_air_daily_range_c : tuple of float
        Monthly mean daily temperature range, Jan..Dec [degC].
    wind_speed_m_s : tuple of float
        Monthly mean wind speed at ``wind_height_m``, Jan..Dec [m/s].
    wind_height_m : float
        Height of the wind figures [m].
    source : str
        Where the monthly figures come from.
    verified : bool
        False when the monthly figures are (approximate).
    """

    name: str
    display_name: str
    name_ko: str
    latitude: float
    longitude: float
    altitude: float
    tz: str
    station_id: int
    ghi_mj_per_m2_day: tuple
    temp_air_c: tuple
    temp_air_daily_range_c: tuple
    wind_speed_m_s: tuple
    wind_height_m: float
    source: str
    verified: bool


def great_circle_distance_km(latitude_a, longitude_a, latitude_b, longitude_b):
    """Great-circle (haversine) distance between two points.

    Parameters
    ----------
    latitude_a, longitude_a, latitude_b, longitude_b : float
        Positions [deg].

    Returns
    -------
    float
        Distance [km].
    """
    phi_a, phi_b = math.radians(latitude_a), math.radians(latitude_b)
    delta_phi = phi_b - phi_a
    delta_lambda = math.radians(longitude_b - longitude_a)
    haversine = (math.sin(delta_phi / 2) ** 2
                 + math.cos(phi_a) * math.cos(phi_b) * math.sin(delta_lambda / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(haversine)))


def list_sites():
    """Names of the shipped sites.

    Returns
    -------
    list of str
        Sorted site names, usable with :func:`load_site`.
    """
    return list_data_files("sites", ".toml")


def _monthly(values, name, site_name):
    values = tuple(float(value) for value in values)
    if len(values) != 12:
        raise ValueError(f"site {site_name!r}: {name} has {len(values)} values, expected 12")
    return values


def load_site(name):
    """Load a shipped site by name.

    Parameters
    ----------
    name : str
        Site name, case-insensitive (see :func:`list_sites`).

    Returns
    -------
    Site

    Raises
    ------
    KeyError
        If no site has that name.
    """
    key = name.strip().lower()
    if key not in list_sites():
        raise KeyError(f"unknown site {name!r}; shipped sites: {', '.join(list_sites())}")
    table = load_toml(f"sites/{key}.toml")
    climate = table["climate"]
    return Site(
        name=table["name"],
        display_name=table["display_name"],
        name_ko=table["name_ko"],
        latitude=float(table["latitude"]),
        longitude=float(table["longitude"]),
        altitude=float(table["altitude"]),
        tz=table["tz"],
        station_id=int(table["station"]["station_id"]),
        ghi_mj_per_m2_day=_monthly(climate["ghi_mj_per_m2_day"], "ghi_mj_per_m2_day", key),
        temp_air_c=_monthly(climate["temp_air_c"], "temp_air_c", key),
        temp_air_daily_range_c=_monthly(
            climate["temp_air_daily_range_c"], "temp_air_daily_range_c", key),
        wind_speed_m_s=_monthly(climate["wind_speed_m_s"], "wind_speed_m_s", key),
        wind_height_m=float(climate["wind_height_m"]),
        source=climate["source"],
        verified=bool(climate["verified"]),
    )


def nearest_site(latitude, longitude):
    """The shipped site closest to a position.

    Parameters
    ----------
    latitude, longitude : float
        Position [deg].

    Returns
    -------
    Site
        Use :func:`great_circle_distance_km` for the distance to it.
    """
    sites = [load_site(name) for name in list_sites()]
    return min(sites, key=lambda site: great_circle_distance_km(
        latitude, longitude, site.latitude, site.longitude))


def list_stations():
    """The shipped KMA ASOS stations.

    Returns
    -------
    list of Station
        Sorted by station number.
    """
    table = load_csv("kma_asos_stations.csv")
    return [
        Station(
            station_id=int(row.station_id),
            name_ko=str(row.name_ko),
            name_en=str(row.name_en),
            latitude=float(row.latitude),
            longitude=float(row.longitude),
            altitude=float(row.altitude_m),
            wind_height_m=float(row.wind_height_m),
            verified=str(row.verified).strip().lower() in ("yes", "true"),
        )
        for row in table.sort_values("station_id").itertuples(index=False)
    ]


def load_station(station_id):
    """Look up a shipped KMA ASOS station by number.

    Parameters
    ----------
    station_id : int or str
        KMA station number (지점번호), e.g. 155.

    Returns
    -------
    Station

    Raises
    ------
    KeyError
        If the station is not in the shipped table.
    """
    number = int(station_id)
    for station in list_stations():
        if station.station_id == number:
            return station
    known = ", ".join(str(station.station_id) for station in list_stations())
    raise KeyError(f"KMA ASOS station {number} is not in the shipped table ({known}); "
                   "pass latitude, longitude and altitude explicitly")
