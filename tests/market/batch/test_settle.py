"""``microgrid batch --settle``: one ledger per scenario, balanced days, money recomputed, resumable."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from contextlib import closing

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from market.batch import BatchConfig, Scenario, run_batch
from market.batch.checkpoint import scenario_path
from market.batch.scenarios import apply_overrides
from market.batch.settle import ledger_path, read_figures, settle_scenario
from market.dispatch.io import read_dispatch
from market.ledger import open_ledger
from market.ledger.money import round_half_even
from market.settlement import settle_day
from microgrid.errors import EngineInputError
from microgrid.park import demo_park_path
from microgrid.tariffs import load_tariff
from ui.cli import app

START, END = dt.date(2026, 7, 3), dt.date(2026, 7, 5)  # Fri, Sat, Sun
DAYS = [START + dt.timedelta(days=n) for n in range((END - START).days + 1)]
SCENARIOS = [Scenario("base"), Scenario("no-battery", {"battery_scale": 0})]
TARIFF = "kepco_industrial_eul_hv_a_option2"  # every demo tenant's tariff


@pytest.fixture(scope="module")
def settled(raw, tmp_path_factory):
    out = tmp_path_factory.mktemp("settled")
    run_batch(BatchConfig(raw[0], raw[1], SCENARIOS, START, END, out, workers=0, checkpoint_days=2, settle=True))
    return out


def _entries(path, key=None):
    ledger = open_ledger(path)
    try:
        frame = ledger.entries(key=key)
    finally:
        ledger.close()
    return frame


def _comparable(frame: pd.DataFrame) -> list[tuple]:
    return sorted(frame[["key", "account", "kind", "detail", "amount_krw"]].itertuples(index=False, name=None))


def _day_slice(ds, day):
    dates = pd.DatetimeIndex(ds.indexes["time"]).date
    piece = ds.isel(time=dates == day).drop_vars(["day_objective", "day"], errors="ignore")
    piece.attrs["date"] = day.isoformat()
    return piece


def test_every_day_of_the_span_settled_and_balanced(settled):
    for scenario in SCENARIOS:
        entries = _entries(ledger_path(settled, scenario.name))
        day_keys = sorted(key for key in entries["key"].unique() if key.startswith("day:"))
        assert day_keys == [f"day:{day}" for day in DAYS]
        assert (entries.groupby("key")["amount_krw"].sum() == 0).all()  # every day and the basic charge
        assert "basic:2026-07" in set(entries["key"])
        figures = read_figures(settled, scenario.name)
        assert figures.days_settled == len(DAYS) and figures.months_billed == 1
        assert figures.quarters_paid == 0  # no whole quarter in the span: no sunlight income settled
        assert figures.entries == len(entries)


def test_two_scenarios_two_ledgers_never_mixed(settled, raw):
    paths = {scenario.name: ledger_path(settled, scenario.name) for scenario in SCENARIOS}
    assert all(path.is_file() for path in paths.values()) and len(set(paths.values())) == len(SCENARIOS)
    for name, path in paths.items():
        with closing(sqlite3.connect(path)) as connection:
            metas = [json.loads(m) for (m,) in connection.execute(
                "SELECT meta FROM ledger_settlements WHERE kind = 'day'")]
        assert {meta["scenario"] for meta in metas} == {name}
    # the battery changes the park's KEPCO energy bill: the two ledgers hold different worlds
    assert read_figures(settled, "base").kepco_energy_krw != read_figures(settled, "no-battery").kepco_energy_krw
    with pytest.raises(EngineInputError, match="scenarios never share a ledger"):
        settle_scenario(settled, SCENARIOS[1], raw[0], raw[1], ledger=paths["base"])


def test_trades_and_fees_equal_the_dataset_under_the_rounding_rule(settled):
    ds = read_dispatch(scenario_path(settled, "base"))
    fee = float(ds.attrs["trade_fee_krw_per_kwh"])
    trade_krw = fee_krw = 0
    traded_kwh = 0.0
    for day in DAYS:
        piece = _day_slice(ds, day)
        trade = piece["trade"].transpose("time", "seller", "buyer").values
        price = piece["trade_price"].transpose("time", "seller", "buyer").values
        energy, paid = trade.sum(axis=0), (trade * price).sum(axis=0)
        # one rounded entry per seller, buyer and day (half to even); one fee entry per buyer and day
        trade_krw += sum(round_half_even(paid[s, b]) for s, b in zip(*np.nonzero(energy > 0)))
        for b in range(energy.shape[1]):
            fee_krw += round_half_even(sum(energy[s, b] * fee for s in range(energy.shape[0]) if energy[s, b] > 0))
        traded_kwh += float(trade.sum())
    figures = read_figures(settled, "base")
    assert trade_krw > 0 and fee_krw > 0
    assert figures.trade_krw == trade_krw
    assert figures.fees_krw == fee_krw
    assert figures.traded_kwh == pytest.approx(traded_kwh, rel=1e-9)


def test_kepco_bills_equal_the_dataset(settled, raw):
    """Energy bill from the dispatch's own import prices; basic charge from the July peaks (summer band rules)."""
    tariff = load_tariff(TARIFF)
    fund, vat = tariff.power_industry_fund_rate, tariff.vat_rate
    ds = read_dispatch(scenario_path(settled, "base"))
    # import_price = (energy rate + adders) x (1 + fund), without VAT; the bill adds fund and VAT on the charge
    charge = float((ds["grid_import"] * ds["import_price"]).sum()) / (1 + fund)
    figures = read_figures(settled, "base")
    assert figures.kepco_energy_krw == pytest.approx(charge * (1 + fund + vat), abs=0.5 * len(DAYS) + 1e-3)
    assert figures.grid_import_kwh == pytest.approx(float(ds["grid_import"].sum()), rel=1e-9)

    time = pd.DatetimeIndex(ds.indexes["time"])
    # summer: light 22-08 on weekdays and Saturdays, all light on Sundays -> demand counts 08-22 Fri and Sat
    counts = (time.hour >= 8) & (time.hour < 22) & (time.dayofweek != 6)
    peaks = ds["grid_import"].values[counts].max(axis=0) / float(ds.attrs["step_hours"])
    park = apply_overrides(raw[0], SCENARIOS[0], raw[1])
    contract = np.array([park.participant(str(p)).contract_power_kw for p in ds["participant"].values])
    demand = np.maximum(peaks, tariff.billing_demand_floor_fraction * contract)  # no other month in the window
    basic = demand * tariff.basic_charge_krw_per_kw_month * (1 + fund + vat)
    assert figures.kepco_basic_krw == pytest.approx(basic.sum(), abs=0.5 * len(basic) + 1e-3)
    assert figures.kepco_bill_krw == figures.kepco_energy_krw + figures.kepco_basic_krw


def test_a_day_equals_settle_day_on_the_read_back_slice(settled, raw):
    day = DAYS[1]
    park = apply_overrides(raw[0], SCENARIOS[0], raw[1])
    reference = open_ledger("sqlite://")
    settle_day(reference, park, _day_slice(read_dispatch(scenario_path(settled, "base")), day))
    expected = reference.entries(key=f"day:{day}")
    got = _entries(ledger_path(settled, "base"), key=f"day:{day}")
    assert len(expected) > 100
    assert _comparable(got) == _comparable(expected)
    np.testing.assert_array_equal(got.sort_values(["account", "kind", "detail"])["quantity_kwh"].astype(float).values,
                                  expected.sort_values(["account", "kind", "detail"])["quantity_kwh"].astype(float).values)


def test_second_run_writes_nothing(settled, raw):
    path = ledger_path(settled, "base")
    with closing(sqlite3.connect(path)) as connection:
        before = connection.execute("SELECT key, created_at FROM ledger_settlements ORDER BY key").fetchall()
        entry_ids = connection.execute("SELECT min(id), max(id), count(*) FROM ledger_entries").fetchone()
    run_batch(BatchConfig(raw[0], raw[1], SCENARIOS, START, END, settled, workers=0, checkpoint_days=2,
                          settle=True))
    with closing(sqlite3.connect(path)) as connection:
        after = connection.execute("SELECT key, created_at FROM ledger_settlements ORDER BY key").fetchall()
        assert connection.execute("SELECT min(id), max(id), count(*) FROM ledger_entries").fetchone() == entry_ids
    assert after == before  # no day, month or quarter was written again
    assert read_figures(settled, "base").days_written == 0


def test_resume_after_a_kill_equals_an_uninterrupted_run(settled, raw, tmp_path):
    source = scenario_path(tmp_path, "base")
    source.parent.mkdir(parents=True)
    shutil.copy(scenario_path(settled, "base"), source)
    killed = settle_scenario(tmp_path, SCENARIOS[0], raw[0], raw[1], stop_after_days=2)
    assert killed.days_settled == 2 and killed.months_billed == 0  # as if killed after day 2's commit
    resumed = settle_scenario(tmp_path, SCENARIOS[0], raw[0], raw[1])
    assert resumed.days_written == len(DAYS) - 2  # the two committed days were not settled again
    assert _comparable(_entries(ledger_path(tmp_path, "base"))) == _comparable(_entries(ledger_path(settled, "base")))


def test_a_day_whose_dispatch_changed_is_settled_again(settled, raw, tmp_path):
    import xarray as xr

    source = scenario_path(tmp_path, "base")
    source.parent.mkdir(parents=True)
    shutil.copy(scenario_path(settled, "base"), source)
    settle_scenario(tmp_path, SCENARIOS[0], raw[0], raw[1])
    with xr.open_dataset(source, engine="netcdf4") as opened:
        changed = opened.load()
    changed["day_objective"][2] = 1.0  # as if day 3 had been dispatched again
    changed.to_netcdf(source, engine="netcdf4")
    again = settle_scenario(tmp_path, SCENARIOS[0], raw[0], raw[1])
    assert again.days_written == 1
    ledger = open_ledger(ledger_path(tmp_path, "base"))
    try:
        postings = ledger.postings(f"day:{DAYS[2]}")
    finally:
        ledger.close()
    assert list(postings["posting"]) == ["settlement", "reversal", "settlement"]
    assert "day_objective_krw" in json.loads(postings["meta"].iloc[-1])["reason"]
    # the same flows: the reversal and the new version net to the first settlement
    assert _net(_entries(ledger_path(tmp_path, "base"))) == _net(_entries(ledger_path(settled, "base")))


def _net(frame: pd.DataFrame) -> list[tuple]:
    summed = frame.groupby(["key", "account", "kind", "detail"])["amount_krw"].sum()
    return sorted((*index, int(value)) for index, value in summed.items() if value != 0)


def test_cli_batch_settle(tmp_path):
    park = tmp_path / "park.toml"  # the demo park with a [settlement] table, which the batch must set aside
    park.write_text(demo_park_path().read_text(encoding="utf-8") + "\n[settlement]\nrec_price_krw_per_kwh = 60.0\n")
    out = tmp_path / "batch"
    result = CliRunner().invoke(app, ["batch", "--year", "2026", "--start", "2026-07-03", "--end", "2026-07-04",
                                      "--workers", "0", "--settle", "--park", str(park), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert ledger_path(out, "base").is_file()
    assert "Days settled" in result.output and "KEPCO bill" in result.output
    assert read_figures(out, "base").days_settled == 2


def test_cli_batch_settle_bad_settlement_table_is_a_one_line_error(tmp_path):
    park = tmp_path / "park.toml"
    park.write_text(demo_park_path().read_text(encoding="utf-8") + "\n[settlement]\nrec_price = 60.0\n")
    result = CliRunner().invoke(app, ["batch", "--year", "2026", "--start", "2026-07-03", "--end", "2026-07-03",
                                      "--workers", "0", "--settle", "--park", str(park),
                                      "--out", str(tmp_path / "batch")])
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "settlement.rec_price" in lines[0] and "unknown field" in lines[0], result.stderr
    assert not (tmp_path / "batch").exists()


def test_dask_tasks_settle_each_scenario_like_the_sequential_run(raw, settled, tmp_path):
    """The settlement runs inside each scenario's Dask task; the first day's entries match the sequential run.

    One in-process worker thread keeps this fast (worker processes are tested in test_batch.py) and keeps
    HDF5, which is not thread-safe, to one thread.
    """
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        run_batch(BatchConfig(raw[0], raw[1], SCENARIOS, START, START, tmp_path, settle=True), client=client)
    for scenario in SCENARIOS:
        key = f"day:{START}"
        parallel = _entries(ledger_path(tmp_path, scenario.name), key=key)
        assert len(parallel) > 100
        assert _comparable(parallel) == _comparable(_entries(ledger_path(settled, scenario.name), key=key))
        assert read_figures(tmp_path, scenario.name).days_settled == 1


def test_report_fund_is_what_the_ledger_collects(settled):
    """The batch report's sunlight fund and the ledger's income inflow are the same money (figures agree)."""
    from market.batch.summary import summarize_scenario
    from market.income import settle_income
    from market.settlement import rules_for
    from microgrid.park import read_park

    park = read_park(demo_park_path())
    ds = read_dispatch(scenario_path(settled, "base"))
    report_fund = summarize_scenario(ds, "base").sunlight_fund_krw
    ledger = open_ledger(ledger_path(settled, "base"))
    try:
        inflow = settle_income(ledger, park, rules_for(park), "2026-Q3").inflow_krw
    finally:
        ledger.close()
    assert inflow > 0
    assert abs(inflow - report_fund) <= len(park.participants)  # each contribution rounded to the won
