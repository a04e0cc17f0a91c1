"""Variables and coordinates of the engine's files, declared once (the forecast's own, and the shared parts).

A :class:`Variable` states a variable's name, dimensions, units, ``long_name``,
optional CF ``standard_name``, ``cell_methods`` and a description; files take
their attributes from it (:meth:`Variable.attrs`), nothing else spells them.
``microgrid`` declares the forecast's variables (``available_generation``,
``load``, the weather) and the descriptive coordinates every file carries
(:func:`park_coords`); :mod:`market.dispatch.variables` re-uses them in the
result registry (imports run weather -> microgrid -> market -> ui).

Units
-----
Physical units are UDUNITS-2 strings, so CF tools convert them: energy
``kW h`` (a product: UDUNITS reads a space as multiplication; it has no
``Wh`` symbol, so ``kWh`` is not written), power ``kW``, shares, counts and
flags ``1``, irradiance ``W m-2``, speed ``m s-1``, temperature ``degC``.

Money: UDUNITS has no currency, and CF none either. Money is written
``units = "KRW"`` (ISO 4217 code of the South Korean won) and prices
``units = "KRW/(kW h)"``: a UDUNITS unit divided into the currency code, so
stripping ``KRW`` leaves a parseable unit. Every money variable also says
``currency = "KRW"`` (:data:`CURRENCY_ATTRIBUTE`), and the global attribute
``units_note`` says the same once per file. A CF checker will warn on
these units; writing ``1`` instead would pass it and throw the information
away, which the project's rule (every quantity says its unit) forbids. With
pint, register the currency as its own dimension first:
``ureg.define(PINT_CURRENCY)`` (``KRW = [currency]``), then ``kW h`` and
``KRW/(kW h)`` parse as written.

``cell_methods`` says how a step's value relates to the step: ``time: sum``
for energy and money per step (sum them over a span), ``time: mean`` for
prices (average them, never sum), ``time: point`` for the state of charge
at the end of a step (average, or take the last). Over entities
(participants, assets, feeders...) :attr:`Variable.over_entities` says
``sum`` (extensive: energy, money, SOC) or ``mean`` (prices, limits).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata

#: CF version the files follow.
CONVENTIONS = "CF-1.10"
#: Currency code written in ``units`` of money variables (ISO 4217).
CURRENCY = "KRW"
#: Attribute every money variable carries besides ``units``.
CURRENCY_ATTRIBUTE = {"currency": CURRENCY}
#: pint definition of the currency: ``pint.UnitRegistry().define(PINT_CURRENCY)``.
PINT_CURRENCY = "KRW = [currency] = ₩"
#: Global attribute explaining the money units, written once per file.
UNITS_NOTE = ("UDUNITS-2 units; money in KRW (ISO 4217 currency code, not a UDUNITS unit: "
              "variables with money say currency = KRW; prices are KRW/(kW h))")

#: Energy per step, power, dimensionless.
KWH, KW, ONE = "kW h", "kW", "1"
#: Money, price.
KRW, KRW_PER_KWH = CURRENCY, f"{CURRENCY}/(kW h)"


@dataclass(frozen=True)
class Variable:
    """One variable (or descriptive coordinate) of the engine's files.

    Attributes
    ----------
    name : str
    dims : tuple of str
    units : str
        UDUNITS-2 string, or money (``KRW``, ``KRW/(kW h)``): see the module docstring.
    long_name : str
        Readable name (the app and the report show it).
    cell_methods : str or None
        ``time: sum``, ``time: mean`` or ``time: point``; None without ``time``.
    description : str
        One or two sentences (written as the CF ``comment``).
    standard_name : str or None
        CF standard name, where one fits.
    over_entities : str
        ``sum`` or ``mean``: how a span figure aggregates over the non-time dimensions.
    """

    name: str
    dims: tuple[str, ...]
    units: str
    long_name: str
    cell_methods: str | None
    description: str
    standard_name: str | None = None
    over_entities: str = "sum"

    @property
    def is_money(self) -> bool:
        """True when the units are the currency (``KRW`` or ``KRW/...``)."""
        return self.units == CURRENCY or self.units.startswith(f"{CURRENCY}/")

    @property
    def over_time(self) -> str | None:
        """``sum`` (``time: sum``), ``mean`` (``time: mean`` and ``time: point``) or None (no ``time``)."""
        if not self.cell_methods:
            return None
        method = self.cell_methods.split(":", 1)[1].strip()
        return "sum" if method == "sum" else "mean"

    def attrs(self) -> dict:
        """The CF attributes of the variable (a new dict each call)."""
        attrs = {"units": self.units, "long_name": self.long_name}
        if self.standard_name:
            attrs["standard_name"] = self.standard_name
        if self.cell_methods:
            attrs["cell_methods"] = self.cell_methods
        attrs["comment"] = self.description
        if self.is_money:
            attrs.update(CURRENCY_ATTRIBUTE)
        return attrs


def _declare(*variables: Variable) -> dict[str, Variable]:
    return {variable.name: variable for variable in variables}


#: The forecast's variables (``microgrid.forecast.forecast_park``), re-used by the result registry.
FORECAST_VARIABLES = _declare(
    Variable("available_generation", ("time", "asset"), KWH, "forecast available generation", "time: sum",
             "Energy each generator could deliver in the step, from the forecast weather."),
    Variable("load", ("time", "participant"), KWH, "load", "time: sum",
             "Energy each participant consumes in the step (industry profile or metered)."),
)
#: Weather variables of the forecast file (per step; not in the dispatch result).
WEATHER_VARIABLES = _declare(
    Variable("ghi", ("time",), "W m-2", "global horizontal irradiance", "time: mean",
             "Mean irradiance on a horizontal surface over the step.",
             standard_name="surface_downwelling_shortwave_flux_in_air", over_entities="mean"),
    Variable("temp_air", ("time",), "degC", "air temperature", "time: mean",
             "Air temperature at 2 m.", standard_name="air_temperature", over_entities="mean"),
    Variable("wind_speed", ("time",), "m s-1", "wind speed", "time: mean",
             "Wind speed at the weather source's height.", standard_name="wind_speed", over_entities="mean"),
)

#: Descriptive coordinates every file carries (who owns what, what it is, how big).
COORDINATES = _declare(
    Variable("participant_feeder", ("participant",), ONE, "feeder the participant is connected to", None,
             "Name of the participant's feeder (text label)."),
    Variable("asset_owner", ("asset",), ONE, "owner of the generator", None,
             "Participant owning the generator (text label)."),
    Variable("asset_kind", ("asset",), ONE, "kind of generator", None,
             "Registered asset kind: pv, orc, wind... (text label)."),
    Variable("asset_rating_kw", ("asset",), KW, "generator rating", None,
             "Rated AC power of the generator.", over_entities="sum"),
    Variable("storage_owner", ("storage",), ONE, "owner of the storage", None,
             "Participant owning the storage (text label)."),
    Variable("storage_kind", ("storage",), ONE, "kind of storage", None,
             "Registered asset kind: battery... (text label)."),
    Variable("storage_energy_capacity_kwh", ("storage",), KWH, "storage energy capacity", None,
             "Nameplate energy capacity of the storage."),
    Variable("storage_power_kw", ("storage",), KW, "storage power rating", None,
             "Rated charge and discharge power of the storage."),
)
#: Coordinates whose values are text (labels), as opposed to numbers.
LABEL_COORDINATES = ("participant_feeder", "asset_owner", "asset_kind", "storage_owner", "storage_kind")


def _label_attrs(variable: Variable) -> dict:
    # Text labels carry no units (CF: units only for numbers); the declaration's "1" stays for the README.
    attrs = variable.attrs()
    if variable.name in LABEL_COORDINATES:
        attrs.pop("units")
    return attrs


def park_coords(park) -> dict:
    """The park's entity labels and descriptive coordinates, as ``xarray`` takes them.

    Returns
    -------
    dict
        ``participant``, ``asset`` (generators), ``storage`` labels and every
        entry of :data:`COORDINATES` as (dims, values, attrs), in the park's order.
    """
    generators = park.assets_of_role("generator")
    storages = park.assets_of_role("storage")
    values = {
        "participant_feeder": [participant.feeder for participant in park.participants],
        "asset_owner": [asset.owner for asset in generators],
        "asset_kind": [asset.kind for asset in generators],
        "asset_rating_kw": [float(asset.rating_kw) for asset in generators],
        "storage_owner": [asset.owner for asset in storages],
        "storage_kind": [asset.kind for asset in storages],
        "storage_energy_capacity_kwh": [float(asset.energy_capacity_kwh) for asset in storages],
        "storage_power_kw": [float(asset.power_kw) for asset in storages],
    }
    coords: dict = {
        "participant": [participant.name for participant in park.participants],
        "asset": [asset.name for asset in generators],
        "storage": [asset.name for asset in storages],
    }
    for name, variable in COORDINATES.items():
        coords[name] = (variable.dims, values[name], _label_attrs(variable))
    return coords


@lru_cache(maxsize=1)
def engine_version() -> str:
    """The installed package's version."""
    try:
        return metadata.version("park-microgrid")
    except metadata.PackageNotFoundError:
        return "unknown"


def global_attrs(park_name: str, title: str) -> dict:
    """CF global attributes of a file (``history`` is added when it is written: :func:`history_line`)."""
    return {
        "Conventions": CONVENTIONS,
        "title": title,
        "institution": f"{park_name} (park operator)",
        "source": f"park-microgrid {engine_version()}",
        "references": "README.md of park-microgrid: the result Dataset (contract)",
        "units_note": UNITS_NOTE,
    }


def history_line(action: str) -> str:
    """One ``history`` line: UTC time and what was done."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return f"{now} park-microgrid {engine_version()}: {action}"


def add_history(attrs: dict, action: str) -> dict:
    """``attrs`` with ``action`` appended to its ``history`` (CF: one line per step, oldest first)."""
    previous = attrs.get("history")
    line = history_line(action)
    return {**attrs, "history": f"{previous}\n{line}" if previous else line}
