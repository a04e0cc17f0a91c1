"""KEPCO tariffs and export prices, read from data files.

Each tariff is one TOML file in ``microgrid/data/tariffs`` with its source;
nothing here hard-codes a rate. Band rules (KEPCO 산업용(을)): weekdays use
the season's bands; Saturdays bill peak hours as mid; Sundays and public
holidays are all light load.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from microgrid.calendar import HOLIDAY, SATURDAY, day_types
from microgrid.errors import EngineInputError
from weather.datafiles import DataFileError, read_data_toml

BANDS = ("light", "mid", "peak")
SEASONS = ("summer", "spring_autumn", "winter")

#: Timezone of the hours, months and calendar days in the tariff and price
#: data files (KEPCO bills in Korean local time).
TARIFF_TIMEZONE = "Asia/Seoul"


#: Placeholder of the ``years`` fields before a file is read: the years a day may fall in come from each
#: data file's ``valid_from``/``valid_to`` (or ``years = [first, last]``), never from code.
ANY_YEARS = (1, 9999)


def check_covered(first: dt.date, last: dt.date, what: str, years: tuple[int, int] = ANY_YEARS) -> None:
    """Refuse days ``first..last`` outside the ``years`` a data file ``what`` covers (one line, the valid range).

    The one coverage check: the tariff and export-price readers call it on every index they price,
    and the command line calls it (:func:`check_operating_days`) before the slow imports.
    """
    low, high = years
    for day in (first, last):
        if not low <= day.year <= high:
            raise EngineInputError(f"date {day.isoformat()}: outside the years {low}-{high} that {what} covers; "
                                   f"expected a day from {low}-01-01 to {high}-12-31")


def _covered_index(index: pd.DatetimeIndex, what: str, years: tuple[int, int]) -> None:
    if len(index):
        check_covered(index.min().date(), index.max().date(), what, years)


def _years_of(raw: dict, what: str) -> tuple[int, int]:
    years = raw.get("years")
    if (not isinstance(years, (list, tuple)) or len(years) != 2 or not all(isinstance(y, int) for y in years)
            or years[0] > years[1]):
        raise EngineInputError(f"{what}: years = {years!r}: expected [first, last] years, or valid_from/valid_to dates")
    return int(years[0]), int(years[1])


def check_operating_days(park, first: dt.date, last: dt.date) -> None:
    """Days ``first..last`` the park's data files cover, each 24 hours long in the park's timezone.

    Cheap (data files only, no weather or optimiser): the command line runs it before loading them.
    A day with a daylight-saving change (23 or 25 hours) is refused: the dispatch plans 24-hour days.
    """
    check_covered(first, last, f"export price {park.market.export_price!r}",
                  load_export_price(park.market.export_price).years)
    for name in sorted({participant.tariff for participant in park.participants}):
        low, high = tariff_validity(name)
        check_covered(first, last, f"tariff {name!r}",
                      (low.year if low else 1, high.year if high else 9999))
        day = first
        while day <= last:  # a gap between versions, or a version starting mid-year
            load_tariff(name, day)
            day += dt.timedelta(days=1)
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(park.park.timezone)
    day = first
    while day <= last:
        start = dt.datetime.combine(day, dt.time(), zone)
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zone)
        hours = (end.astimezone(dt.timezone.utc) - start.astimezone(dt.timezone.utc)) / dt.timedelta(hours=1)
        if hours != 24:
            raise EngineInputError(f"date {day.isoformat()}: has {hours:g} hours in {park.park.timezone} "
                                   "(a daylight-saving change); expected a 24-hour day: choose another day or "
                                   "a timezone without daylight saving")
        day += dt.timedelta(days=1)


def _local(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """``index`` in Korean local time; naive timestamps are taken as local already."""
    index = pd.DatetimeIndex(index)
    return index.tz_convert(TARIFF_TIMEZONE) if index.tz is not None else index


def tariff_day(index: pd.DatetimeIndex) -> dt.date:
    """Korean calendar day of the first interval start of ``index``: the day whose tariff prices it."""
    return _local(pd.DatetimeIndex(index)[:1])[0].date()


@dataclass(frozen=True)
class Tariff:
    """A time-of-use KEPCO tariff.

    Attributes
    ----------
    name : str
    title, title_ko : str
        English and Korean names (계약종별 as on a KEPCO bill).
    source : str
    basic_charge_krw_per_kw_month : float
        Basic (demand) charge [KRW/kW per month] on billing demand.
    billing_demand_floor_fraction : float
        Floor of billing demand as a share of contract power [-].
    climate_environment_krw_per_kwh, fuel_cost_adjustment_krw_per_kwh : float
        Per-kWh adders [KRW/kWh].
    power_industry_fund_rate, vat_rate : float
        Surcharges on the bill [-].
    season_of_month : dict
        Month (1-12) -> season name.
    band_of_hour : dict
        Season -> 24 weekday band names by interval-start hour.
    rates : dict
        Season -> band -> energy rate [KRW/kWh].
    """

    name: str
    title: str
    source: str
    basic_charge_krw_per_kw_month: float
    billing_demand_floor_fraction: float
    climate_environment_krw_per_kwh: float
    fuel_cost_adjustment_krw_per_kwh: float
    power_industry_fund_rate: float
    vat_rate: float
    season_of_month: dict[int, str]
    band_of_hour: dict[str, tuple[str, ...]]
    rates: dict[str, dict[str, float]]
    #: First and last year the file covers (its ``valid_from``/``valid_to`` or ``years``).
    years: tuple[int, int] = field(default=ANY_YEARS)
    #: First and last day (Korean calendar) this version of the tariff is in force; ``None``: open.
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    #: The tariff's Korean name as KEPCO writes it (계약종별), e.g. 산업용(을) 고압A 선택II.
    title_ko: str = ""

    def bands(self, index: pd.DatetimeIndex) -> np.ndarray:
        """Tariff band (``light``/``mid``/``peak``) of each interval start."""
        index = _local(index)
        if len(index):
            for day in (index.min().date(), index.max().date()):
                if not _valid_on(self, day):
                    raise EngineInputError(f"tariff {self.name!r}: the version {_validity(self)} does not apply "
                                           f"to {day.isoformat()}; expected load_tariff({self.name!r}, day)")
        seasons = [self.season_of_month[month] for month in index.month]
        weekday_band = np.array(
            [self.band_of_hour[season][hour] for season, hour in zip(seasons, index.hour)],
            dtype=object,
        )
        kinds = day_types(index)
        band = np.where((kinds == SATURDAY) & (weekday_band == "peak"), "mid", weekday_band)
        band = np.where(kinds == HOLIDAY, "light", band)
        return band.astype(object)

    def energy_rate(self, index: pd.DatetimeIndex) -> np.ndarray:
        """Energy rate of each interval [KRW/kWh], without adders."""
        index = _local(index)
        bands = self.bands(index)
        return np.array(
            [self.rates[self.season_of_month[month]][band] for month, band in zip(index.month, bands)],
            dtype=float,
        )

    @property
    def adders_krw_per_kwh(self) -> float:
        """Climate-environment and fuel-cost adders [KRW/kWh]."""
        return self.climate_environment_krw_per_kwh + self.fuel_cost_adjustment_krw_per_kwh

    def marginal_import_price(self, index: pd.DatetimeIndex) -> np.ndarray:
        """Cost of one more kWh imported in each interval [KRW/kWh].

        Energy rate plus adders, plus the power-industry fund levied on them.
        VAT is left out: it is recoverable input tax for a business.
        """
        return (self.energy_rate(index) + self.adders_krw_per_kwh) * (1 + self.power_industry_fund_rate)

    def demand_charge_applies(self, index: pd.DatetimeIndex) -> np.ndarray:
        """True for intervals whose demand counts toward billing demand (mid and peak)."""
        return self.bands(index) != "light"


def _read_toml_resource(folder: str, name: str, what: str) -> dict:
    try:
        return read_data_toml("microgrid", f"{folder}/{name}.toml")
    except DataFileError as error:
        raise EngineInputError(f"{what}: unknown name {name!r}; expected one of {error.available}") from None


def available_tariffs() -> list[str]:
    """Names of the tariff data files shipped with the engine."""
    return sorted({stem.split("@")[0] for stem in _tariff_files()})


def _date_of(raw: dict, key: str, what: str) -> dt.date | None:
    value = raw.get(key)
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise EngineInputError(f"{what}: {key} = {value!r}: expected a date YYYY-MM-DD") from None


def _valid_on(data, day: dt.date) -> bool:
    return ((data.valid_from is None or data.valid_from <= day)
            and (data.valid_to is None or day <= data.valid_to))


def _validity(data) -> str:
    low = data.valid_from.isoformat() if data.valid_from else "the start"
    high = data.valid_to.isoformat() if data.valid_to else "open-ended"
    return f"valid {low} to {high}"


def _validity_years(raw: dict, what: str) -> tuple[int, int]:
    """Years a data file covers: its ``valid_from``/``valid_to`` (open end: far future), else ``years``."""
    low, high = _date_of(raw, "valid_from", what), _date_of(raw, "valid_to", what)
    if low is None and high is None:
        return _years_of(raw, what)
    return (low.year if low else 1, high.year if high else 9999)


def tariff_versions(name: str) -> tuple[Tariff, ...]:
    """Every version of tariff ``name``, oldest first.

    The current version is ``tariffs/<name>.toml``; earlier ones are ``tariffs/<name>@<revision>.toml``,
    each with its ``valid_from``/``valid_to`` (the days, in the Korean calendar, it is in force).
    """
    files = [name] if name in _tariff_files() else []
    files += sorted(stem for stem in _tariff_files() if stem.startswith(name + "@"))
    if not files:
        _read_toml_resource("tariffs", name, "tariff")  # raises the one-line "unknown name"
    return tuple(sorted((_load_version(stem) for stem in files),
                        key=lambda t: t.valid_from or dt.date.min))


def tariff_validity(name: str) -> tuple[dt.date | None, dt.date | None]:
    """First and last day any version of tariff ``name`` covers (``None``: open)."""
    versions = tariff_versions(name)
    lows = [t.valid_from for t in versions]
    highs = [t.valid_to for t in versions]
    return (None if None in lows else min(lows)), (None if None in highs else max(highs))


@lru_cache(maxsize=64)
def load_tariff(name: str, day: dt.date | None = None) -> Tariff:
    """The version of tariff ``name`` in force on ``day`` (the current file when ``day`` is None).

    Raises
    ------
    EngineInputError
        When no version of ``name`` is valid on ``day``: one line naming the tariff, the date and the
        validity range of its data files.
    """
    if day is None:
        return _load_version(name)
    if isinstance(day, dt.datetime):
        day = day.date()
    versions = tariff_versions(name)
    for version in versions:
        if _valid_on(version, day):
            return version
    ranges = ", ".join(_validity(version).removeprefix("valid ") for version in versions)
    raise EngineInputError(f"tariff {name!r}: no version valid on {day.isoformat()}; its data files cover "
                           f"{ranges}")


@lru_cache(maxsize=1)
def _tariff_files() -> tuple[str, ...]:
    package = resources.files("microgrid.data").joinpath("tariffs")
    return tuple(sorted(p.name.removesuffix(".toml") for p in package.iterdir() if p.name.endswith(".toml")))


@lru_cache(maxsize=32)
def _load_version(stem: str) -> Tariff:
    """Read one tariff data file ``stem`` from ``microgrid/data/tariffs``."""
    name = stem.split("@")[0]
    raw = _read_toml_resource("tariffs", stem, "tariff")
    season_of_month = {month: season for season, months in raw["seasons"].items() for month in months}
    band_of_hour = {}
    for season in raw["bands"]:
        hours = ["light"] * 24
        for band in ("mid", "peak"):
            for hour in raw["bands"][season].get(band, []):
                hours[hour] = band
        band_of_hour[season] = tuple(hours)
    return Tariff(
        name=raw["name"],
        title=raw["title"],
        title_ko=str(raw.get("title_ko", raw["title"])),
        source=raw["source"],
        basic_charge_krw_per_kw_month=float(raw["basic_charge_krw_per_kw_month"]),
        billing_demand_floor_fraction=float(raw["billing_demand_floor_fraction"]),
        climate_environment_krw_per_kwh=float(raw["climate_environment_krw_per_kwh"]),
        fuel_cost_adjustment_krw_per_kwh=float(raw["fuel_cost_adjustment_krw_per_kwh"]),
        power_industry_fund_rate=float(raw["power_industry_fund_rate"]),
        vat_rate=float(raw["vat_rate"]),
        season_of_month=season_of_month,
        band_of_hour=band_of_hour,
        rates={season: {band: float(v) for band, v in bands.items()} for season, bands in raw["rates"].items()},
        years=_validity_years(raw, f"tariff {stem!r}"),
        valid_from=_date_of(raw, "valid_from", f"tariff {stem!r}"),
        valid_to=_date_of(raw, "valid_to", f"tariff {stem!r}"),
    )


@dataclass(frozen=True)
class ExportPrice:
    """Price paid for energy exported to the grid (SMP) [KRW/kWh]."""

    name: str
    source: str
    monthly_mean_krw_per_kwh: tuple[float, ...]
    hourly_shape: tuple[float, ...]
    #: First and last year the file covers (its ``valid_from``/``valid_to`` or ``years``).
    years: tuple[int, int] = field(default=ANY_YEARS)

    def price(self, index: pd.DatetimeIndex) -> np.ndarray:
        """Export price of each interval [KRW/kWh]."""
        index = _local(index)
        _covered_index(index, f"export price {self.name!r}", self.years)
        monthly = np.asarray(self.monthly_mean_krw_per_kwh)[index.month - 1]
        return monthly * np.asarray(self.hourly_shape)[index.hour]


@lru_cache(maxsize=8)
def load_export_price(name: str) -> ExportPrice:
    """Read the export-price data file ``name`` from ``microgrid/data/prices``."""
    raw = _read_toml_resource("prices", name, "market.export_price")
    return ExportPrice(
        name=raw["name"],
        source=raw["source"],
        monthly_mean_krw_per_kwh=tuple(raw["monthly_mean_krw_per_kwh"]),
        hourly_shape=tuple(raw["hourly_shape"]),
        years=_validity_years(raw, f"market.export_price {name!r}"),
    )
