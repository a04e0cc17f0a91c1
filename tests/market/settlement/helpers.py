"""Hand-built dispatch Datasets and parks for the settlement tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from microgrid.park import parse_park
from microgrid.tariffs import load_tariff

TARIFF = "kepco_industrial_eul_hv_a_option2"


def hand_park(names=("T01",), contract_kw=1000.0, workers=10, roof=100.0):
    """A park of tenants on one feeder, no assets."""
    return parse_park({
        "park": {"name": "Hand park", "latitude": 35.0, "longitude": 128.0},
        "network": {"transformer": {"import_limit_kw": 50000.0, "export_limit_kw": 5000.0},
                    "feeders": [{"name": "F1", "limit_kw": 50000.0}]},
        "participants": [{"name": n, "feeder": "F1", "contract_power_kw": contract_kw, "tariff": TARIFF,
                          "workers": workers, "roof_area_m2": roof} for n in names],
    })


def make_dataset(day, participants, load, *, assets=(), storages=(), sellers=(), trade=None, trade_price=None,
                 grid_import=None, grid_export=None, sold=None, bought=None, fee=3.0, export_price=None):
    """A dispatch-shaped Dataset; arrays are (time, participant) unless named otherwise.

    trade, trade_price: (time, seller, buyer) matrices by hand, stored as the result form's sparse pairs.

    assets: (name, owner, renewable, generation (time,)); storages: (name, owner, charge, discharge, soc).
    """
    time = pd.date_range(day, periods=24, freq="h", tz="Asia/Seoul")
    steps, count = len(time), len(participants)
    zeros = np.zeros((steps, count))
    load = np.asarray(load, dtype=float)
    trade = np.zeros((steps, len(sellers), count)) if trade is None else np.asarray(trade, dtype=float)
    price = np.full(trade.shape, 150.0) if trade_price is None else np.asarray(trade_price, dtype=float)
    import_price = np.repeat(load_tariff(TARIFF).marginal_import_price(time)[:, None], count, axis=1)
    export = np.full(steps, 120.0) if export_price is None else np.asarray(export_price, dtype=float)
    generation = np.array([a[3] for a in assets]).T if assets else np.zeros((steps, 0))
    charge = np.array([s[2] for s in storages]).T if storages else np.zeros((steps, 0))
    discharge = np.array([s[3] for s in storages]).T if storages else np.zeros((steps, 0))
    soc = np.array([s[4] for s in storages]).T if storages else np.zeros((steps, 0))
    # The result form stores trades as sparse pairs (market.dispatch.trades): the hand matrix's non-zero cells.
    step, seller_position, buyer = np.nonzero(trade)
    seller = np.array([participants.index(sellers[k]) for k in seller_position], dtype=np.int32)
    pair_time = time.tz_localize(None).values[step]
    by_owner = np.zeros((steps, count))
    for a in assets:
        by_owner[:, participants.index(a[1])] += a[3]
    return xr.Dataset(
        {
            "load": (("time", "participant"), load),
            "generation": (("time", "participant"), by_owner),
            "grid_import": (("time", "participant"), load.copy() if grid_import is None else np.asarray(grid_import, float)),
            "grid_export": (("time", "participant"), zeros.copy() if grid_export is None else np.asarray(grid_export, float)),
            "sold": (("time", "participant"), zeros.copy() if sold is None else np.asarray(sold, float)),
            "bought": (("time", "participant"), zeros.copy() if bought is None else np.asarray(bought, float)),
            "import_price": (("time", "participant"), import_price),
            "trade": (("trade_pair",), trade[step, seller_position, buyer]),
            "trade_price": (("trade_pair",), price[step, seller_position, buyer]),
            "export_price": (("time",), export),
            "asset_generation": (("time", "asset"), generation),
            "asset_renewable": (("asset",), np.array([bool(a[2]) for a in assets], dtype=bool)),
            "charge": (("time", "storage"), charge),
            "discharge": (("time", "storage"), discharge),
            "soc": (("time", "storage"), soc),
        },
        coords={"time": time, "participant": list(participants), "seller": list(sellers), "buyer": list(participants),
                "asset": [a[0] for a in assets], "asset_owner": (("asset",), [a[1] for a in assets]),
                "storage": [s[0] for s in storages], "storage_owner": (("storage",), [s[1] for s in storages]),
                "trade_time": (("trade_pair",), pair_time), "trade_seller": (("trade_pair",), seller),
                "trade_buyer": (("trade_pair",), buyer.astype(np.int32))},
        attrs={"park": "Hand park", "date": pd.Timestamp(day).date().isoformat(), "step_hours": 1.0,
               "pricing_rule": "shared_savings", "trade_fee_krw_per_kwh": fee},
    )
