"""The park: participants, assets, network and market rules.

A park is described by a TOML file (see ``microgrid/data/demo_park.toml``)
and validated on load by :func:`microgrid.park.read_park`. The models here
check each field on its own; cross-references (an asset's owner, a feeder
name, a tariff) are checked by the loader, which knows the whole file.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from microgrid.assets import AssetSpec
from microgrid.network.electrical import Cable, Electrical, FeederSection, TransformerElectrical
from microgrid.park.tables import IncomeRule, SettlementTerms
from microgrid.strict import StrictModel as _Strict

#: Korea's bounding box (latitude, longitude) [deg]: a site inside it keeps its timestamps in Asia/Seoul.
KOREA_BOX = ((33.0, 38.7), (124.5, 131.9))
KOREA_TIMEZONE = "Asia/Seoul"


class ParkInfo(_Strict):
    """Where the park is.

    Attributes
    ----------
    name : str
    description : str
    latitude, longitude : float
        Site coordinates [deg].
    altitude_m : float
        Site altitude [m].
    timezone : str
        IANA timezone of the park's timestamps; a site inside Korea's bounding
        box (:data:`KOREA_BOX`, 33-38.7 N, 124.5-131.9 E) must use Asia/Seoul,
        since KEPCO tariffs and the Korean calendar are local time.
    weather_site : str or None
        Calibrated weather site for synthetic weather (see ``weather.sites``).
    """

    name: str = Field(min_length=1)
    description: str = ""
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    altitude_m: float = 0.0
    timezone: str = "Asia/Seoul"
    weather_site: str | None = None

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str, info: ValidationInfo) -> str:
        """An IANA name; Asia/Seoul for a site inside Korea's bounding box (:data:`KOREA_BOX`)."""
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            if not value or value != value.strip() or value.startswith(("/", ".")) or ".." in value:
                raise ValueError
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError("unknown timezone, expected an IANA name such as 'Asia/Seoul'") from None
        latitude, longitude = info.data.get("latitude"), info.data.get("longitude")
        (south, north), (west, east) = KOREA_BOX
        if (latitude is not None and longitude is not None and south <= latitude <= north
                and west <= longitude <= east and value != KOREA_TIMEZONE):
            raise ValueError(f"a site in Korea ({latitude}, {longitude}) keeps its timestamps in "
                             f"{KOREA_TIMEZONE!r} (KEPCO tariffs and the Korean calendar are local time)")
        return value


class PricingRuleName(StrEnum):
    """Names of the pricing rules a park file may choose (``market.pricing_rule``).

    ``market.pricing.rules.PRICING_RULES`` is keyed by exactly these names
    (checked when it is imported): adding a rule adds a member here and its
    entry there.
    """

    MARGINAL = "marginal"
    SHARED_SAVINGS = "shared_savings"
    PAY_AS_CLEAR = "pay_as_clear"
    PAY_AS_BID = "pay_as_bid"


#: The valid pricing-rule names, sorted.
PRICING_RULE_NAMES: tuple[str, ...] = tuple(sorted(rule.value for rule in PricingRuleName))


class MarketRules(_Strict):
    """Rules of the park's direct-trading market.

    Attributes
    ----------
    pricing_rule : str
        Name of a pricing rule, one of :class:`PricingRuleName`.
    seller_share : float
        Share of the saving against the grid that goes to the seller under
        ``shared_savings`` [-].
    trade_fee_krw_per_kwh : float
        Platform fee paid by the buyer to the park operator on every internal
        trade [KRW/kWh]. Trades behind the park's meter pay no grid charges.
    battery_wear_cost_krw_per_kwh : float
        Default battery degradation cost per kWh discharged [KRW/kWh].
    demand_charge_weight : float
        Weight of the demand (basic) charge in the dispatch [-]: 1 (default)
        prices a peak import in mid/peak hours above the participant's billing
        demand already set as KEPCO bills it (basic charge x the months the
        increase will be billed, see
        :func:`market.settlement.kepco.demand_charge_krw_per_kw`); 0 ignores it.
    export_price : str
        Name of the export-price data file in ``microgrid/data/prices``.
    gate_closure : str
        When order books for a delivery day close, ``"D-<days> HH:MM"`` in the
        park's local time; the default is the day before at 10:00.
    """

    pricing_rule: str = PricingRuleName.SHARED_SAVINGS.value
    seller_share: float = Field(default=0.5, ge=0, le=1)
    trade_fee_krw_per_kwh: float = Field(default=3.0, ge=0)
    battery_wear_cost_krw_per_kwh: float = Field(default=20.0, ge=0)
    demand_charge_weight: float = Field(default=1.0, ge=0)
    export_price: str = "smp_2025"
    gate_closure: str = Field(default="D-1 10:00", pattern=r"^D-\d+ \d{1,2}:\d{2}$")

    @field_validator("pricing_rule")
    @classmethod
    def _known_rule(cls, value: str) -> str:
        if value not in PRICING_RULE_NAMES:
            raise ValueError(f"expected one of {list(PRICING_RULE_NAMES)}")
        return value


class Transformer(_Strict):
    """The transformer at the park's connection to KEPCO.

    Attributes
    ----------
    name : str
    import_limit_kw : float
        Largest power drawn from KEPCO [kW].
    export_limit_kw : float
        Largest reverse flow (power sent to KEPCO) permitted [kW].
    electrical : TransformerElectrical or None
        Rating and impedance for AC power flow (optional).
    """

    name: str = "TR-1"
    import_limit_kw: float = Field(gt=0)
    export_limit_kw: float = Field(ge=0)
    electrical: TransformerElectrical | None = None


class Feeder(_Strict):
    """A feeder from the park's main bus.

    Attributes
    ----------
    name : str
    limit_kw : float
        Thermal limit, each way [kW].
    reverse_limit_kw : float or None
        Limit towards the main bus when it differs from ``limit_kw`` [kW].
    cable : Cable or None
        The feeder's cable, for AC power flow (optional).
    sections : list of FeederSection
        Radial chain of cable sections from the main bus (optional); without
        sections the feeder is one section of ``cable.length_km`` with one
        bus at its end where every tenant and asset of the feeder connects.
    """

    name: str = Field(min_length=1)
    limit_kw: float = Field(gt=0)
    reverse_limit_kw: float | None = Field(default=None, gt=0)
    cable: Cable | None = None
    sections: list[FeederSection] = Field(default_factory=list)

    @property
    def forward_limit_kw(self) -> float:
        """Limit on power flowing from the main bus into the feeder [kW]."""
        return self.limit_kw

    @property
    def backward_limit_kw(self) -> float:
        """Limit on power flowing from the feeder to the main bus [kW]."""
        return self.reverse_limit_kw if self.reverse_limit_kw is not None else self.limit_kw


class Network(_Strict):
    """The park's network: one transformer and its feeders.

    ``electrical`` (optional) holds what an AC power flow needs beyond the
    kW limits of the dispatch; see :mod:`microgrid.network.electrical`.
    """

    transformer: Transformer
    feeders: list[Feeder] = Field(min_length=1)
    electrical: Electrical | None = None


class Participant(_Strict):
    """A member of the park's market: a tenant company or the park operator.

    Attributes
    ----------
    name : str
        Short unique name (used in results and the ledger).
    display_name : str
    kind : str
        ``tenant`` or ``operator``.
    industry : str or None
        Industry of a tenant (``machinery``, ``auto_parts``, ``chemicals``,
        ``food``, ``steel``, ``cement``...), which selects its load shape.
    feeder : str
        Feeder its load is connected to.
    contract_power_kw : float
        KEPCO contract power [kW].
    annual_consumption_kwh : float or None
        Annual consumption [kWh]; scales its load profile when given.
    workers : int
        Headcount, for the sunlight-income split.
    roof_area_m2 : float
        Roof area lent to the park's PV [m^2].
    tariff : str
        Name of its KEPCO tariff data file in ``microgrid/data/tariffs``.
    billing_demand_kw : float or None
        Billing demand already set in its 12-month window before the engine's
        records begin (from its last KEPCO bill) [kW]; the floor above which a
        new peak costs, on a first day without a ledger (see
        :func:`market.settlement.kepco.billing_demand_kw`). None: 30 % of the
        contract power (the tariff's floor).
    holds_recs : bool
        True (default): it holds the renewable energy certificates (REC) of
        its own PV and wind, so an export earns SMP plus the REC value where
        the park's rules sell them (``[settlement] rec_retained_on_export``
        false); False (e.g. certificates held by an investor or a PPA
        buyer): its exports earn SMP only, in the dispatch and in settlement.
    """

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")
    display_name: str = ""
    kind: Literal["tenant", "operator"] = "tenant"
    industry: str | None = None
    feeder: str = Field(min_length=1)
    contract_power_kw: float = Field(ge=0)
    annual_consumption_kwh: float | None = Field(default=None, ge=0)
    workers: int = Field(default=0, ge=0)
    roof_area_m2: float = Field(default=0.0, ge=0)
    tariff: str = Field(min_length=1)
    billing_demand_kw: float | None = Field(default=None, ge=0)
    holds_recs: bool = Field(default=True, strict=True)


class Park(_Strict):
    """A whole park, validated and cross-checked.

    Attributes
    ----------
    park : ParkInfo
    market : MarketRules
    network : Network
    participants : list of Participant
    assets : list of AssetSpec
    income : IncomeRule
        The ``[income]`` table: sunlight-income rule (``income.fund_share`` is
        the share of savings paid into the sunlight fund [-]).
    settlement : SettlementTerms
        The ``[settlement]`` table: REC and green-premium prices, grid
        emission factor, RE100 targets.
    """

    park: ParkInfo
    market: MarketRules = MarketRules()
    network: Network
    participants: list[Participant] = Field(min_length=1)
    assets: list[AssetSpec] = Field(default_factory=list)
    income: IncomeRule = Field(default_factory=IncomeRule)
    settlement: SettlementTerms = Field(default_factory=SettlementTerms)

    @property
    def name(self) -> str:
        return self.park.name

    def participant(self, name: str) -> Participant:
        for participant in self.participants:
            if participant.name == name:
                return participant
        raise KeyError(name)

    def assets_of_role(self, role: str) -> list[AssetSpec]:
        """Assets whose dispatch role is ``role`` (``generator``/``storage``), in file order."""
        return [asset for asset in self.assets if asset.role == role]
