"""The park file's optional ``[income]`` and ``[settlement]`` tables, typed.

Both are fields of :class:`microgrid.park.Park` (``park.income``,
``park.settlement``). Every default comes from a data file of
``microgrid/data/settlement`` (read by :func:`settlement_data`), each citing
its source; a park file overrides any field in its own table. Settlement
(``market.settlement.rules_for``) derives its rules from these two models.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from typing import Annotated, Literal

from pydantic import Field

from microgrid.strict import StrictModel

#: Bases of the tenants' share of the sunlight fund.
TENANT_BASES = ("energy_bought", "roof_area")


@lru_cache(maxsize=None)
def _settlement_file(name: str) -> tuple[tuple[str, object], ...]:
    path = resources.files("microgrid.data").joinpath("settlement").joinpath(f"{name}.toml")
    return tuple(tomllib.loads(path.read_text(encoding="utf-8")).items())


def settlement_data(name: str) -> dict:
    """The data file ``microgrid/data/settlement/<name>.toml`` as a dict (a fresh copy)."""
    return dict(_settlement_file(name))


_INCOME = settlement_data("sunlight_income")
_REC = settlement_data("rec_price")
_EMISSION = settlement_data("emission_factor")

Share = Annotated[float, Field(ge=0, le=1)]


class _Table(StrictModel):
    pass


class IncomeRule(_Table):
    """Sunlight-income rule, the park file's ``[income]`` table.

    Defaults: ``microgrid/data/settlement/sunlight_income.toml``.

    Attributes
    ----------
    fund_share : float
        Share of each participant's positive quarterly trading surplus paid into the fund [-].
    tenant_share : float
        Share of the fund paid to tenants; the rest to workers [-].
    tenant_basis : str
        ``energy_bought`` or ``roof_area``.
    worker_weight : float
        Weight of one head [-].
    eligibility_lag_quarters : int
        Settled quarters a tenant must have before it (and its workers) shares.
    include_operator : bool
        Whether the park operator shares like a tenant.
    eligible_workers : dict
        Participant -> eligible headcount, overriding its ``workers``.
    """

    fund_share: Share = _INCOME["fund_share"]
    tenant_share: Share = _INCOME["tenant_share"]
    tenant_basis: Literal["energy_bought", "roof_area"] = _INCOME["tenant_basis"]
    worker_weight: float = Field(default=_INCOME["worker_weight"], ge=0)
    eligibility_lag_quarters: int = Field(default=_INCOME["eligibility_lag_quarters"], ge=0, strict=True)
    include_operator: bool = Field(default=_INCOME["include_operator"], strict=True)
    eligible_workers: dict[str, Annotated[int, Field(ge=0, strict=True)]] = Field(default_factory=dict)

    @property
    def source(self) -> str:
        """Source of the default rule (the data file's ``source``)."""
        return str(_INCOME.get("source", ""))


class SettlementTerms(_Table):
    """Prices and factors of settlement and RE100, the park file's ``[settlement]`` table.

    Defaults: ``microgrid/data/settlement/rec_price.toml`` and ``emission_factor.toml``.

    Attributes
    ----------
    rec_price_krw_per_kwh : float
        REC value paid on eligible renewable exports [KRW/kWh].
    green_premium_krw_per_kwh : float
        Green-premium price used to cost an RE100 gap [KRW/kWh].
    grid_tco2eq_per_mwh : float
        Location-based grid emission factor [tCO2eq/MWh].
    rec_retained_on_export : bool
        False (default): exported renewable energy earns the REC value, so its
        certificate is sold and not claimed for RE100.
    default_re100_target : float
        RE100 target share of a participant not in ``re100_target`` [-].
    re100_target : dict
        Participant -> target renewable share [-].
    """

    rec_price_krw_per_kwh: float = Field(default=_REC["rec_price_krw_per_kwh"], ge=0)
    green_premium_krw_per_kwh: float = Field(default=_REC["green_premium_krw_per_kwh"], ge=0)
    grid_tco2eq_per_mwh: float = Field(default=_EMISSION["grid_tco2eq_per_mwh"], ge=0)
    rec_retained_on_export: bool = Field(default=False, strict=True)
    default_re100_target: Share = 1.0
    re100_target: dict[str, Share] = Field(default_factory=dict)
