"""Benchmark and plausibility figures: a year of forecasts for the demo park.

Times one year of hourly forecasts (weather, PV, ORC, wind, loads) and
prints the year's figures the README compares with published Korean ones:
PV specific yield [kWh/kWp], ORC full-load hours [h], small-wind capacity
factor [-], load factor by industry [-]. Target (issue 3): a year in
under 10 s.

Run: ``python benchmarks/bench_forecast.py [--year 2026] [--actual] [--out benchmarks/results/forecast.json]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from collections import defaultdict
from pathlib import Path

from microgrid.forecast import _synthetic_year, forecast_park
from microgrid.park import read_park


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--actual", action="store_true", help="actual weather instead of the day-ahead forecast")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "forecast.json")
    args = parser.parse_args()
    park = read_park()
    _synthetic_year.cache_clear()
    started = time.perf_counter()
    year = forecast_park(park, dt.date(args.year, 1, 1), dt.date(args.year, 12, 31),
                         kind="actual" if args.actual else "day_ahead")
    seconds = time.perf_counter() - started
    hours = year.sizes["time"]
    energy = year["available_generation"].sum("time")
    by_kind = defaultdict(lambda: [0.0, 0.0])  # kind -> [energy kWh, rating kW]
    for asset in park.assets_of_role("generator"):
        # PV's specific yield is quoted per kWp (DC); every other kind per its rating.
        rating = asset.dc_capacity_kw if asset.kind == "pv" else asset.rating_kw
        by_kind[asset.kind][0] += float(energy.sel(asset=asset.name))
        by_kind[asset.kind][1] += rating
    load = year["load"]
    load_factor = defaultdict(list)
    for participant in park.participants:
        if participant.industry:
            series = load.sel(participant=participant.name)
            load_factor[participant.industry].append(float(series.mean() / series.max()))
    figures = {
        "year": args.year,
        "kind": year.attrs["kind"],
        "seconds_for_the_year": round(seconds, 2),
        "pv_specific_yield_kwh_per_kwp": round(by_kind["pv"][0] / by_kind["pv"][1], 0),
        "orc_full_load_hours_h": round(by_kind["orc"][0] / by_kind["orc"][1], 0),
        "wind_capacity_factor": round(by_kind["wind"][0] / (by_kind["wind"][1] * hours), 3),
        "load_factor_by_industry": {k: round(sum(v) / len(v), 2) for k, v in sorted(load_factor.items())},
        "park_load_gwh": round(float(load.sum()) / 1e6, 1),
    }
    for key, value in figures.items():
        print(f"{key:34s} {value}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
