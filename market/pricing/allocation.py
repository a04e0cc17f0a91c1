"""From pooled sales and purchases to a bilateral seller -> buyer matrix.

The LP clears one pool per step. Physical flows depend only on each
participant's net position, so any split of the pool between pairs is
feasible; we use the pro-rata split (each buyer takes from every seller in
proportion to that seller's share of the pool), which is deterministic,
symmetric and gives every seller the same mix of buyers.
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
    """Bilateral trades ``trade[t, s, b]`` [kWh] from pooled sales and purchases.

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
