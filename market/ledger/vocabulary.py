"""The ledger's vocabulary: kinds of legs, kinds of settlements, account names.

Every value is the exact string stored in the database (``ledger_entries.kind``,
``ledger_settlements.kind``, ``ledger_accounts.name``); the members are
``StrEnum`` members, so they compare, hash, sort and are stored as those
strings (no migration).
"""

from __future__ import annotations

from enum import StrEnum


class LegKind(StrEnum):
    """What a leg (``ledger_entries.kind``) is for."""

    TRADE_PURCHASE = "trade_purchase"  # buyer pays seller for a direct trade
    TRADE_SALE = "trade_sale"  # seller receives it
    TRADE_FEE = "trade_fee"  # platform fee, buyer -> park operator
    KEPCO_ENERGY = "kepco_energy"  # energy charge per tariff band
    KEPCO_CLIMATE = "kepco_climate"  # climate-environment adder
    KEPCO_FUEL = "kepco_fuel"  # fuel-cost adjustment adder
    KEPCO_FUND = "kepco_fund"  # power-industry fund
    KEPCO_VAT = "kepco_vat"  # VAT
    KEPCO_BILL = "kepco_bill"  # KEPCO's side of a day's energy bills
    KEPCO_BASIC = "kepco_basic"  # monthly basic (demand) charge
    EXPORT_SMP = "export_smp"  # export paid at SMP
    EXPORT_REC = "export_rec"  # REC value of a renewable export
    IMBALANCE_SHORT = "imbalance_short"  # metered import above schedule
    IMBALANCE_LONG = "imbalance_long"  # metered export above schedule
    INCOME_CONTRIBUTION = "income_contribution"  # saving paid into the sunlight fund
    INCOME_TENANT = "income_tenant"  # sunlight income paid to a tenant
    INCOME_WORKERS = "income_workers"  # sunlight income paid for a tenant's workers
    CORRECTION = "correction"  # a re-dispatched day's difference
    ROUNDING = "rounding"  # rounding remainder of a settlement


#: KEPCO adders billed on energy (their legs carry the billed kWh).
KEPCO_ENERGY_ADDERS = (LegKind.KEPCO_CLIMATE, LegKind.KEPCO_FUEL)


class SettlementKind(StrEnum):
    """Kind of a settled period (``ledger_settlements.kind``); keys are ``<kind>:<period>``."""

    DAY = "day"  # day:YYYY-MM-DD
    BASIC = "basic"  # basic:YYYY-MM
    INCOME = "income"  # income:YYYY-Qn
    CORRECTION = "correction"  # correction:YYYY-MM-DD

    def key(self, period: str) -> str:
        """The settlement key of ``period``, e.g. ``SettlementKind.DAY.key("2026-07-01")``."""
        return f"{self.value}:{period}"


class PostingKind(StrEnum):
    """What a posting (``ledger_settlements.posting``) is: a version of a period's settlement, or the
    reversal of one (its entries with the opposite amounts)."""

    SETTLEMENT = "settlement"
    REVERSAL = "reversal"


class AccountName(StrEnum):
    """Names of the ledger's accounts (``ledger_accounts.name``).

    Park accounts are members; participant accounts are built by
    :meth:`cash` and :meth:`workers` (``participant:<P>:cash``,
    ``participant:<P>:workers``).
    """

    OPERATOR_FEES = "park:operator_fees"  # platform fees
    KEPCO = "park:kepco"  # KEPCO, the grid supplier
    GRID_EXPORT_BUYER = "park:grid_export_buyer"  # buyer of exports at SMP and of their RECs
    SUNLIGHT_FUND = "park:sunlight_fund"  # the sunlight-income fund
    ROUNDING = "park:rounding"  # rounding remainders

    @staticmethod
    def cash(participant: str) -> str:
        """Cash account of ``participant``: what it pays and receives."""
        return f"{PARTICIPANT_PREFIX}{participant}:cash"

    @staticmethod
    def workers(participant: str) -> str:
        """Account holding ``participant``'s workers' sunlight income."""
        return f"{PARTICIPANT_PREFIX}{participant}:workers"

    @staticmethod
    def worker(worker_id: str) -> str:
        """Account of one registered worker's sunlight income (``worker:<id>``, see market.income.workers)."""
        return f"{WORKER_PREFIX}{worker_id}"

    @staticmethod
    def of_participant(participant: str) -> str:
        """Prefix of every account of ``participant`` (for ``account_prefix`` filters)."""
        return f"{PARTICIPANT_PREFIX}{participant}:"

    @staticmethod
    def is_participant(name: str) -> bool:
        """Whether ``name`` is a participant's account."""
        return name.startswith(PARTICIPANT_PREFIX)


#: Prefix of every participant account.
PARTICIPANT_PREFIX = "participant:"
#: Prefix of every registered worker's account.
WORKER_PREFIX = "worker:"
