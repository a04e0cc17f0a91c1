"""A bounded local load test of the app server: N sessions for S seconds (default 20 sessions, 30 s).

Starts ``python -m ui.server`` on 127.0.0.1 with the demo data (dispatched, settled, demo
accounts) in a temporary folder. Each session logs in over HTTP (``/auth/login``, the
HttpOnly cookie), opens the Streamlit websocket with it and asks for its page again and again
(a manager: Park today on a dispatched day's first view; a tenant: My trades), timing each run
from the request to Streamlit's "script finished". Sessions run in threads; every wait is
bounded. Prints and writes ``benchmarks/results/ui_load.json``: runs, p50 and p90 [s]
(target: p90 under 3 s).

    python benchmarks/bench_ui_load.py [--sessions 20] [--seconds 30]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _one_session(base: str, username: str, password: str, stop_at: float, times: list, errors: list) -> None:
    import http.client

    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect

    try:
        url = urllib.parse.urlparse(base)
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        connection.request("POST", "/auth/login", urllib.parse.urlencode({"username": username, "password": password}),
                           {"Content-Type": "application/x-www-form-urlencoded"})
        answer = connection.getresponse()
        answer.read()
        cookie = answer.getheader("set-cookie").split(";")[0]
        with connect(base.replace("http", "ws") + "/_stcore/stream", additional_headers={"Cookie": cookie},
                     subprotocols=["streamlit"], open_timeout=30) as socket:
            while time.monotonic() < stop_at:
                back = BackMsg()
                back.rerun_script.query_string = ""
                started = time.monotonic()
                socket.send(back.SerializeToString())
                while True:
                    message = ForwardMsg()
                    message.ParseFromString(socket.recv(timeout=60))
                    if message.WhichOneof("type") == "script_finished":
                        break
                times.append(time.monotonic() - started)
    except Exception as error:  # noqa: BLE001 - counted and reported
        errors.append(f"{username}: {error!r}")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args(argv)
    sessions, seconds = min(args.sessions, 50), min(args.seconds, 120.0)  # bounded, whatever is asked

    from microgrid.park import read_park
    from tests.ui.conftest import free_port, start_server, stop_server
    from ui.auth import UserStore, seed_demo_users
    from ui.bootstrap import prepare_demo_data
    from ui.config import make_config

    with tempfile.TemporaryDirectory() as folder:
        settings = make_config(results=folder)
        prepare_demo_data(None, settings.db, settings.results)
        store = UserStore(settings.users)
        seed_demo_users(store, [p.name for p in read_park(None).participants if p.kind == "tenant"])
        store.close()
        process, base = start_server(settings, free_port())
        try:
            users = [("manager", "manager-demo") if n % 4 == 0 else (f"T{n % 30 + 1:02d}", f"T{n % 30 + 1:02d}-demo")
                     for n in range(sessions)]
            times: list[float] = []
            errors: list[str] = []
            stop_at = time.monotonic() + seconds
            threads = [threading.Thread(target=_one_session, args=(base, u, p, stop_at, times, errors), daemon=True)
                       for u, p in users]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=seconds + 90)
            alive = process.poll() is None
        finally:
            stop_server(process)
    ordered = sorted(times)
    result = {"sessions": sessions, "seconds": seconds, "runs": len(ordered), "errors": errors[:10],
              "server_alive": alive,
              "p50_s": round(statistics.median(ordered), 3) if ordered else None,
              "p90_s": round(ordered[int(0.9 * (len(ordered) - 1))], 3) if ordered else None}
    out = ROOT / "benchmarks" / "results" / "ui_load.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
