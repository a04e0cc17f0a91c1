"""Plots of a batch (matplotlib, Agg backend, PNG), units on every axis."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import xarray as xr  # noqa: E402


def _save(figure, path: Path) -> Path:
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)
    return path


def monthly_balance(ds: xr.Dataset, path: Path) -> Path:
    """Monthly energy balance: load against generation delivered, import, export [MWh]."""
    index = pd.DatetimeIndex(ds.indexes["time"])
    frame = pd.DataFrame({
        "load": ds["load"].sum("participant").values,
        "generation delivered": ds["generation"].sum("participant").values,
        "grid import": ds["grid_import"].sum("participant").values,
        "grid export": ds["grid_export"].sum("participant").values,
    }, index=index.tz_localize(None)).resample("MS").sum() / 1000.0
    figure, axis = plt.subplots(figsize=(8, 4))
    months = frame.index.strftime("%Y-%m")
    x = np.arange(len(frame))
    axis.bar(x, frame["generation delivered"], label="on-site generation delivered")
    axis.bar(x, frame["grid import"], bottom=frame["generation delivered"], label="grid import")
    axis.bar(x, -frame["grid export"], label="grid export")
    axis.plot(x, frame["load"], "k.-", label="load")
    axis.set_xticks(x, months, rotation=45)
    axis.set_xlabel("month")
    axis.set_ylabel("energy [MWh]")
    axis.legend(fontsize=8)
    axis.set_title("Monthly energy balance")
    return _save(figure, path)


def load_duration(ds: xr.Dataset, path: Path) -> Path:
    """Load duration curves of the park's load and of its net grid import [kW]."""
    step = float(ds.attrs.get("step_hours", 1.0))
    load = np.sort(ds["load"].sum("participant").values / step)[::-1]
    net = np.sort(ds["transformer_flow"].values / step)[::-1]
    hours = np.arange(1, len(load) + 1) * step
    figure, axis = plt.subplots(figsize=(8, 4))
    axis.plot(hours, load, label="load")
    axis.plot(hours, net, label="net import from KEPCO")
    axis.set_xlabel("hours exceeded [h]")
    axis.set_ylabel("power [kW]")
    axis.legend()
    axis.set_title("Load duration curve")
    return _save(figure, path)


def heatmap(values: xr.DataArray, path: Path, title: str, unit: str) -> Path:
    """A (time) series as an hour-of-day x day heatmap."""
    index = pd.DatetimeIndex(values.indexes["time"]).tz_localize(None)
    series = pd.Series(values.values, index=index)
    table = series.groupby([series.index.hour, series.index.normalize()]).mean().unstack()
    figure, axis = plt.subplots(figsize=(9, 3.5))
    image = axis.imshow(table.values, aspect="auto", origin="lower", cmap="viridis",
                        extent=(0, table.shape[1], 0, 24))
    axis.set_xlabel(f"day [days from {table.columns[0]:%Y-%m-%d}]")
    axis.set_ylabel("hour of day [h]")
    axis.set_title(title)
    figure.colorbar(image, ax=axis, label=unit)
    return _save(figure, path)


def scenario_plots(ds: xr.Dataset, folder: Path, name: str) -> dict[str, Path]:
    """Every plot of one scenario, as PNGs in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    plots = {
        "Monthly energy balance": monthly_balance(ds, folder / f"{name}-monthly.png"),
        "Load duration curve": load_duration(ds, folder / f"{name}-duration.png"),
        "Clearing price by hour and day": heatmap(ds["clearing_price"].mean("feeder"), folder / f"{name}-price.png",
                                                  "Clearing price (mean over feeders)", "price [KRW/kWh]"),
    }
    if "soc" in ds and ds.sizes.get("storage", 0) and bool(np.isfinite(ds["soc"].values).any()):
        plots["State of charge by hour and day"] = heatmap(ds["soc"].sum("storage"), folder / f"{name}-soc.png",
                                                           "Battery state of charge (all storage)", "SOC [kWh]")
    return plots
