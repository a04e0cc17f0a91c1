"""Settlement rules: data-file defaults and the park file's optional tables.

The park schema (``microgrid/park/schema.py``) forbids unknown tables, so the
optional ``[income]`` and ``[settlement]`` tables of a park file are read
here and removed before the park itself is validated.

Defaults come from ``microgrid/data/settlement``: ``rec_price.toml``,
``emission_factor.toml`` and ``sunlight_income.toml``, each citing its source.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from pathlib import Path

from microgrid.errors import EngineInputError, ParkFileError
from microgrid.park import Park, demo_park_path, parse_park

TENANT_BASES = ("energy_bought", "roof_area")


def _data(name: str) -> dict:
    path = resources.files("microgrid.data").joinpath("settlement").joinpath(f"{name}.toml")
    return tomllib.loads(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class IncomeRule:
    """Sunlight-income rule (see ``microgrid/data/settlement/sunlight_income.toml``).

    Attributes
    ----------
    fund_share : float
        Share of each participant's positive quarterly saving paid into the fund [-].
    tenant_share : float
        Share of the fund paid to tenants; the rest to workers [-].
    tenant_basis : str
        ``energy_bought`` or ``roof_area``.
    worker_weight : float
        Weight of one head [-].
    eligibility_lag_quarters : int
        Settled quarters a tenant must have before it (and its workers) shares.
    include_operator : bool
    eligible_workers : dict
        Participant -> eligible headcount, overriding its ``workers``.
    source : str
    """

    fund_share: float = 0.30
    tenant_share: float = 0.50
    tenant_basis: str = "energy_bought"
    worker_weight: float = 1.0
    eligibility_lag_quarters: int = 1
    include_operator: bool = False
    eligible_workers: dict[str, int] = field(default_factory=dict)
    source: str = ""


@dataclass(frozen=True)
class SettlementRules:
    """Everything settlement needs beyond the park and the tariffs.

    Attributes
    ----------
    rec_price_krw_per_kwh : float
        REC value paid on eligible renewable exports [KRW/kWh].
    green_premium_krw_per_kwh : float
        Green-premium price used to cost an RE100 gap [KRW/kWh].
    rec_retained_on_export : bool
        False (default): exported renewable energy earns the REC value, so
        its certificate is sold and not claimed for RE100.
    grid_tco2eq_per_mwh, residual_mix_tco2eq_per_mwh : float
        Location-based and market-based emission factors [tCO2eq/MWh].
    re100_target : dict
        Participant -> target renewable share [-]; ``default_re100_target`` otherwise.
    income : IncomeRule
    """

    rec_price_krw_per_kwh: float
    green_premium_krw_per_kwh: float
    grid_tco2eq_per_mwh: float
    residual_mix_tco2eq_per_mwh: float
    rec_retained_on_export: bool = False
    default_re100_target: float = 1.0
    re100_target: dict[str, float] = field(default_factory=dict)
    income: IncomeRule = field(default_factory=IncomeRule)
    sources: dict[str, str] = field(default_factory=dict)

    def target(self, participant: str) -> float:
        """RE100 target share of ``participant`` [-]."""
        return self.re100_target.get(participant, self.default_re100_target)


def _income_rule(table: dict | None, source: str) -> IncomeRule:
    raw = _data("sunlight_income")
    allowed = {f.name for f in fields(IncomeRule)}
    values = {key: value for key, value in raw.items() if key in allowed}
    for key, value in (table or {}).items():
        if key not in allowed or key == "source":
            raise ParkFileError(f"{source}: income.{key} = {value!r}: unknown field, expected one of "
                                f"{sorted(allowed - {'source'})}")
        values[key] = value
    rule = IncomeRule(**values)
    checks = [("fund_share", 0 <= rule.fund_share <= 1), ("tenant_share", 0 <= rule.tenant_share <= 1),
              ("tenant_basis", rule.tenant_basis in TENANT_BASES), ("worker_weight", rule.worker_weight >= 0),
              ("eligibility_lag_quarters", isinstance(rule.eligibility_lag_quarters, int)
               and rule.eligibility_lag_quarters >= 0)]
    for name, ok in checks:
        if not ok:
            raise ParkFileError(f"{source}: income.{name} = {getattr(rule, name)!r}: out of range")
    return replace(rule, eligible_workers={str(k): int(v) for k, v in rule.eligible_workers.items()})


def settlement_rules(income: dict | None = None, settlement: dict | None = None,
                     source: str = "<park>") -> SettlementRules:
    """Rules from the data-file defaults, overridden by a park file's tables."""
    rec = _data("rec_price")
    emission = _data("emission_factor")
    settlement = dict(settlement or {})
    allowed = {"rec_price_krw_per_kwh", "green_premium_krw_per_kwh", "rec_retained_on_export",
               "default_re100_target", "re100_target", "grid_tco2eq_per_mwh"}
    unknown = set(settlement) - allowed
    if unknown:
        name = sorted(unknown)[0]
        raise ParkFileError(f"{source}: settlement.{name} = {settlement[name]!r}: unknown field, "
                            f"expected one of {sorted(allowed)}")
    targets = {str(k): float(v) for k, v in settlement.pop("re100_target", {}).items()}
    if any(not 0 <= v <= 1 for v in targets.values()):
        raise ParkFileError(f"{source}: settlement.re100_target = {targets!r}: shares must be within [0, 1]")
    return SettlementRules(
        rec_price_krw_per_kwh=float(settlement.get("rec_price_krw_per_kwh", rec["rec_price_krw_per_kwh"])),
        green_premium_krw_per_kwh=float(settlement.get("green_premium_krw_per_kwh",
                                                       rec["green_premium_krw_per_kwh"])),
        grid_tco2eq_per_mwh=float(settlement.get("grid_tco2eq_per_mwh", emission["grid_tco2eq_per_mwh"])),
        residual_mix_tco2eq_per_mwh=float(emission["residual_mix_tco2eq_per_mwh"]),
        rec_retained_on_export=bool(settlement.get("rec_retained_on_export", False)),
        default_re100_target=float(settlement.get("default_re100_target", 1.0)),
        re100_target=targets,
        income=_income_rule(income, source),
        sources={"rec": rec["source"], "green_premium": rec["green_premium_source"],
                 "emission": emission["source"], "residual_mix": emission["residual_mix_source"]},
    )


def read_park_with_rules(path: str | Path | None = None) -> tuple[Park, SettlementRules]:
    """Read a park file and its optional ``[income]`` / ``[settlement]`` tables.

    Returns
    -------
    (Park, SettlementRules)
    """
    path = Path(path) if path is not None else demo_park_path()
    source = str(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParkFileError(f"park file {source!r} does not exist") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ParkFileError(f"park file {source!r} cannot be read: {error}") from None
    park_raw, rules = split_rules(raw, source)
    return parse_park(park_raw, source), rules


def split_rules(raw: dict, source: str = "<park>") -> tuple[dict, SettlementRules]:
    """Separate a park file's parsed TOML into the park and its settlement rules.

    Parameters
    ----------
    raw : dict
        The park file's TOML as parsed (left unchanged).
    source : str
        Name of the file, for messages.

    Returns
    -------
    (dict, SettlementRules)
        A shallow copy of ``raw`` without its ``[income]`` and ``[settlement]``
        tables (ready for :func:`microgrid.park.parse_park`, or for the
        scenario overrides of a batch), and the rules those tables give over
        the data-file defaults.
    """
    park_raw = dict(raw)
    income = park_raw.pop("income", None)
    settlement = park_raw.pop("settlement", None)
    for name, table in (("income", income), ("settlement", settlement)):
        if table is not None and not isinstance(table, dict):
            raise ParkFileError(f"{source}: {name} = {table!r}: expected a table [{name}]")
    return park_raw, settlement_rules(income, settlement, source)


def default_rules() -> SettlementRules:
    """Rules with every default from the data files."""
    try:
        return settlement_rules()
    except (KeyError, OSError) as error:  # pragma: no cover - broken install
        raise EngineInputError(f"settlement data files are incomplete: {error}") from None
