"""Named scenarios: overrides applied to the typed park, validated again as a park file is.

A scenarios file is TOML::

    [[scenarios]]
    name = "base"

    [[scenarios]]
    name = "no-battery"
    battery_scale = 0.0          # 0 removes every battery

    [[scenarios]]
    name = "pv-x1.5-marginal"
    pv_scale = 1.5               # scales every PV array's dc_capacity_kw
    pricing_rule = "marginal"
    trade_fee_krw_per_kwh = 5.0
    market = { seller_share = 0.7 }   # any [market] field

Fields: ``battery_scale`` (scales energy and power of every battery [-];
0 removes them), ``pv_scale`` [-], ``pricing_rule``, ``seller_share`` [-],
``trade_fee_krw_per_kwh`` [KRW/kWh], ``tariff`` (every participant's KEPCO
tariff file, e.g. another option), and a ``market`` table of any market
field. Unknown fields are an error naming the scenario. The overrides are
applied to the :class:`~microgrid.park.Park` read by
:func:`microgrid.park.read_park` (its ``[income]`` and ``[settlement]``
tables included, unchanged by a scenario), then the whole park is validated
and cross-checked again (:func:`microgrid.park.revalidated`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from microgrid.errors import EngineInputError
from microgrid.park import MarketRules, Park, revalidated

SCENARIO_FIELDS = ("name", "battery_scale", "pv_scale", "pricing_rule", "seller_share",
                   "trade_fee_krw_per_kwh", "tariff", "market")


@dataclass(frozen=True)
class Scenario:
    """One named set of overrides on the park.

    Attributes
    ----------
    name : str
        Letters, digits, ``-`` and ``_`` (used in file names).
    overrides : dict
        Field -> value as in the scenarios file.
    """

    name: str = "base"
    overrides: dict = field(default_factory=dict)


def _number(scenario: str, key: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise EngineInputError(f"scenarios[{scenario!r}].{key} = {value!r}: expected a number >= 0")
    return float(value)


def apply_overrides(park: Park, scenario: Scenario, source: str = "<park>") -> Park:
    """The park of ``scenario``: its overrides applied to ``park``, then validated and cross-checked again.

    Parameters
    ----------
    park : Park
        The park as read by :func:`microgrid.park.read_park` (left unchanged).
    scenario : Scenario
    source : str
        Name of the park file, for messages.

    Raises
    ------
    EngineInputError
        An unknown override or a bad scale; a :class:`~microgrid.errors.ParkFileError`
        naming ``source (scenario NAME)`` when the park it gives is not valid.
    """
    name = scenario.name
    assets, market, participants = list(park.assets), park.market, list(park.participants)
    for key, value in scenario.overrides.items():
        if key == "battery_scale":
            scale = _number(name, key, value)
            assets = [asset if asset.kind != "battery" else
                      asset.model_copy(update={"energy_capacity_kwh": asset.energy_capacity_kwh * scale,
                                               "power_kw": asset.power_kw * scale})
                      for asset in assets if not (asset.kind == "battery" and scale == 0)]
        elif key == "pv_scale":
            scale = _number(name, key, value)
            assets = [asset if asset.kind != "pv" else
                      asset.model_copy(update={"dc_capacity_kw": asset.dc_capacity_kw * scale})
                      for asset in assets if not (asset.kind == "pv" and scale == 0)]
        elif key in ("pricing_rule", "seller_share", "trade_fee_krw_per_kwh"):
            market = market.model_copy(update={key: value})
        elif key == "market":
            if not isinstance(value, dict):
                raise EngineInputError(f"scenarios[{name!r}].market = {value!r}: expected a table")
            unknown = sorted(set(value) - set(MarketRules.model_fields))
            if unknown:
                raise EngineInputError(f"scenarios[{name!r}].market.{unknown[0]}: unknown field; "
                                       f"expected one of {sorted(MarketRules.model_fields)}")
            market = market.model_copy(update=value)
        elif key == "tariff":
            participants = [participant.model_copy(update={"tariff": value}) for participant in participants]
        else:
            raise EngineInputError(f"scenarios[{name!r}].{key}: unknown field; expected one of {list(SCENARIO_FIELDS[1:])}")
    changed = park.model_copy(update={"assets": assets, "market": market, "participants": participants,
                                      "network": _without_removed(park, assets)})
    return revalidated(changed, f"{source} (scenario {name})")


def read_scenarios(path: str | Path | None) -> list[Scenario]:
    """Scenarios of a TOML file; ``[Scenario('base')]`` when None."""
    if path is None:
        return [Scenario()]
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EngineInputError(f"--scenarios {str(path)!r} does not exist") from None
    except tomllib.TOMLDecodeError as error:
        raise EngineInputError(f"--scenarios {str(path)!r}: not valid TOML: {error}") from None
    items = raw.get("scenarios")
    if not isinstance(items, list) or not items:
        raise EngineInputError(f"{path}: expected at least one [[scenarios]] table")
    scenarios, seen = [], set()
    for position, item in enumerate(items):
        name = item.get("name") if isinstance(item, dict) else None
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
            raise EngineInputError(f"{path}: scenarios[{position}].name = {name!r}: expected letters, digits, - _ .")
        if name in seen:
            raise EngineInputError(f"{path}: scenarios[{position}].name = {name!r}: duplicate")
        seen.add(name)
        unknown = [key for key in item if key not in SCENARIO_FIELDS]
        if unknown:
            raise EngineInputError(f"{path}: scenarios[{name!r}].{unknown[0]}: unknown field; "
                                   f"expected one of {list(SCENARIO_FIELDS[1:])}")
        scenarios.append(Scenario(name, {k: v for k, v in item.items() if k != "name"}))
    return scenarios


def _without_removed(park: Park, assets: list) -> object:
    """``park.network`` with the assets a scenario removed (scale 0) left out of the feeder sections' ``connect``."""
    removed = {asset.name for asset in park.assets} - {asset.name for asset in assets}
    if not removed:
        return park.network
    feeders = [feeder.model_copy(update={"sections": [
        section.model_copy(update={"connect": [name for name in section.connect if name not in removed]})
        for section in feeder.sections]}) for feeder in park.network.feeders]
    return park.network.model_copy(update={"feeders": feeders})
