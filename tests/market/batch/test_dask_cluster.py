"""A real Dask cluster: a scenario's file is written by its own worker, and parallel equals sequential.

Regression for the segfault ("double free or corruption" in HDF5) of a
2-worker year sweep: inside a Dask worker, ``run_scenario`` writes the
scenario file from checkpoint chunks opened lazily (``open_mfdataset``);
a plain compute there ran on the *cluster* (the worker's default scheduler
is the distributed one), so other worker processes read the chunks and
wrote into a NetCDF file they did not hold open. ``run_scenario`` now
writes under ``dask.config.set(scheduler="synchronous")``. The test records
the scheduler's task stream while a 2-scenario batch with one checkpoint
chunk per day runs on a ``LocalCluster`` of two worker processes: the only
tasks on the cluster must be the scenario tasks, one per scenario (without
the fix the chunk reads and the ``store`` tasks of the write appear there
too). The combined result must equal a ``workers=0`` sequential run.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from market.batch import BatchConfig, Scenario, open_batch, run_batch
from market.batch.checkpoint import scenario_path
from market.dispatch.io import read_dispatch

distributed = pytest.importorskip("distributed")

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

START, END = dt.date(2026, 7, 3), dt.date(2026, 7, 6)  # 4 days, one checkpoint chunk each
SCENARIOS = [Scenario("base"), Scenario("pv-more", {"pv_scale": 1.5, "battery_scale": 1.5})]
COMPARED = ("soc", "trade", "grid_import", "grid_export", "charge", "discharge")


def _config(raw, out, **options) -> BatchConfig:
    return BatchConfig(raw[0], raw[1], SCENARIOS, START, END, out, checkpoint_days=1, **options)


def test_cluster_runs_only_the_scenario_tasks_and_equals_sequential(raw, tmp_path):
    from distributed import Client, LocalCluster, get_task_stream

    parallel_out, sequential_out = tmp_path / "parallel", tmp_path / "sequential"
    # The watching client is not the default one, so nothing of this process (the driver's
    # combine into batch.zarr) is sent to the cluster through it.
    with (LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                       silence_logs=40) as cluster,
          Client(cluster, set_as_default=False) as watcher):
        with get_task_stream(watcher) as stream:
            store = run_batch(_config(raw, parallel_out, scheduler=cluster.scheduler_address))
        workers = {info["name"] for info in watcher.scheduler_info()["workers"].values()}
    assert store is not None and store.name == "batch.json"
    assert len(workers) == 2

    keys = [str(task["key"]) for task in stream.data]
    assert keys, "the task stream recorded nothing: the check would be vacuous"
    others = [key for key in keys if not key.startswith("scenario-")]
    assert not others, f"tasks other than the scenarios ran on the cluster (chunk reads/writes shipped): {others[:10]}"
    for scenario in SCENARIOS:  # one task per scenario, not retried
        assert sum(key.startswith(f"scenario-{scenario.name}-") for key in keys) == 1, (scenario.name, keys)
    assert len(keys) == len(SCENARIOS)
    # Results are kept once: every scenario's checkpoint chunks are gone once joined into its file.
    assert not (parallel_out / "checkpoints").exists()

    run_batch(_config(raw, sequential_out, workers=0))
    for scenario in SCENARIOS:
        parallel = read_dispatch(scenario_path(parallel_out, scenario.name))
        sequential = read_dispatch(scenario_path(sequential_out, scenario.name))
        assert set(parallel.data_vars) == set(sequential.data_vars)
        for name in sequential.data_vars:
            if sequential[name].dtype.kind in "fc":
                np.testing.assert_allclose(parallel[name].values, sequential[name].values, rtol=0, atol=1e-9,
                                           err_msg=f"{scenario.name}: {name}")
            else:
                np.testing.assert_array_equal(parallel[name].values, sequential[name].values,
                                              err_msg=f"{scenario.name}: {name}")
    combined_parallel, combined_sequential = open_batch(parallel_out), open_batch(sequential_out)
    assert list(combined_parallel["scenario"].values) == [s.name for s in SCENARIOS]
    for name in COMPARED:
        np.testing.assert_allclose(combined_parallel[name].values, combined_sequential[name].values,
                                   rtol=0, atol=1e-9, err_msg=name)
