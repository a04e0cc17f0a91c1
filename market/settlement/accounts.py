"""Names of the ledger's accounts (defined in :mod:`market.ledger.vocabulary`).

Participant accounts: ``participant:<P>:cash`` (what the participant pays and
receives) and ``participant:<P>:workers`` (sunlight income held for its
workers, by headcount) or, with a worker register, ``worker:<id>`` (each
registered worker's own share). Park accounts: ``park:operator_fees`` (platform fees),
``park:kepco`` (KEPCO, the grid supplier), ``park:grid_export_buyer``
(buyer of exports at SMP and of their RECs), ``park:rounding`` (rounding
remainders) and ``park:sunlight_fund`` (the sunlight-income fund).
"""

from __future__ import annotations

from market.ledger.vocabulary import AccountName

OPERATOR_FEES = AccountName.OPERATOR_FEES
KEPCO = AccountName.KEPCO
GRID_EXPORT_BUYER = AccountName.GRID_EXPORT_BUYER
SUNLIGHT_FUND = AccountName.SUNLIGHT_FUND
ROUNDING = AccountName.ROUNDING
cash = AccountName.cash
workers = AccountName.workers
worker = AccountName.worker
