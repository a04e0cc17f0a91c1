"""One dispatch model: every component's per-window update gives the LP a fresh build of that window gives.

The rolling batch compiles one window's model and re-solves it with each
component's ``update`` (market.dispatch.components); the one-day path
builds every window from scratch with the same components' ``define``. If
a component forgot to update a number that changes between windows, or
updated it with the wrong sign, the day's vectors would differ from a fresh
compile of that day's model: that is what these tests compare, vector by
vector, on the demo park's real forecast (weekday, Saturday, Sunday and a
public holiday: different demand-charge hours and prices) and on random
synthetic parks.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from typing import Literal

from market.batch.engine import CompiledDayEngine, template_data
from market.dispatch import run_dispatch
from market.dispatch.inputs import build_dispatch_data
from market.dispatch.lp import CompiledLp
from market.dispatch.model import create_model
from microgrid.assets import FuelCell, register_asset_kind
from microgrid.forecast import forecast_park
from tests.demo_parks import generous_demo_park
from microgrid.park.synthetic import synthetic_inputs, synthetic_park

DAYS = (dt.date(2026, 8, 14), dt.date(2026, 8, 15), dt.date(2026, 8, 16), dt.date(2026, 8, 17))  # Fri, Sat (광복절), Sun, Mon


def _fresh(data):
    """A fresh compile of the window's model with every step open, then the window's two masks applied.

    The batch's model has every ``bought`` and ``rec_export`` column and every ``peak_definition``
    row a window may need; a window closes the columns where the buyer may not
    trade, bounds the REC columns by the renewable surplus (0 without one) and frees the rows
    outside the demand-charge hours (the one-day
    model simply leaves them out: the objective test below checks that the two
    agree). Everything else must come from the components' updates.
    """
    model = create_model(template_data(data))
    vectors = CompiledLp(model).window()
    vectors.set_upper(model.bought, np.where(data.may_buy, np.inf, 0.0))
    vectors.relax(model.peak_definition, ~data.demand_charge_hours)
    vectors.set_upper(model.rec_export, data.renewable_surplus_kwh)
    return vectors


def demo_park_with(*assets: dict):
    return generous_demo_park(*assets)[0]


FUEL_CELL = {"name": "FC-T12", "kind": "fuel_cell", "owner": "T12", "feeder": "F2", "rated_power_kw": 440.0}


@register_asset_kind
class HourlyPricedFuelCell(FuelCell):
    """A test kind whose gas price changes by the hour and that is out of service on even days' mornings:
    every number a generator's update writes (floor, availability, cost) then differs between days."""

    kind: Literal["test_hourly_fuel_cell"] = "test_hourly_fuel_cell"

    def marginal_cost_krw_per_kwh(self, time):
        return super().marginal_cost_krw_per_kwh(time) * (1 + 0.1 * (time.hour.values % 5) + 0.05 * time.day.values)

    def available_power_kw(self, weather, site):
        power = super().available_power_kw(weather, site)
        outage = (weather.index.day % 2 == 0) & (weather.index.hour < 6)
        return power.where(~outage, 0.0)


HOURLY_FUEL_CELL = {**FUEL_CELL, "name": "FC-T07", "owner": "T07", "kind": "test_hourly_fuel_cell"}


@pytest.mark.parametrize("extra", [(), (FUEL_CELL, HOURLY_FUEL_CELL)], ids=["demo", "demo+fuel-cells"])
def test_updated_vectors_equal_a_fresh_compile_of_each_day(extra):
    park = demo_park_with(*extra)
    forecast = forecast_park(park, DAYS[0], DAYS[-1])
    from market.batch.rolling import day_steps, inputs_for_steps

    span = build_dispatch_data(park, inputs_for_steps(forecast, slice(None), {}))
    days = day_steps(span.time)
    engine = CompiledDayEngine(park, inputs_for_steps(forecast, days[DAYS[0]], {}))
    for position, day in enumerate(DAYS):
        soc = {storage: 2500.0 + 400.0 * position for storage in span.storages}
        # the months' peaks so far (a batch carries them): each day a different billing floor
        peaks = {p.name: {f"{day:%Y-%m}": 0.2 * p.contract_power_kw * (1 + position)} for p in park.participants}
        data = build_dispatch_data(park, inputs_for_steps(forecast, days[day], soc), monthly_peak_kw=peaks)
        assert len(set(data.billing_floor_kw.tolist())) > 1
        assert engine.window_vectors(data).differences(_fresh(data)) == [], day


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tenants=st.integers(3, 12), seed=st.integers(0, 10_000), rule=st.sampled_from(["shared_savings", "marginal"]),
       fee=st.sampled_from([0.0, 3.0]), terminal=st.sampled_from(["cyclic", "target", "free"]))
def test_updated_vectors_equal_a_fresh_compile_on_random_parks(tenants, seed, rule, fee, terminal):
    from dataclasses import replace

    park = synthetic_park(tenants, seed=seed, pricing_rule=rule, trade_fee_krw_per_kwh=fee)
    storages = [replace_storage(asset, terminal) for asset in park.assets]
    park = park.model_copy(update={"assets": storages})
    first = synthetic_inputs(park, "2026-07-03", seed=seed)  # a Friday
    engine = CompiledDayEngine(park, first)
    for offset, day in enumerate(("2026-07-04", "2026-07-05", "2026-12-07")):  # Saturday, Sunday, a winter Monday
        inputs = synthetic_inputs(park, day, seed=seed + offset + 1)
        soc = {name: value * (0.6 + 0.1 * offset) for name, value in
               ((a.name, a.soc_max_kwh) for a in park.assets_of_role("storage"))}
        inputs = replace(inputs, initial_soc_kwh=soc)
        data = build_dispatch_data(park, inputs, rule)
        assert engine.window_vectors(data).differences(_fresh(data)) == [], day
        assert engine.solve(inputs).dataset.attrs["objective_krw"] == pytest.approx(
            run_dispatch(park, inputs).dataset.attrs["objective_krw"], rel=1e-9, abs=1e-3)


def replace_storage(asset, terminal: str):
    if asset.role != "storage":
        return asset
    return asset.model_copy(update={"terminal_soc_rule": terminal, "terminal_soc_fraction": 0.7})


def test_updated_vectors_with_an_order_book_equal_a_fresh_compile_of_each_day():
    """The order-book components (offers' and bids' welfare terms move with the day's export and
    grid prices, what a curtailable load may shed with the day's load, a fixed-shape contract's
    target) update a compiled model to what a fresh build of each day gives."""
    import tomllib

    from market.batch.rolling import day_steps, inputs_for_steps
    from market.dispatch.model import update_model
    from market.orders.reader import demo_orders_path, parse_orders

    park = demo_park_with()
    raw = tomllib.loads(demo_orders_path().read_text(encoding="utf-8"))
    shape = [0.0] * 8 + [200.0] * 10 + [0.0] * 6
    raw["contracts"].append({"name": "shape-T01-T02", "seller": "T01", "buyer": "T02", "kwh_per_hour": shape,
                             "price_krw_per_kwh": 150.0, "start": "2026-01-01", "end": "2026-12-31",
                             "shortfall": "grid_price"})
    raw["curtailable"][0].update(hours=list(range(8, 20)), max_kwh=1.0e5)  # bounded by the day's load
    book = parse_orders(raw, park)
    forecast = forecast_park(park, DAYS[0], DAYS[-1])
    span = build_dispatch_data(park, inputs_for_steps(forecast, slice(None), {}))
    days = day_steps(span.time)
    first = build_dispatch_data(park, inputs_for_steps(forecast, days[DAYS[0]], {}), orders=book)
    model = create_model(template_data(first))
    compiled = CompiledLp(model)
    assert len(model.bid_kwh) and len(model.offer_kwh) and len(model.contract_delivery) and len(model.curtailed_load)
    for day in DAYS:
        data = build_dispatch_data(park, inputs_for_steps(forecast, days[day], {}), orders=book)
        vectors = compiled.window()
        update_model(vectors, model, data)
        assert vectors.differences(_fresh(data)) == [], day
