"""What a settlement was computed from: content hashes of its inputs, rule and tariff versions.

Recorded in every settlement version's ``meta["inputs"]`` (:data:`market.ledger.store.SOURCE_META`),
so an auditor can tell which dispatch, which meter data and which rules produced each version.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from pathlib import Path

import numpy as np
import xarray as xr

from market.settlement.config import SettlementRules
from market.settlement.metered import Metered
from microgrid.park import Park
from microgrid.tariffs import load_tariff


def _update_with_array(digest, name: str, values) -> None:
    array = np.asarray(values)
    if array.dtype.kind in "OUS":  # names: hash their text
        payload = "\x1f".join(map(str, array.ravel().tolist())).encode()
    elif array.dtype.kind == "M":
        payload = array.astype("datetime64[ns]").astype("int64").tobytes()
    else:
        payload = np.ascontiguousarray(array).tobytes()
    digest.update(f"{name}|{array.dtype.str}|{array.shape}|".encode())
    digest.update(payload)


def dataset_sha256(dataset: xr.Dataset) -> str:
    """SHA-256 of a dispatch Dataset's variables and coordinates (names, types, shapes, values).

    Attributes are left out: solver timings differ between two runs of the same dispatch.
    """
    digest = hashlib.sha256()
    for name in sorted(map(str, dataset.variables)):
        _update_with_array(digest, name, dataset[name].values)
    return digest.hexdigest()


def metered_sha256(metered: Metered | None) -> str | None:
    """SHA-256 of metered data as aligned to the day (None without meter data)."""
    if metered is None:
        return None
    digest = hashlib.sha256()
    for name, array in (("load", metered.load), ("asset_generation", metered.asset_generation)):
        for coordinate in sorted(map(str, array.coords)):
            _update_with_array(digest, f"{name}.{coordinate}", array[coordinate].values)
        _update_with_array(digest, name, array.values)
    return digest.hexdigest()


def rules_sha256(rules: SettlementRules) -> str:
    """SHA-256 of the settlement rules (rates, factors, targets, the income rule, their sources)."""
    payload = json.dumps(dataclasses.asdict(rules), sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def tariffs_in_force(park: Park, day: dt.date) -> dict[str, str]:
    """Tariff name -> the version in force on ``day`` (``name@valid_from``, ``name@open`` when unbounded)."""
    versions = {}
    for name in sorted({participant.tariff for participant in park.participants}):
        tariff = load_tariff(name, day)
        versions[name] = f"{name}@{tariff.valid_from.isoformat() if tariff.valid_from else 'open'}"
    return versions


def day_sources(park: Park, day: dt.date, dataset: xr.Dataset, rules: SettlementRules,
                metered: Metered | None) -> dict:
    """The ``inputs`` record of a day's settlement: dispatch and meter content hashes, rules and tariffs."""
    return {"dispatch_sha256": dataset_sha256(dataset), "metered_sha256": metered_sha256(metered),
            "rules_sha256": rules_sha256(rules), "tariffs": tariffs_in_force(park, day)}
