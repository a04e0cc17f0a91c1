"""Named scenarios: overrides applied to the park file's dict, validated by ``parse_park``.

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
field. Unknown fields are an error naming the scenario.
"""

from __future__ import annotations

import copy
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from microgrid.errors import EngineInputError
from microgrid.park import Park, demo_park_path, parse_park

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


def apply_overrides(raw: dict, scenario: Scenario, source: str = "<park>") -> Park:
    """The park of ``scenario``: overrides applied to a copy of the park's raw dict, then validated."""
    raw = copy.deepcopy(raw)
    name = scenario.name
    for key, value in scenario.overrides.items():
        if key == "battery_scale":
            scale = _number(name, key, value)
            kept = []
            for asset in raw.get("assets", []):
                if asset.get("kind") == "battery":
                    if scale == 0:
                        continue
                    asset["energy_capacity_kwh"] = asset["energy_capacity_kwh"] * scale
                    asset["power_kw"] = asset["power_kw"] * scale
                kept.append(asset)
            raw["assets"] = kept
        elif key == "pv_scale":
            scale = _number(name, key, value)
            if scale == 0:
                raw["assets"] = [a for a in raw.get("assets", []) if a.get("kind") != "pv"]
            for asset in raw.get("assets", []):
                if asset.get("kind") == "pv":
                    asset["dc_capacity_kw"] = asset["dc_capacity_kw"] * scale
        elif key in ("pricing_rule", "seller_share", "trade_fee_krw_per_kwh"):
            raw.setdefault("market", {})[key] = value
        elif key == "market":
            if not isinstance(value, dict):
                raise EngineInputError(f"scenarios[{name!r}].market = {value!r}: expected a table")
            raw.setdefault("market", {}).update(value)
        elif key == "tariff":
            for participant in raw.get("participants", []):
                participant["tariff"] = value
        else:
            raise EngineInputError(f"scenarios[{name!r}].{key}: unknown field; expected one of {list(SCENARIO_FIELDS[1:])}")
    return parse_park(raw, f"{source} (scenario {name})")


def read_park_raw(path: str | Path | None) -> tuple[dict, str]:
    """The park file's parsed TOML and its name for messages (the demo park when None)."""
    path = Path(path) if path is not None else demo_park_path()
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")), str(path)
    except FileNotFoundError:
        raise EngineInputError(f"park file {str(path)!r} does not exist") from None
    except tomllib.TOMLDecodeError as error:
        raise EngineInputError(f"{path}: not valid TOML: {error}") from None


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
