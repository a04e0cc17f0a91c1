"""Names of the ledger's accounts.

Participant accounts: ``participant:<P>:cash`` (what the participant pays and
receives) and ``participant:<P>:workers`` (sunlight income held for its
workers). Park accounts: ``park:operator_fees`` (platform fees),
``park:kepco`` (KEPCO, the grid supplier), ``park:grid_export_buyer``
(buyer of exports at SMP and of their RECs), ``park:rounding`` (rounding
remainders) and ``park:sunlight_fund`` (the sunlight-income fund).
"""

from __future__ import annotations

from market.ledger.money import ROUNDING_ACCOUNT

OPERATOR_FEES = "park:operator_fees"
KEPCO = "park:kepco"
GRID_EXPORT_BUYER = "park:grid_export_buyer"
SUNLIGHT_FUND = "park:sunlight_fund"
ROUNDING = ROUNDING_ACCOUNT


def cash(participant: str) -> str:
    """Cash account of ``participant``."""
    return f"participant:{participant}:cash"


def workers(participant: str) -> str:
    """Account holding ``participant``'s workers' sunlight income."""
    return f"participant:{participant}:workers"
