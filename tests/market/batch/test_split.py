"""One scenario's days split between two processes: the result is the sequential span's, exactly.

The seams are reconciled by re-solving from the first part's end state until
SOC and simplex basis equal the second part's (:mod:`market.batch.split`);
the checks compare every result variable with a ``workers=0`` run of the same
span (an independent, in-order run), not with stored numbers.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

import market.batch.split as split
from market.batch import BatchConfig, Scenario, open_batch, run_batch
from market.batch.checkpoint import chunk_dir, finished_chunks, scenario_path
from market.dispatch.io import read_dispatch

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

# A span whose seam closes inside it (found by solving: a part started cold on 22 May reaches the
# sequential basis within a few days), so the second part's last days are adopted, not re-solved.
START, END = dt.date(2026, 5, 18), dt.date(2026, 5, 27)


def _assert_same(sequential, parallel) -> None:
    assert set(parallel.data_vars) == set(sequential.data_vars)
    for name in sequential.data_vars:
        expected, found = sequential[name].values, parallel[name].values
        if expected.dtype.kind in "fc":
            np.testing.assert_allclose(found, expected, rtol=1e-9, atol=0, err_msg=name)
        else:
            np.testing.assert_array_equal(found, expected, err_msg=name)
    np.testing.assert_allclose(parallel["day_objective"].sum(), sequential["day_objective"].sum(), rtol=1e-9)


def _run(raw, out, workers, **options):
    return run_batch(BatchConfig(raw[0], raw[1], [Scenario()], START, END, out, workers=workers,
                                 checkpoint_days=3, **options))


@pytest.fixture
def daily_seams(monkeypatch):
    # Compare the parts' states after every day (default: weekly), so a 10-day span can close its seam,
    # and split spans this short (by default only spans of MIN_SPLIT_DAYS or more are split).
    monkeypatch.setattr(split, "SEAM_CHUNK_DAYS", 1)
    monkeypatch.setattr(split, "MIN_SPLIT_DAYS", 2)


def test_two_processes_equal_the_sequential_span(raw, tmp_path, daily_seams):
    _run(raw, tmp_path / "sequential", 0)
    assert _run(raw, tmp_path / "split", 2).name == "batch.json"
    sequential = read_dispatch(scenario_path(tmp_path / "sequential", "base"))
    parallel = read_dispatch(scenario_path(tmp_path / "split", "base"))
    _assert_same(sequential, parallel)
    note = json.loads(parallel.attrs["day_split"])
    assert note["parts"] == ["2026-05-18", "2026-05-22"]
    assert note["proven_through"] == END.isoformat()  # every day is the sequential one, proven or re-solved
    assert "day_split" not in sequential.attrs
    assert not (tmp_path / "split" / "checkpoints").exists()  # provisional parts removed too
    assert list(open_batch(tmp_path / "split")["scenario"].values) == ["base"]


@pytest.mark.xfail(strict=True, reason="since the 12-month demand ratchet, a part started cold lacks the month's "
                   "earlier peaks: its equally optimal imports set other billing floors, the simplex basis never "
                   "matches and the seam is not proven within 10 days (the split falls back to solving in order: "
                   "exact, without the speed-up); a seam design carrying the peaks is open work")
def test_the_seam_is_proven_before_the_end_of_a_short_span(raw, tmp_path, daily_seams):
    parallel = read_dispatch(scenario_path(_run(raw, tmp_path / "split", 2).parent, "base"))
    seam = json.loads(parallel.attrs["day_split"])["seams"][0]
    # The first part stopped on a proven seam before the end: the second part's later days were kept.
    assert seam["matched_next"] and dt.date.fromisoformat(seam["last_day"]) < END


def test_a_lookahead_span_split_equals_the_sequential_span(raw, tmp_path, daily_seams):
    """With look-ahead the SOC at the seam is not the guessed one: re-solving must still give the sequence."""
    _run(raw, tmp_path / "sequential", 0, lookahead_hours=24)
    _run(raw, tmp_path / "split", 2, lookahead_hours=24)
    sequential = read_dispatch(scenario_path(tmp_path / "sequential", "base"))
    parallel = read_dispatch(scenario_path(tmp_path / "split", "base"))
    _assert_same(sequential, parallel)
    assert "day_split" in parallel.attrs


def test_plan_gives_each_process_about_equal_work(daily_seams):
    plan = split.plan_split(dt.date(2026, 1, 1), dt.date(2026, 12, 31), 2, 30)
    own = (plan.starts[1] - plan.starts[0]).days
    last = (plan.end - plan.starts[1]).days + 1
    assert abs(own + split.SEAM_ESTIMATE_DAYS - last) <= 1  # the first part also solves the seam
    # every part's last own day ends a chunk (a seam starts on a chunk boundary)
    assert plan.chunk_ends(plan.starts[1] - dt.timedelta(days=1))
    assert split.plan_split(dt.date(2026, 1, 1), dt.date(2026, 1, 4), 2, 30).parts == 1  # too short: in order
    assert split.plan_split(dt.date(2026, 1, 1), dt.date(2026, 1, 30), 1, 30).parts == 1  # one process


def test_provisional_chunks_never_count_as_finished(raw, tmp_path):
    """A killed split run's second part (not yet proven) is not resumed from."""
    out = tmp_path / "batch"
    config = BatchConfig(raw[0], raw[1], [Scenario()], START, START + dt.timedelta(days=1), out, workers=0,
                         checkpoint_days=1, stop_after_days=1)
    assert run_batch(config) is None
    folder = chunk_dir(out, "base")
    chunk = next(folder.glob("days-*.nc"))
    provisional = split.part_dir(out, "base", 1)
    provisional.mkdir()
    moved = provisional / chunk.name
    chunk.rename(moved)
    assert finished_chunks(out, "base", START) == []


def test_the_seam_compares_the_billing_floors_the_months_peaks_set(raw):
    """The ratchet couples days: a seam is only proven when the months' peaks set the same floors ahead.

    A peak in May (not a billing-demand month) raises May's floor only; a peak in July raises the
    floors of every month after it (KEPCO's 12-month rule), so it must count at a seam in May too.
    """
    park = raw[0]
    name = park.participants[0].name
    high = 10 * max(p.contract_power_kw for p in park.participants)  # above any default floor [kW]
    soc, basis = {"battery": 1.0}, None
    may = split.future_floors_kw(park, {name: {"2026-05": high}}, dt.date(2026, 5, 20), dt.date(2026, 6, 30))
    none = split.future_floors_kw(park, {}, dt.date(2026, 5, 20), dt.date(2026, 6, 30))
    assert may.shape == none.shape == (2, len(park.participants))  # the rest of May, and June
    assert may[0, 0] == high and not split.same_state(soc, basis, soc, basis, may, none)
    after_may = dt.date(2026, 5, 31)
    assert split.same_state(soc, basis, soc, basis,
                            split.future_floors_kw(park, {name: {"2026-05": high}}, after_may, dt.date(2026, 6, 30)),
                            split.future_floors_kw(park, {}, after_may, dt.date(2026, 6, 30)))
    july = split.future_floors_kw(park, {name: {"2026-07": high}}, dt.date(2026, 7, 31), dt.date(2026, 9, 30))
    assert (july[:, 0] == high).all()
    assert not split.same_state(soc, basis, soc, basis, july,
                                split.future_floors_kw(park, {}, dt.date(2026, 7, 31), dt.date(2026, 9, 30)))
