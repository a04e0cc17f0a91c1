"""From pooled sales and purchases to bilateral seller -> buyer trades.

The LP clears one pool per step. Physical flows depend only on each
participant's net position, so any split of the pool between pairs is
feasible; we use the pro-rata split (each buyer takes from every seller in
proportion to that seller's share of the pool), which is deterministic,
symmetric and gives every seller the same mix of buyers.

The split is returned as sparse pairs (:func:`pro_rata_pairs`: only the
pairs that trade, the result form of :mod:`market.dispatch.trades`), never
as a dense (time, seller, buyer) matrix: with n tenants the matrix has
n^2 cells per step, most of them zero.
"""

from __future__ import annotations

import numpy as np


def net_positions(sold: np.ndarray, bought: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Net out a participant that both sells and buys in the same step.

    Parameters
    ----------
    sold, bought : numpy.ndarray
        (time, participant) energy sold to and bought from the pool [kWh].

    Returns
    -------
    sold, bought : numpy.ndarray
        Netted so that no participant both sells and buys in a step; each
        step's pool still balances and each participant's net is unchanged.
    """
    overlap = np.minimum(sold, bought)
    return sold - overlap, bought - overlap


def allocate_pro_rata(sold: np.ndarray, bought: np.ndarray) -> np.ndarray:
    """Bilateral trades ``trade[t, s, b]`` [kWh] from pooled sales and purchases, as a dense matrix.

    The dispatch stores :func:`pro_rata_pairs` instead (the same numbers, only the
    pairs that trade); this dense form is for small cases and references.

    Parameters
    ----------
    sold : numpy.ndarray
        (time, seller) energy each seller sold [kWh].
    bought : numpy.ndarray
        (time, buyer) energy each buyer bought [kWh]; each row sums to the
        same total as ``sold``'s row.

    Returns
    -------
    numpy.ndarray
        (time, seller, buyer) energy; rows sum to ``sold``, columns to ``bought``.
    """
    total = bought.sum(axis=1)
    share = np.divide(bought, total[:, None], out=np.zeros_like(bought), where=total[:, None] > 0)
    return sold[:, :, None] * share[:, None, :]


def pro_rata_pairs(sold: np.ndarray, bought: np.ndarray, *, threshold_kwh: float = 1e-7
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The pro-rata split of each step's pool as sparse pairs.

    Buyer ``b`` takes ``sold[t, s] * bought[t, b] / sum_b bought[t, b]`` from
    seller ``s``: the rows of the implied matrix sum to ``sold``, its
    columns to ``bought``.

    Parameters
    ----------
    sold : numpy.ndarray
        (time, seller) energy each seller sold [kWh].
    bought : numpy.ndarray
        (time, buyer) energy each buyer bought [kWh]; each row sums to the
        same total as ``sold``'s row.
    threshold_kwh : float
        Pairs below this energy are solver round-off and left out [kWh].

    Returns
    -------
    step, seller, buyer : numpy.ndarray of int
        Positions of each pair in ``sold``/``bought``'s axes, ordered by
        step, then seller, then buyer.
    kwh : numpy.ndarray
        Energy of each pair [kWh].
    """
    steps, parts = [], []
    total = bought.sum(axis=1)
    for step in range(sold.shape[0]):
        if total[step] <= 0:
            continue
        sellers = np.flatnonzero(sold[step] > 0)
        buyers = np.flatnonzero(bought[step] > 0)
        if not len(sellers) or not len(buyers):
            continue
        share = bought[step, buyers] / total[step]
        kwh = (sold[step, sellers][:, None] * share[None, :]).ravel()
        seller = np.repeat(sellers, len(buyers))
        buyer = np.tile(buyers, len(sellers))
        kept = kwh >= threshold_kwh
        steps.append(np.full(int(kept.sum()), step))
        parts.append((seller[kept], buyer[kept], kwh[kept]))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy(), empty.copy(), np.zeros(0)
    return (np.concatenate(steps), np.concatenate([p[0] for p in parts]),
            np.concatenate([p[1] for p in parts]), np.concatenate([p[2] for p in parts]))


def allocate_with_decided(sold: np.ndarray, bought: np.ndarray, decided: np.ndarray,
                          sellers: list[int]) -> np.ndarray:
    """Bilateral trades [kWh]: the pairs the LP decided, plus the rest of the pool pro rata.

    Where an order names its counterparties (a renewable-only bid, preferred or
    excluded sellers, a bilateral contract) the dispatch LP decides the pair flows
    itself; those are kept as they are. What is left of each participant's sales
    and purchases is netted (:func:`net_positions`) and split pro rata
    (:func:`allocate_pro_rata`), the documented rule everywhere else.

    Parameters
    ----------
    sold, bought : numpy.ndarray
        (time, participant) energy each participant sold and bought, pairs included [kWh].
    decided : numpy.ndarray
        (time, seller, buyer) the LP's pair flows [kWh]; the seller axis is ``sellers``.
    sellers : list of int
        Participant positions of the seller axis.

    Returns
    -------
    numpy.ndarray
        (time, seller, buyer) energy: ``decided`` plus the pro-rata split of the rest.
    """
    decided_sold = np.zeros_like(sold)
    decided_sold[:, sellers] = decided.sum(axis=2)
    rest_sold = np.maximum(sold - decided_sold, 0.0)
    rest_bought = np.maximum(bought - decided.sum(axis=1), 0.0)
    rest_sold, rest_bought = net_positions(rest_sold, rest_bought)
    return decided + allocate_pro_rata(rest_sold[:, sellers], rest_bought)
