"""Temporary files of killed writers are removed by the next write and never left beside a finished output."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from market.dispatch.io import atomic_path, clean_stale_temporaries, temporary_prefix


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_temporaries_go_and_live_ones_stay(tmp_path):
    dead = tmp_path / f".dispatch-2026-07-01.nc.{_dead_pid()}.abc123.tmp"
    dead.write_text("half")
    mine = tmp_path / f"{temporary_prefix(tmp_path / 'other.nc')}xyz.tmp"
    mine.write_text("being written")
    old_style = tmp_path / ".days-0001.nc.k3j4h5g6.tmp"
    old_style.write_text("old")
    fresh_old_style = tmp_path / ".base.nc.q1w2e3r4.tmp"
    fresh_old_style.write_text("young")
    an_hour_ago = time.time() - 3600
    os.utime(old_style, (an_hour_ago, an_hour_ago))
    folder = tmp_path / ".batch.zarr.tmp"
    folder.mkdir()
    os.utime(folder, (an_hour_ago, an_hour_ago))
    removed = clean_stale_temporaries(tmp_path)
    assert set(removed) == {dead, old_style, folder}
    assert mine.exists() and fresh_old_style.exists()


def test_a_finished_write_leaves_only_its_output(tmp_path):
    (tmp_path / f".dispatch-2026-07-01.nc.{_dead_pid()}.zzz.tmp").write_text("killed")
    path = tmp_path / "dispatch-2026-07-01.nc"
    with atomic_path(path) as temporary:
        temporary.write_text("done")
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    try:
        with atomic_path(tmp_path / "b.nc"):
            raise RuntimeError("killed midway")
    except RuntimeError:
        pass
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
