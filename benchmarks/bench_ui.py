"""Time every page of the app on the demo park with Streamlit's AppTest (target: under 2 s per page).

Prepares the demo data (two demo days dispatched and settled, sunlight
income paid) in a temporary folder, logs in as each role and times a run
of each page: the first ("cold": caches empty) and the median of three
later runs ("warm"). Writes ``benchmarks/results/ui.json``.

    python benchmarks/bench_ui.py
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = {
    "manager": ["views/park_today.py", "views/my_trades.py", "views/re100.py", "views/sunlight.py", "views/year.py"],
    "T01": ["views/my_trades.py", "views/re100.py", "views/sunlight.py"],
}
PASSWORDS = {"manager": "manager-demo", "T01": "T01-demo"}


def main() -> None:
    from streamlit.testing.v1 import AppTest

    from ui.bootstrap import prepare_demo_data
    from ui.config import make_config

    folder = tempfile.mkdtemp(prefix="bench-ui-")
    settings = make_config(results=folder)
    started = time.perf_counter()
    prepare_demo_data(None, settings.db, settings.results)
    print(f"demo data: {time.perf_counter() - started:.1f} s")
    os.environ.update(MICROGRID_UI_RESULTS=settings.results, MICROGRID_UI_DB=settings.db,
                      MICROGRID_UI_USERS=settings.users)
    rows = []
    for user, pages in PAGES.items():
        app = AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=120)
        app.run()
        app.text_input(key="login_user").input(user)
        app.text_input(key="login_password").input(PASSWORDS[user])
        app.get("form_submit_button")[0].click()
        app.run()
        for page in pages:
            app.switch_page(page)
            started = time.perf_counter()
            app.run()
            cold = time.perf_counter() - started
            warm = []
            for _ in range(3):
                started = time.perf_counter()
                app.run()
                warm.append(time.perf_counter() - started)
            assert not app.exception, (user, page, app.exception)
            rows.append({"user": user, "page": page, "cold_s": round(cold, 3),
                         "warm_s": round(statistics.median(warm), 3)})
            print(f"{user:8s} {page:24s} cold {cold:5.2f} s  warm {statistics.median(warm):5.2f} s")
    slowest = max(max(row["cold_s"], row["warm_s"]) for row in rows)
    print(f"slowest page run: {slowest:.2f} s (target < 2 s)")
    out = ROOT / "benchmarks" / "results" / "ui.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"pages": rows, "slowest_s": slowest, "target_s": 2.0}, indent=2) + "\n")


if __name__ == "__main__":
    main()
