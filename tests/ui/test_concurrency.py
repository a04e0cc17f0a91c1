"""Result files and the ledger read from many threads at once (HDF5 is not thread-safe): no crash, same data."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.ui.conftest import APP

STRESS = textwrap.dedent("""
    import datetime as dt, sys, threading
    from ui.auth import Principal
    from ui.config import make_config
    from ui.data_access import DataAccess, clear_caches
    settings = make_config(results=sys.argv[1])
    errors = []
    def work(seed):
        try:
            for i in range(25):
                if (i + seed) % 3 == 0:
                    clear_caches()  # every session's cache gone at once: the next reads race for the files
                access = DataAccess(Principal("manager", "manager"), settings)
                for day in access.dispatch_days():
                    assert float(access.park_day(day).dataset["load"].sum()) > 0
                access.trades(dt.date(2026, 7, 1), "T01")
                access.batch_files()
        except Exception as error:  # noqa: BLE001
            errors.append(repr(error))
    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    print("errors", errors)
    sys.exit(1 if errors else 0)
""")


def test_many_threads_read_the_result_files_at_once(demo_results):
    """In a child process: a segfault in libhdf5 would kill it (exit code -11 / -7), not the test run."""
    done = subprocess.run([sys.executable, "-c", STRESS, demo_results.results], capture_output=True, text=True,
                          timeout=300, cwd=str(APP.parent.parent))
    assert done.returncode == 0, (done.returncode, done.stdout[-2000:], done.stderr[-2000:])
