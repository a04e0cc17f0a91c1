"""Settlement rules, derived from a park's typed ``[income]`` and ``[settlement]`` tables.

The tables are fields of :class:`microgrid.park.Park` (``park.income``,
``park.settlement``, models in ``microgrid/park/tables.py``) with their
defaults from ``microgrid/data/settlement``; :func:`rules_for` turns them
into the :class:`SettlementRules` that settlement, income and RE100 use.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from microgrid.errors import EngineInputError
from microgrid.park import TENANT_BASES, IncomeRule, Park, SettlementTerms, settlement_data

__all__ = ["TENANT_BASES", "IncomeRule", "SettlementRules", "default_rules", "rules_for"]


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
        The park's ``[income]`` table (:class:`microgrid.park.IncomeRule`).
    sources : dict
        Where the defaults come from: ``rec``, ``green_premium``, ``emission``, ``residual_mix``.
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


def _rules(income: IncomeRule, settlement: SettlementTerms) -> SettlementRules:
    rec = settlement_data("rec_price")
    emission = settlement_data("emission_factor")
    return SettlementRules(
        rec_price_krw_per_kwh=float(settlement.rec_price_krw_per_kwh),
        green_premium_krw_per_kwh=float(settlement.green_premium_krw_per_kwh),
        grid_tco2eq_per_mwh=float(settlement.grid_tco2eq_per_mwh),
        residual_mix_tco2eq_per_mwh=float(emission["residual_mix_tco2eq_per_mwh"]),
        rec_retained_on_export=settlement.rec_retained_on_export,
        default_re100_target=float(settlement.default_re100_target),
        re100_target=dict(settlement.re100_target),
        income=income,
        sources={"rec": rec["source"], "green_premium": rec["green_premium_source"],
                 "emission": emission["source"], "residual_mix": emission["residual_mix_source"]},
    )


def rules_for(park: Park) -> SettlementRules:
    """The settlement rules of ``park``: its ``[income]`` and ``[settlement]`` tables over the data files.

    Parameters
    ----------
    park : Park

    Returns
    -------
    SettlementRules
        ``income`` is ``park.income``; prices, emission factors and RE100
        targets come from ``park.settlement``; the residual mix and the
        sources from ``microgrid/data/settlement``.
    """
    return _rules(park.income, park.settlement)


def default_rules() -> SettlementRules:
    """Rules with every default from the data files (those of a park without the two tables)."""
    try:
        return _rules(IncomeRule(), SettlementTerms())
    except (KeyError, OSError) as error:  # pragma: no cover - broken install
        raise EngineInputError(f"settlement data files are incomplete: {error}") from None
