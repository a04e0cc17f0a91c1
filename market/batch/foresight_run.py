"""Perfect foresight for every scenario of a finished batch (month by month), as JSON rows."""

from __future__ import annotations

from market.batch.checkpoint import scenario_path
from market.batch.foresight import monthly_foresight
from market.batch.scenarios import apply_overrides
from market.dispatch.io import read_dispatch


def foresight_report(config) -> list[dict]:
    """One row per scenario: rolling and perfect-foresight cost under the monthly LPs' objective [KRW]."""
    from microgrid.forecast import forecast_park

    rows = []
    for scenario in config.scenarios:
        park = apply_overrides(config.park, scenario, config.park_source)
        forecast = forecast_park(park, config.start, config.end, kind=config.kind, weather_file=config.weather_file)
        rolling = read_dispatch(scenario_path(config.out, scenario.name))
        soc = {s.name: s.initial_soc_kwh for s in park.assets_of_role("storage")}
        months = monthly_foresight(park, forecast, rolling, config.start, config.end, soc)
        rolling_cost = sum(m.rolling_cost_krw for m in months)
        foresight_cost = sum(m.foresight_cost_krw for m in months)
        rows.append({"scenario": scenario.name, "rolling_cost_krw": rolling_cost,
                     "foresight_cost_krw": foresight_cost, "myopia_krw": rolling_cost - foresight_cost,
                     "months": [{"start": m.start.isoformat(), "end": m.end.isoformat(),
                                 "myopia_krw": m.myopia_krw} for m in months]})
    return rows
