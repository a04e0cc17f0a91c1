"""Where each participant's energy comes from, hour by hour.

Rules (RE100 Technical Criteria v4.1, EnergyTag; see shared/DOMAIN.md):

* renewable: PV, wind (``asset_renewable``); waste heat (ORC) is not
  renewable and stays in the denominator; grid energy counts as
  non-renewable (no certificate);
* a trade's origin is the seller's production mix in that hour (its own
  generation plus its storage discharge);
* storage keeps origin less losses. Approximation: each storage is a
  well-mixed tank. In a step the charge enters with the renewable share of
  the owner's supply (own generation and purchases valued at the sellers'
  *generation* mix, plus grid at 0 %); the discharge leaves with the tank's
  share; losses are taken pro rata from both origins. The tank's content
  at the start of the day counts as non-renewable (conservative).
* a participant's own production serves its sales, exports and charging
  and its own load in the same mix (homogeneous);
* the claimed renewable energy G_h of a participant is its renewable
  self-consumption, renewable storage discharge used on site and renewable
  purchases; own renewable exports count only when the REC is retained
  (``rec_retained_on_export``), because selling the REC sells the claim.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from market.dispatch.trades import trade_pairs


def _by_owner(values: np.ndarray, owners: list[str], participants: list[str]) -> np.ndarray:
    result = np.zeros((values.shape[0], len(participants)))
    index = {name: position for position, name in enumerate(participants)}
    for column, owner in enumerate(owners):
        result[:, index[owner]] += values[:, column]
    return result


def _share(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    return np.divide(numerator, denominator, out=np.zeros_like(numerator, dtype=float), where=denominator > 1e-12)


def attribute_origins(dataset: xr.Dataset, *, rec_retained_on_export: bool = False) -> xr.Dataset:
    """Origin of every participant's load and exports per step [kWh].

    Parameters
    ----------
    dataset : xarray.Dataset
        A dispatch result (see :mod:`market.dispatch.results`), possibly with
        metered load/generation swapped in.
    rec_retained_on_export : bool

    Returns
    -------
    xarray.Dataset
        (time, participant) variables [kWh]: ``renewable_own`` (own PV/wind
        used on site), ``renewable_storage`` (renewable content of storage
        discharge used on site), ``renewable_bought``, ``nonrenewable_onsite``
        (ORC and grid-charged storage, own or bought), ``grid``,
        ``renewable_export`` (REC-eligible exported renewable energy),
        ``claimed`` (G_h) and ``matched`` (min(G_h, L_h)).
    """
    participants = [str(p) for p in dataset["participant"].values]
    steps = dataset.sizes["time"]
    owners = [str(o) for o in dataset["asset_owner"].values]
    renewable = np.asarray(dataset["asset_renewable"].values, dtype=bool)
    generation = dataset["asset_generation"].values
    gen_ren = _by_owner(generation * renewable, owners, participants)
    gen_all = _by_owner(generation, owners, participants)
    storage_owner = [str(o) for o in dataset["storage_owner"].values]
    storage_owner_index = [participants.index(o) for o in storage_owner]
    charge = dataset["charge"].values
    discharge = dataset["discharge"].values
    soc = dataset["soc"].values
    pairs = trade_pairs(dataset)  # sparse trades: seller and buyer as positions in participant
    order = np.argsort(pairs.step, kind="stable")
    bounds = np.searchsorted(pairs.step[order], np.arange(steps + 1))

    def bought_at(t: int, seller_value: np.ndarray) -> np.ndarray:
        """Per buyer: sum over its purchases in step t of kWh x the seller's value."""
        at = order[bounds[t]:bounds[t + 1]]
        return np.bincount(pairs.buyer[at], weights=pairs.kwh[at] * seller_value[pairs.seller[at]],
                           minlength=len(participants))
    load = dataset["load"].values
    sold, bought = dataset["sold"].values, dataset["bought"].values
    export, grid_import = dataset["grid_export"].values, dataset["grid_import"].values

    names = ("renewable_own", "renewable_storage", "renewable_bought", "nonrenewable_onsite", "grid",
             "renewable_export", "claimed", "matched")
    out = {name: np.zeros((steps, len(participants))) for name in names}
    tank_energy = np.maximum(soc[0] + discharge[0] - charge[0], 0.0) if soc.size else np.zeros(0)
    tank_renewable = np.zeros(len(storage_owner))
    gen_mix = _share(gen_ren, gen_all)
    for t in range(steps):
        # Charging origin: owner's generation and purchases (at the sellers' generation mix) and grid.
        bought_gen_ren = bought_at(t, gen_mix[t])
        pool = gen_all[t] + bought[t] + grid_import[t]
        charge_mix = _share(gen_ren[t] + bought_gen_ren, pool)
        dis_ren = np.zeros(len(participants))
        dis_all = np.zeros(len(participants))
        for k, owner in enumerate(storage_owner_index):
            available = tank_energy[k] + charge[t, k]
            content = tank_renewable[k] + charge_mix[owner] * charge[t, k]
            fraction = content / available if available > 1e-12 else 0.0
            dis_ren[owner] += fraction * discharge[t, k]
            dis_all[owner] += discharge[t, k]
            tank_energy[k] = soc[t, k]
            tank_renewable[k] = fraction * soc[t, k]
        production = gen_all[t] + dis_all
        production_ren = gen_ren[t] + dis_ren
        mix = _share(production_ren, production)
        own_used = np.maximum(production - sold[t] - export[t] - charge_by_owner(charge[t], storage_owner_index,
                                                                                  len(participants)), 0.0)
        own_used = np.minimum(own_used, load[t])
        renewable_own = own_used * _share(gen_ren[t], production)
        renewable_storage = own_used * _share(dis_ren, production)
        bought_ren = bought_at(t, mix)
        out["renewable_own"][t] = renewable_own
        out["renewable_storage"][t] = renewable_storage
        out["renewable_bought"][t] = bought_ren
        out["nonrenewable_onsite"][t] = (own_used - renewable_own - renewable_storage) + (bought[t] - bought_ren)
        out["grid"][t] = np.maximum(load[t] - own_used - bought[t], 0.0)
        out["renewable_export"][t] = export[t] * _share(gen_ren[t], production)
        claimed = renewable_own + renewable_storage + bought_ren
        if rec_retained_on_export:
            claimed = claimed + out["renewable_export"][t]
        out["claimed"][t] = claimed
        out["matched"][t] = np.minimum(claimed, load[t])
    coords = {"time": dataset["time"].values, "participant": participants}
    return xr.Dataset({name: (("time", "participant"), values, {"units": "kWh per step"})
                       for name, values in out.items()}, coords=coords)


def charge_by_owner(charge: np.ndarray, owner_index: list[int], participants: int) -> np.ndarray:
    """Storage charge of one step summed per owning participant [kWh]."""
    result = np.zeros(participants)
    for k, owner in enumerate(owner_index):
        result[owner] += charge[k]
    return result
