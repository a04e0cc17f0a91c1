"""The corpus of bad inputs: every case a careless or unlucky user could type, built in code.

:func:`build_cases` writes each case's files under a folder and returns the cases: the command
line (``argv``), the exit code expected, a fragment the one error line must hold and the paths that
must not exist afterwards (nothing written). ``python -m tests.ui.bad_inputs.make_cases DIR`` writes
them to ``DIR/cases.json`` to run by hand (``python -m tests.ui.bad_inputs.runner DIR/cases.json``);
``tests/ui/test_bad_inputs.py`` runs them all through the real command line.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from microgrid.park import demo_park_path

REPO = Path(__file__).resolve().parents[3]
KMA_FILE = REPO / "tests" / "weather" / "data" / "kma_asos_155_changwon_2023-05-14_cp949.csv"
DAY = "2026-07-01"


@dataclass
class Case:
    name: str
    argv: list[str]
    code: int
    fragment: str
    absent: list[str] = field(default_factory=list)


def build_cases(root: Path) -> list[Case]:
    """Write the cases' files below ``root`` and return the cases (about 80)."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    demo = demo_park_path().read_text(encoding="utf-8")
    cases: list[Case] = []

    def path(name: str) -> Path:
        return root / name

    def write(name: str, content: str | bytes) -> str:
        target = path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        (target.write_bytes if isinstance(content, bytes) else target.write_text)(content)
        return str(target)

    def park(name: str, old: str, new: str, count: int = 1) -> str:
        assert old in demo, old
        return write(f"parks/{name}.toml", demo.replace(old, new, count))

    def add(name: str, argv: list[str], code: int, fragment: str, absent: list[str] | None = None) -> None:
        out = str(path(f"out/{name}"))
        argv = [out if part == "OUT" else part for part in argv]
        cases.append(Case(name, argv, code, fragment, [out, *(absent or [])]))

    # -- weather files (dispatch --weather) ------------------------------------------------------
    weather = {
        "weather_empty": write("weather/empty.csv", ""),
        "weather_garbage": write("weather/garbage.csv", "hello,world\n1,2\n"),
        "weather_binary": write("weather/binary.csv", bytes(range(256)) * 4),
        "weather_missing": str(path("weather/missing.csv")),
        "weather_folder": str(path("weather")),
        "weather_header_only": write("weather/header.csv", KMA_FILE.read_bytes().splitlines()[0] + b"\n"),
    }
    mokpo = KMA_FILE.read_bytes().replace(b"\n155,", b"\n165,")
    weather["weather_kma_unknown_station"] = write("weather/kma_165.csv", mokpo)
    fragments = {"weather_empty": "empty", "weather_missing": "does not exist", "weather_folder": "not a file",
                 "weather_kma_unknown_station": "165"}
    for name, file in weather.items():
        add(name, ["dispatch", "--date", DAY, "--weather", file, "--out", "OUT"], 2,
            fragments.get(name, str(Path(file).name)))

    # -- ledger databases (statement --db) -------------------------------------------------------
    sqlite_file = path("db/real.sqlite")
    sqlite_file.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(sqlite_file) as connection:
        connection.execute("CREATE TABLE t (x)")
        connection.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(2000)])
    truncated = write("db/truncated.sqlite", sqlite_file.read_bytes()[:1500])
    future = path("db/future.sqlite")
    with sqlite3.connect(future) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
        connection.execute("INSERT INTO alembic_version VALUES ('9999_from_the_future')")
    (path("db/folder.sqlite")).mkdir(parents=True, exist_ok=True)
    ledgers = {
        "db_bad_url": ("nosuchdialect://user@host/db", "ledger URL"),
        "db_unparsable_url": ("sqlite:////:::/\x00", "ledger"),
        "db_garbage_file": (write("db/garbage.sqlite", b"this is not a database\n" * 50), "not a SQLite database"),
        "db_truncated": (truncated, "truncated.sqlite"),
        "db_future_revision": (str(future), "9999_from_the_future"),
        "db_folder": (str(path("db/folder.sqlite")), "is a folder"),
        "db_missing_folder": (str(path("nonexistent/deeper/x.sqlite")), "does not exist"),
        "db_missing_folder_url": (f"sqlite:///{path('nonexistent2/x.sqlite')}", "does not exist"),
        "db_foreign_sqlite": (str(sqlite_file), "no ledger schema"),
    }
    for name, (url, fragment) in ledgers.items():
        add(name, ["statement", "--participant", "T01", "--month", "2026-07", "--db", url,
                   "--out", str(path(f"out/{name}/s.csv"))], 2, fragment,
            [str(path("nonexistent")), str(path("nonexistent2"))])
    # with the PostgreSQL driver installed (psycopg, a test dependency), a server that refuses the
    # connection is an unavailable service, exit 5
    add("db_postgres_no_answer", ["statement", "--participant", "T01", "--month", "2026-07", "--db",
                                  "postgresql://user@127.0.0.1:1/ledger", "--out", str(path("out/pg/s.csv"))],
        5, "does not answer")

    # -- dates ----------------------------------------------------------------------------------
    for name, value, fragment in [
        ("date_9999", "9999-12-31", "2025-2026"), ("date_0001", "0001-01-01", "2025-2026"),
        ("date_2262", "2262-04-12", "2025-2026"), ("date_1900", "1900-07-01", "2025-2026"),
        ("date_2100", "2100-07-01", "2025-2026"), ("date_feb30", "2026-02-30", "YYYY-MM-DD"),
        ("date_words", "tomorrow", "YYYY-MM-DD"), ("date_short", "2026-7-1", "YYYY-MM-DD"),
        ("date_datetime", "2026-07-01T10:00", "YYYY-MM-DD"), ("date_empty", "", "YYYY-MM-DD"),
    ]:
        add(name, ["dispatch", "--date", value, "--out", "OUT"], 2, fragment)
    for name, argv, fragment in [
        ("batch_year_0", ["--year", "0"], "--year"), ("batch_year_10000", ["--year", "10000"], "--year"),
        ("batch_year_2024", ["--year", "2024"], "2025-2026"), ("batch_year_text", ["--year", "abc"], "--year"),
        ("batch_start_outside_year", ["--year", "2026", "--start", "2025-12-31"], "outside --year"),
        ("batch_end_outside_year", ["--year", "2026", "--end", "2027-01-05"], "outside --year"),
        ("batch_end_before_start", ["--year", "2026", "--start", "2026-03-01", "--end", "2026-02-01"], "--end"),
        ("batch_workers_negative", ["--year", "2026", "--workers", "-3"], "--workers"),
        ("batch_engine_unknown", ["--year", "2026", "--engine", "turbo"], "--engine"),
        ("batch_lookahead", ["--year", "2026", "--lookahead-hours", "500"], "--lookahead-hours"),
        ("batch_scenarios_missing", ["--year", "2026", "--scenarios", str(path("nope.toml"))], "--scenarios"),
        ("batch_scenarios_garbage", ["--year", "2026", "--scenarios", write("scen.toml", "[[scenarios]\nx=")],
         "scen.toml"),
        ("batch_out_is_file", ["--year", "2026", "--out", write("afile.txt", "x")], "is a file"),
    ]:
        add(name, ["batch", *argv] + ([] if "--out" in argv else ["--out", "OUT"]), 2, fragment)
    berlin = park("dst_berlin", 'latitude = 34.93', 'latitude = 52.52') if 'latitude = 34.93' in demo else None
    if berlin:
        text = Path(berlin).read_text().replace('timezone = "Asia/Seoul"', 'timezone = "Europe/Berlin"')
        text = text.replace('weather_site = "gwangyang"\n', "")
        for line in text.splitlines():
            if line.startswith("longitude"):
                text = text.replace(line, "longitude = 13.40", 1)
                break
        Path(berlin).write_text(text)
        add("date_dst_25_hours", ["dispatch", "--park", berlin, "--date", "2026-10-25", "--out", "OUT"], 2,
            "25 hours")
        add("date_dst_23_hours", ["dispatch", "--park", berlin, "--date", "2026-03-29", "--out", "OUT"], 2,
            "23 hours")

    # -- park files ------------------------------------------------------------------------------
    parks = [
        ("park_timezone_unknown", park("tz", 'timezone = "Asia/Seoul"', 'timezone = "Mars/Olympus"'), "Mars/Olympus"),
        ("park_timezone_not_korean", park("tz_tokyo", 'timezone = "Asia/Seoul"', 'timezone = "Asia/Tokyo"'),
         "Asia/Seoul"),
        ("park_timezone_path", park("tz_path", 'timezone = "Asia/Seoul"', 'timezone = "../../etc/passwd"'),
         "timezone"),
        ("park_industry_unknown", park("industry", 'industry = "machinery"', 'industry = "alchemy"'), "alchemy"),
        ("park_weather_site_unknown", park("site", 'weather_site = "gwangyang"', 'weather_site = "atlantis"'),
         "atlantis"),
        ("park_orc_schedule_unknown", park("orc", 'schedule = "continuous_3_shift"', 'schedule = "whenever"'),
         "whenever"),
        ("park_maintenance_feb30", park("maint", '[["2026-08-03", "2026-08-09"]]', '[["2026-02-30", "2026-03-02"]]'),
         "2026-02-30"),
        ("park_maintenance_reversed", park("maint_rev", '[["2026-08-03", "2026-08-09"]]',
                                           '[["2026-08-09", "2026-08-03"]]'), "ends before it starts"),
        ("park_maintenance_not_dates", park("maint_txt", '[["2026-08-03", "2026-08-09"]]', '[["soon", "later"]]'),
         "maintenance"),
        ("park_deep_nesting", write("parks/deep.toml", "x = " + "[" * 5000 + "]" * 5000 + "\n"), "deep.toml"),
        ("park_deep_tables", write("parks/deep_tables.toml", "x = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n"),
         "deep_tables.toml"),
        ("park_dc_capacity_inf", park("dc_inf", "dc_capacity_kw = ", "dc_capacity_kw = inf #"), "dc_capacity_kw"),
        ("park_dc_capacity_nan", park("dc_nan", "dc_capacity_kw = ", "dc_capacity_kw = nan #"), "dc_capacity_kw"),
        ("park_trade_fee_inf", park("fee_inf", "trade_fee_krw_per_kwh = 3.0", "trade_fee_krw_per_kwh = inf"),
         "trade_fee_krw_per_kwh"),
        ("park_trade_fee_negative", park("fee_neg", "trade_fee_krw_per_kwh = 3.0", "trade_fee_krw_per_kwh = -1.0"),
         "trade_fee_krw_per_kwh"),
        ("park_billing_demand_negative", park("billing_neg", "contract_power_kw = 900.0",
                                              "contract_power_kw = 900.0\nbilling_demand_kw = -5.0"),
         "participants[1].billing_demand_kw"),
        ("park_billing_demand_inf", park("billing_inf", "contract_power_kw = 900.0",
                                         "contract_power_kw = 900.0\nbilling_demand_kw = inf"),
         "participants[1].billing_demand_kw"),
        ("park_holds_recs_not_bool", park("holds_recs", "contract_power_kw = 900.0",
                                          'contract_power_kw = 900.0\nholds_recs = "yes"'),
         "participants[1].holds_recs"),
        ("park_latitude_nan", park("lat_nan", "latitude = ", "latitude = nan #"), "latitude"),
        ("park_latitude_range", park("lat_range", "latitude = ", "latitude = 123.0 #"), "latitude"),
        ("park_connect_unknown", park("connect", '"PV-T01-roof", ', '"PV-T99-nowhere", '), "PV-T99-nowhere"),
        ("park_owner_unknown", park("owner", 'owner = "T29"', 'owner = "T99"'), "T99"),
        ("park_kind_unknown", park("kind", 'kind = "orc"', 'kind = "fusion"'), "fusion"),
        ("park_unknown_field", park("field", 'trade_fee_krw_per_kwh = 3.0', 'trade_fee_krw_per_kwh = 3.0\nfee = 1'),
         "unknown field"),
        ("park_invalid_toml", write("parks/broken.toml", "[park\nname = "), "TOML"),
        ("park_binary", write("parks/binary.toml", bytes(range(256))), "binary.toml"),
        ("park_empty", write("parks/empty.toml", ""), "empty.toml"),
        ("park_missing", str(path("parks/none.toml")), "does not exist"),
        ("park_folder", str(path("parks")), "parks"),
        ("park_top_level_array", write("parks/array.toml", "assets = 5\n"), "assets"),
    ]
    for name, file, fragment in parks:
        add(name, ["dispatch", "--park", file, "--date", DAY, "--out", "OUT"], 2, fragment)

    # -- outputs and other commands --------------------------------------------------------------
    a_file = write("plain.txt", "not a folder")
    batch_corrupt = path("batch_corrupt")
    (batch_corrupt / "batch.zarr").mkdir(parents=True, exist_ok=True)
    (batch_corrupt / "batch.zarr" / "zarr.json").write_text("{not json")
    batch_index = path("batch_index_corrupt")
    batch_index.mkdir(parents=True, exist_ok=True)
    (batch_index / "batch.json").write_text("{not json")
    batch_index_missing = path("batch_index_missing_file")
    batch_index_missing.mkdir(parents=True, exist_ok=True)
    (batch_index_missing / "batch.json").write_text(
        '{"layout": "scenario-files+index/1", "scenarios": [{"name": "base", "file": "scenarios/base.nc"}]}')
    batch_nc = path("batch_nc")
    batch_nc.mkdir(parents=True, exist_ok=True)
    (batch_nc / "batch.nc").write_bytes(b"CDF\x01" + b"\x00" * 20)
    empty_metered = write("metered_empty.csv", "")
    header_metered = write("metered_header.csv", "timestamp,participant,asset,energy_kwh\n")
    other = [
        ("out_dispatch_is_file", ["dispatch", "--date", DAY, "--out", a_file], "is a file"),
        ("out_dispatch_below_file", ["dispatch", "--date", DAY, "--out", f"{a_file}/sub"], "is a file"),
        ("out_statement_is_folder", ["statement", "--participant", "T01", "--month", "2026-07",
                                     "--db", str(path("db/s1.sqlite")), "--out", str(path("db"))], "is a folder"),
        ("out_statement_suffix", ["statement", "--participant", "T01", "--month", "2026-07",
                                  "--db", str(path("db/s2.sqlite")), "--out", str(path("out/st.txt"))], ".csv"),
        ("statement_empty_month", ["statement", "--participant", "T01", "--month", "2026-07",
                                   "--db", str(path("db/s3.sqlite")), "--out", str(path("out/st.csv"))],
         "no entries"),
        ("statement_participant_unknown", ["statement", "--participant", "T99", "--month", "2026-07",
                                           "--db", str(path("db/s4.sqlite")), "--out", str(path("out/st4.csv"))],
         "T99"),
        ("statement_month_bad", ["statement", "--participant", "T01", "--month", "2026-13",
                                 "--db", str(path("db/s5.sqlite")), "--out", str(path("out/st5.csv"))], "--month"),
        ("close_month_bad", ["close", "--month", "2026-13", "--results", "OUT"], "--month"),
        ("close_nothing_booked", ["close", "--month", "2026-07", "--db", str(path("db/c1.sqlite")),
                                  "--results", "OUT"], "nothing is booked"),
        ("income_quarter_bad", ["income", "--quarter", "2026-Q5", "--db", str(path("db/s6.sqlite")),
                                "--results", "OUT"], "--quarter"),
        ("out_forecast_is_folder", ["forecast", "--start", DAY, "--end", DAY, "--out", str(path("db"))],
         "is a folder"),
        ("forecast_end_before_start", ["forecast", "--start", "2026-07-05", "--end", DAY, "--out",
                                       str(path("out/f.nc"))], "--end"),
        ("report_corrupt_zarr", ["report", "--batch", str(batch_corrupt), "--out", "OUT"], "batch.zarr"),
        ("report_corrupt_nc", ["report", "--batch", str(batch_nc), "--out", "OUT"], "batch.nc"),
        ("report_corrupt_index", ["report", "--batch", str(batch_index), "--out", "OUT"], "batch.json"),
        ("report_index_missing_file", ["report", "--batch", str(batch_index_missing), "--out", "OUT"], "batch.json"),
        ("report_missing_batch", ["report", "--batch", str(path("no_batch")), "--out", "OUT"], "no batch"),
        ("report_out_is_file", ["report", "--batch", str(batch_corrupt), "--out", a_file], "is a file"),
        ("settle_metered_empty", ["settle", "--date", DAY, "--metered", empty_metered, "--results", "OUT",
                                  "--db", str(path("db/s7.sqlite"))], "is empty"),
        ("settle_metered_missing", ["settle", "--date", DAY, "--metered", str(path("nope.csv")), "--results", "OUT",
                                    "--db", str(path("db/s8.sqlite"))], "does not exist"),
        ("settle_date_outside", ["settle", "--date", "2031-01-01", "--results", "OUT"], "2025-2026"),
        ("monitor_measurements_empty", ["monitor", "--date", DAY, "--measurements", empty_metered,
                                        "--results", "OUT"], "is empty"),
        ("monitor_measurements_folder", ["monitor", "--date", DAY, "--measurements", str(path("db")),
                                         "--results", "OUT"], "not a file"),
        ("validate_max_rounds", ["validate", "--date", DAY, "--max-rounds", "0", "--results", "OUT"],
         "--max-rounds"),
        ("redispatch_outage_unknown", ["redispatch", "--date", DAY, "--from", "10:00", "--outage", "PV-T77",
                                       "--results", "OUT"], "F1"),
        ("redispatch_soc_unknown", ["redispatch", "--date", DAY, "--from", "10:00", "--soc", "NOPE=5",
                                    "--results", "OUT"], "NOPE"),
        ("redispatch_soc_inf", ["redispatch", "--date", DAY, "--from", "10:00", "--soc", "BESS-shared=inf",
                                "--results", "OUT"], "finite"),
        ("redispatch_from_bad", ["redispatch", "--date", DAY, "--from", "25:00", "--results", "OUT"], "--from"),
        ("dispatch_pricing_rule", ["dispatch", "--date", DAY, "--pricing-rule", "auction", "--out", "OUT"],
         "auction"),
        ("cli_missing_option", ["settle", "--results", "OUT"], "--date"),
        ("cli_unknown_command", ["dispach", "--date", DAY], "dispach"),
        ("cli_unknown_option", ["dispatch", "--dat", DAY, "--out", "OUT"], "--dat"),
        ("cli_results_is_file", ["validate", "--date", DAY, "--results", a_file], "is a file"),
    ]
    _ = header_metered
    for name, argv, fragment in other:
        add(name, argv, 2, fragment)
    add("batch_scheduler_unreachable", ["batch", "--year", "2026", "--start", "2026-01-01", "--end", "2026-01-01",
                                        "--scheduler", "tcp://127.0.0.1:9", "--out", "OUT"], 5, "--scheduler")
    # -- order books (microgrid orders submit): nothing stored when the book is refused --------------
    from market.orders import demo_orders_path
    orders = demo_orders_path().read_text(encoding="utf-8")
    for name, old, new, fragment in [
        ("orders_unknown_bidder", 'participant = "T05"', 'participant = "T95"', "bids[0].participant = 'T95'"),
        ("orders_negative_price", "max_price_krw_per_kwh = 170.0", "max_price_krw_per_kwh = -5.0",
         "bids[0].max_price_krw_per_kwh = -5.0"),
        ("orders_bad_product", 'product = "renewable"', 'product = "green"', "bids[0].product = 'green'"),
        ("orders_after_gate", 'submitted = "2026-06-30T09:30:00"', 'submitted = "2026-06-30T11:00:00"',
         "after the gate closure"),
        ("orders_foreign_asset", 'assets = ["PV-T01-roof"]', 'assets = ["PV-T02-roof"]', "not owned by T01"),
    ]:
        assert old in orders, old
        book = write(f"orders/{name}.toml", orders.replace(old, new, 1))
        add(name, ["orders", "submit", book, "--date", DAY, "--results", "OUT"], 2, fragment,
            [str(path(f"out/{name}/orders"))])
    # microgrid dispatch --orders: the book is checked before the forecast runs, no dispatch file written
    book = write("orders/dispatch_unknown_bidder.toml", orders.replace('participant = "T05"', 'participant = "T95"', 1))
    add("dispatch_orders_unknown_bidder", ["dispatch", "--date", DAY, "--orders", book, "--out", "OUT"], 2,
        "bids[0].participant = 'T95'", [str(path(f"out/dispatch_orders_unknown_bidder/dispatch-{DAY}.nc"))])
    add("dispatch_orders_missing", ["dispatch", "--date", DAY, "--orders", "nope.toml", "--out", "OUT"], 2,
        "--orders = 'nope.toml'")
    add("orders_wrong_day", ["orders", "submit", str(demo_orders_path()), "--date", "2026-07-02", "--results", "OUT"],
        2, "expected the delivery day 2026-07-02")
    add("orders_unknown_action", ["orders", "cancel", str(demo_orders_path()), "--date", DAY, "--results", "OUT"],
        2, "ACTION = 'cancel'")
    # -- worker registers (microgrid workers import): nothing stored when the register is refused ----
    header = "worker_id,employer,start_date,weight,eligibility_lag_quarters,end_date\n"
    for name, row, fragment in [
        ("workers_unknown_employer", "W1,T95,2025-01-01,1,,", "row 2: employer = 'T95'"),
        ("workers_bad_date", "W1,T01,2025-02-30,1,,", "row 2: start_date = '2025-02-30'"),
        ("workers_zero_weight", "W1,T01,2025-01-01,0,,", "row 2: weight = '0'"),
        ("workers_duplicate", "W1,T01,2025-01-01,1,,\nW1,T02,2025-01-01,1,,", "row 3: worker_id = 'W1'"),
        ("workers_operator_employer", "W1,OPERATOR,2025-01-01,1,,", "row 2: employer = 'OPERATOR'"),
    ]:
        register = write(f"workers/{name}.csv", header + row + "\n")
        add(name, ["workers", "import", register, "--results", "OUT"], 2, fragment,
            [str(path(f"out/{name}/workers.csv"))])
    add("workers_missing_file", ["workers", "import", "nope.csv", "--results", "OUT"], 2, "'nope.csv' does not exist")
    return cases


def write_cases(root: Path) -> Path:
    """Build the cases under ``root`` and write ``root/cases.json``."""
    cases = build_cases(root)
    target = Path(root) / "cases.json"
    target.write_text(json.dumps([asdict(case) for case in cases], indent=1))
    return target


if __name__ == "__main__":  # pragma: no cover
    print(write_cases(Path(sys.argv[1])))
