"""Direct trades in the result form: sparse seller -> buyer pairs, the matrix rebuilt on read.

The result Dataset stores one entry per (step, seller, buyer) that trades,
along the dimension ``trade_pair`` (coordinate lists, "COO"): ``trade``
[kWh] and ``trade_price`` [KRW/kWh], with the coordinates ``trade_time``
(the step's interval start, naive local time like ``time`` in the files),
``trade_seller`` and ``trade_buyer`` (positions in ``participant``). Pairs
are ordered by time, then seller, then buyer; a pair that does not trade is
not stored. A park of n tenants thus costs what it trades, not n^2 cells a
step (the pro-rata split of a 1,000-tenant day was a 192 MB file).

Whoever writes trades (today the pro-rata split of the pool,
:func:`market.pricing.pro_rata_pairs`; later pairs an LP decides, such as
contracts and renewable-only bids) hands :class:`TradePairs` to
:func:`pair_entries`. Whoever reads them goes through this module:
:func:`trade_pairs` (the pairs, positions in the Dataset's own ``time``),
:func:`trade_matrix` and :func:`trade_price_matrix` (the dense
(time, seller, buyer) arrays, for who needs the bilateral matrix), and
:func:`select_steps` to cut a span out of a longer result. Results joined
along ``time`` (days, chunks, a year) join their pairs along ``trade_pair``:
each pair carries its own time. In a sweep's combined store every scenario
is padded to the longest list with NaN, which the readers skip.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from market.dispatch.variables import RESULT_VARIABLES, TRADE_COORDINATES

__all__ = ["TRADE_PAIR", "TradePairs", "pair_entries", "trade_pairs", "trade_matrix", "trade_price_matrix",
           "select_steps", "pair_energy", "pair_dataset", "join_pairs", "pair_prices", "pairs_from_matrix"]

#: The dimension of the sparse trades.
TRADE_PAIR = "trade_pair"
#: Compression of the pair lists in NetCDF files: sorted positions and repeated times shrink well.
PAIR_ENCODING = {"zlib": True, "complevel": 1, "shuffle": True}
#: ``trade_time`` in fixed units in every file: chunks of a batch are appended to each other raw.
TRADE_TIME_ENCODING = {"units": "minutes since 1970-01-01 00:00:00", "calendar": "proleptic_gregorian",
                       "dtype": "int64"}


@dataclass(frozen=True)
class TradePairs:
    """Trades as coordinate lists, one entry per (step, seller, buyer) that trades.

    Attributes
    ----------
    step : numpy.ndarray of int
        Position of the pair's step in the Dataset's ``time``.
    seller, buyer : numpy.ndarray of int
        Positions of the seller and the buyer in ``participant``.
    kwh : numpy.ndarray
        Energy the seller delivers to the buyer in the step [kWh].
    price : numpy.ndarray
        Price paid to the seller, excluding the platform fee [KRW/kWh].
    """

    step: np.ndarray
    seller: np.ndarray
    buyer: np.ndarray
    kwh: np.ndarray
    price: np.ndarray

    def __len__(self) -> int:
        return len(self.kwh)


def _naive(time) -> np.ndarray:
    index = pd.DatetimeIndex(time)
    if index.tz is not None:
        index = index.tz_localize(None)
    return index.values.astype("datetime64[ns]")


def pair_entries(pairs: TradePairs, time) -> tuple[dict, dict]:
    """Variables and coordinates of the result form, as ``xarray.Dataset`` takes them.

    Parameters
    ----------
    pairs : TradePairs
        Positions of the steps in ``time``; sellers and buyers in ``participant``. Any order: they are
        written sorted by step (stable, so a writer's order within a step is kept).
    time : pandas.DatetimeIndex
        The window's interval starts (tz-aware or naive local).

    Returns
    -------
    variables, coords : dict
        ``trade`` and ``trade_price``; ``trade_time``, ``trade_seller`` and
        ``trade_buyer``: each (dims, values, attrs, encoding).
    """
    dims = (TRADE_PAIR,)
    order = np.argsort(np.asarray(pairs.step, dtype=np.int64), kind="stable")  # by time: see select_steps
    pairs = TradePairs(*(np.asarray(field)[order] for field in (pairs.step, pairs.seller, pairs.buyer, pairs.kwh,
                                                                 pairs.price)))
    stamps = _naive(time)[np.asarray(pairs.step, dtype=np.int64)]
    variables = {
        "trade": (dims, np.asarray(pairs.kwh, dtype=float), RESULT_VARIABLES["trade"].attrs(), dict(PAIR_ENCODING)),
        "trade_price": (dims, np.asarray(pairs.price, dtype=float), RESULT_VARIABLES["trade_price"].attrs(),
                        dict(PAIR_ENCODING)),
    }
    coords = {
        # xarray writes a datetime's units itself (hours since ...): no declared units in the attributes.
        "trade_time": (dims, stamps, {key: value for key, value in TRADE_COORDINATES["trade_time"].attrs().items()
                                      if key != "units"}, {**PAIR_ENCODING, **TRADE_TIME_ENCODING}),
        "trade_seller": (dims, np.asarray(pairs.seller, dtype=np.int32), TRADE_COORDINATES["trade_seller"].attrs(),
                         dict(PAIR_ENCODING)),
        "trade_buyer": (dims, np.asarray(pairs.buyer, dtype=np.int32), TRADE_COORDINATES["trade_buyer"].attrs(),
                        dict(PAIR_ENCODING)),
    }
    return variables, coords


def pair_prices(rule, context, step: np.ndarray, seller: np.ndarray, buyer: np.ndarray) -> np.ndarray:
    """A pricing rule's price of each pair [KRW/kWh], without the dense (time, seller, buyer) array.

    The rules (:mod:`market.pricing.rules`) take (time, seller, buyer) broadcasts. Each pair
    is priced as a step of its own with one seller and one buyer: every (time, seller) or
    (time, buyer) array of ``context`` is indexed at the pairs and given a seller or buyer axis
    of length 1, every (time,) array is indexed at the pairs' steps. A rule's per-step figure
    over all sellers (``pay_as_clear``'s mean clearing price without ``pool_price``) is taken
    from the whole step first, so no rule sees less than it would in the dense form.

    Parameters
    ----------
    rule : market.pricing.PricingRule
    context : market.pricing.PricingContext
        The window's context: (time,), (time, seller) with the seller axis of ``seller``'s
        positions, (time, buyer) with buyers as ``buyer``'s positions.
    step, seller, buyer : numpy.ndarray of int
        The pairs: positions in time, in the context's seller axis and in its buyer axis.
    """
    fields = {}
    for name, value in vars(context).items():
        if value is None or np.ndim(value) == 0:
            fields[name] = value
            continue
        value = np.asarray(value, dtype=float)
        if name in ("export_price",) or value.ndim == 1:
            fields[name] = value[step]
        elif name in ("seller_clearing_price", "seller_floor_price"):
            fields[name] = value[step, seller][:, None]
        else:  # (time, buyer): import prices, ceilings, a product's pool price per buyer
            fields[name] = value[step, buyer][:, None]
    if "pool_price" in fields and fields["pool_price"] is None and context.seller_clearing_price.shape[1]:
        # a rule that averages over the sellers' feeders per step sees the whole step's sellers
        fields["pool_price"] = np.asarray(context.seller_clearing_price, dtype=float).mean(axis=1)[step]
    priced = rule.price(type(context)(**fields))
    return np.broadcast_to(priced, (len(step), 1, 1)).reshape(len(step)).astype(float)


def trade_pairs(dataset: xr.Dataset) -> TradePairs:
    """The trades of ``dataset`` as pairs, steps as positions in its own ``time``.

    Pairs outside the Dataset's ``time`` (a Dataset cut with ``isel(time=...)``
    without :func:`select_steps`) and NaN padding (a scenario of a combined
    store) are left out.
    """
    kwh = np.asarray(dataset["trade"].values, dtype=float).ravel()
    price = np.asarray(dataset["trade_price"].values, dtype=float).ravel()
    seller = np.asarray(dataset["trade_seller"].values, dtype=float).ravel()
    buyer = np.asarray(dataset["trade_buyer"].values, dtype=float).ravel()
    step = pd.DatetimeIndex(_naive(dataset.indexes["time"])).get_indexer(
        pd.DatetimeIndex(np.asarray(dataset["trade_time"].values).ravel()))
    kept = np.isfinite(kwh) & np.isfinite(seller) & np.isfinite(buyer) & (step >= 0)
    return TradePairs(step[kept], seller[kept].astype(np.int64), buyer[kept].astype(np.int64), kwh[kept],
                      price[kept])


def _matrix(dataset: xr.Dataset, values: np.ndarray, pairs: TradePairs, fill: float, name: str) -> xr.DataArray:
    participants = [str(p) for p in dataset["participant"].values]
    sellers = [str(s) for s in dataset["seller"].values]
    buyers = [str(b) for b in dataset["buyer"].values]
    seller_of = np.full(len(participants), -1, dtype=np.int64)
    buyer_of = np.full(len(participants), -1, dtype=np.int64)
    position = {name: index for index, name in enumerate(participants)}
    seller_of[[position[s] for s in sellers]] = np.arange(len(sellers))
    buyer_of[[position[b] for b in buyers]] = np.arange(len(buyers))
    rows, columns = seller_of[pairs.seller], buyer_of[pairs.buyer]
    if (rows < 0).any() or (columns < 0).any():
        raise ValueError(f"{name}: a trade names a seller or buyer missing from the seller/buyer coordinates")
    matrix = np.full((dataset.sizes["time"], len(sellers), len(buyers)), fill)
    matrix[pairs.step, rows, columns] = values
    return xr.DataArray(matrix, dims=("time", "seller", "buyer"),
                        coords={"time": dataset["time"], "seller": sellers, "buyer": buyers}, name=name,
                        attrs=RESULT_VARIABLES[name].attrs())


def trade_matrix(dataset: xr.Dataset) -> xr.DataArray:
    """The bilateral matrix ``trade[time, seller, buyer]`` [kWh], 0 where a pair does not trade."""
    pairs = trade_pairs(dataset)
    return _matrix(dataset, pairs.kwh, pairs, 0.0, "trade")


def trade_price_matrix(dataset: xr.Dataset) -> xr.DataArray:
    """The prices ``trade_price[time, seller, buyer]`` [KRW/kWh], NaN where a pair does not trade.

    A price exists only for a trade: multiply with :func:`trade_matrix` via
    ``fillna(0)``, or sum over :func:`trade_pairs` instead.
    """
    pairs = trade_pairs(dataset)
    return _matrix(dataset, pairs.price, pairs, np.nan, "trade_price")


def pair_energy(dataset: xr.Dataset) -> tuple[np.ndarray, np.ndarray]:
    """Energy sold and bought in trades, (time, participant) each [kWh], summed from the pairs."""
    pairs = trade_pairs(dataset)
    shape = (dataset.sizes["time"], dataset.sizes["participant"])
    sold, bought = np.zeros(shape), np.zeros(shape)
    np.add.at(sold, (pairs.step, pairs.seller), pairs.kwh)
    np.add.at(bought, (pairs.step, pairs.buyer), pairs.kwh)
    return sold, bought


def select_steps(dataset: xr.Dataset, start: int, stop: int, *, trade_time: np.ndarray | None = None) -> xr.Dataset:
    """Steps ``start:stop`` of ``dataset`` with the pairs of those steps only.

    Pairs are sorted by time in every result (:func:`pair_entries` sorts a
    window's, windows are joined in time order), so the span's pairs are
    one slice. ``trade_time``: the Dataset's ``trade_time`` values read
    once by a caller that cuts many spans (a year settled day by day).
    """
    stamps = _naive(dataset.indexes["time"])[start:stop]
    cut = dataset.isel(time=slice(start, stop))
    if TRADE_PAIR not in dataset.dims:
        return cut
    if trade_time is None:
        trade_time = np.asarray(dataset["trade_time"].values)
    if not len(stamps):
        return cut.isel({TRADE_PAIR: slice(0, 0)})
    first = int(np.searchsorted(trade_time, stamps[0], side="left"))
    last = int(np.searchsorted(trade_time, stamps[-1], side="right"))
    return cut.isel({TRADE_PAIR: slice(first, last)})


#: The variables and coordinates along ``trade_pair``.
PAIR_NAMES = ("trade", "trade_price", "trade_time", "trade_seller", "trade_buyer")


def pair_dataset(dataset: xr.Dataset) -> xr.Dataset:
    """Only the trades of ``dataset``: the variables and coordinates along ``trade_pair``."""
    return xr.Dataset({name: dataset[name].variable for name in PAIR_NAMES if name in dataset.variables})


def join_pairs(first: xr.Dataset, second: xr.Dataset) -> xr.Dataset:
    """The trades of ``first`` then those of ``second``, ``second``'s positions mapped to ``first``'s participants.

    Returns a Dataset of the pair variables only (set them on a result with ``assign``).
    """
    names = [str(p) for p in first["participant"].values]
    position = {name: index for index, name in enumerate(names)}
    mapping = np.array([position[str(p)] for p in second["participant"].values], dtype=np.int32)
    later = pair_dataset(second)
    for name in ("trade_seller", "trade_buyer"):
        later[name] = later[name].copy(data=mapping[np.asarray(later[name].values, dtype=np.int64)])
    joined = xr.concat([pair_dataset(first), later], dim=TRADE_PAIR)
    for name in PAIR_NAMES:
        joined[name].attrs = dict(first[name].attrs)
    return joined.set_coords([name for name in PAIR_NAMES if name in first.coords])


def pairs_from_matrix(trade: np.ndarray, price: np.ndarray, sellers) -> TradePairs:
    """The pairs of a dense (time, seller, buyer) trade and price, sellers as participant positions.

    For a writer that decides a small matrix itself (an LP with pair variables); the
    pro-rata split never builds the matrix (:func:`market.pricing.pro_rata_pairs`).
    ``sellers``: the participant position of each seller row; buyers are participants.
    """
    step, row, buyer = np.nonzero(np.asarray(trade) > 0)
    return TradePairs(step, np.asarray(sellers, dtype=np.int64)[row], buyer, np.asarray(trade)[step, row, buyer],
                      np.asarray(price)[step, row, buyer])
