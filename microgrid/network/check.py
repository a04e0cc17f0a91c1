"""AC check of a dispatch plan: one power flow per step, violations per element.

Each step of a dispatch result (energy per step -> mean power [kW]) is put
on the park's pandapower network: every participant's load at the load
power factor (lagging), every generator's delivered output at its kind's
power factor (unity by default), every storage's net charge. A Newton-Raphson
power flow then gives bus voltages [pu], cable and transformer loading [%]
and the transformer's flow [kW]; a violation is any bus outside the voltage
band, any cable or the transformer above ``max_loading_percent``, and
reverse flow (park -> KEPCO) above the transformer's ``export_limit_kw``.
A step whose power flow does not converge is a violation too, never a crash.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
import xarray as xr

from microgrid.network.model import ParkNetwork, build_network
from microgrid.network.powerflow import PowerFlowError, run_powerflow
from microgrid.park import Park

VIOLATION_COLUMNS = ["time", "element_type", "element", "feeder", "kind", "value", "limit", "unit", "excess"]


@dataclass(frozen=True)
class Violation:
    """One limit broken in one step.

    Attributes
    ----------
    time : pandas.Timestamp
        Interval start (tz-aware).
    element_type : str
        ``bus``, ``line``, ``transformer`` or ``network``.
    element : str
        Bus, cable section or transformer name.
    feeder : str or None
        Feeder of the element (None for the main bus and the transformer).
    kind : str
        ``voltage_low``, ``voltage_high``, ``line_overload``,
        ``transformer_overload``, ``reverse_flow`` or ``no_convergence``.
    value, limit : float
        Measured value and its limit, in ``unit`` ([pu], [%] or [kW]).
    unit : str
    excess : float
        How far past the limit, in ``unit`` (>= 0).
    """

    time: pd.Timestamp
    element_type: str
    element: str
    feeder: str | None
    kind: str
    value: float
    limit: float
    unit: str
    excess: float

    def describe(self) -> str:
        """One line: when, what, how much."""
        return (f"{self.time:%Y-%m-%d %H:%M} {self.kind} {self.element}: {self.value:.4g} {self.unit} "
                f"(limit {self.limit:.4g} {self.unit})")


@dataclass
class ValidationReport:
    """Result of the AC check of a plan.

    Attributes
    ----------
    violations : list of Violation
    results : xarray.Dataset
        ``vm_pu`` (time, bus) [pu], ``line_loading`` (time, line) [%],
        ``feeder_p_kw`` / ``feeder_q_kvar`` (time, feeder) at the main bus [kW]/[kvar],
        ``feeder_loading`` (time, feeder) worst section [%], ``transformer_loading`` [%],
        ``transformer_p_kw`` / ``transformer_q_kvar`` (KEPCO -> park) [kW]/[kvar],
        ``losses_kw`` [kW], ``converged`` (time).
    """

    violations: list[Violation] = field(default_factory=list)
    results: xr.Dataset | None = None

    @property
    def clean(self) -> bool:
        """True when no step breaks any limit."""
        return not self.violations

    def frame(self) -> pd.DataFrame:
        """Violations as a table, one row per step and element (columns ``VIOLATION_COLUMNS``)."""
        if not self.violations:
            return pd.DataFrame(columns=VIOLATION_COLUMNS)
        return pd.DataFrame([asdict(v) for v in self.violations], columns=VIOLATION_COLUMNS)


def _tan(power_factor: float) -> float:
    return math.tan(math.acos(min(max(power_factor, 0.0), 1.0)))


def set_step(grid: ParkNetwork, dataset: xr.Dataset, step: int) -> None:
    """Put step ``step`` of a dispatch result on the network (powers [MW], [Mvar])."""
    net, electrical = grid.net, grid.electrical
    hours = float(dataset.attrs.get("step_hours", 1.0))
    load_tan = _tan(electrical.load_power_factor)
    load = dataset["load"].isel(time=step)
    for name, index in grid.load_of.items():
        p_mw = float(load.sel(participant=name)) / hours / 1000.0
        net.load.at[index, "p_mw"] = p_mw
        net.load.at[index, "q_mvar"] = p_mw * load_tan
    generation = dataset["asset_generation"].isel(time=step)
    kinds = net.sgen["type"]
    for name, index in grid.sgen_of.items():
        p_mw = float(generation.sel(asset=name)) / hours / 1000.0
        net.sgen.at[index, "p_mw"] = p_mw
        net.sgen.at[index, "q_mvar"] = p_mw * _tan(electrical.generator_power_factor.get(kinds.at[index], 1.0))
    if grid.storage_of:
        charge = dataset["charge"].isel(time=step)
        discharge = dataset["discharge"].isel(time=step)
        storage_tan = _tan(electrical.storage_power_factor)
        for name, index in grid.storage_of.items():
            p_mw = float(charge.sel(storage=name) - discharge.sel(storage=name)) / hours / 1000.0
            net.storage.at[index, "p_mw"] = p_mw
            net.storage.at[index, "q_mvar"] = abs(p_mw) * storage_tan


def check_plan(park: Park, dataset: xr.Dataset, grid: ParkNetwork | None = None) -> ValidationReport:
    """Check every step of a dispatch result with an AC power flow.

    Parameters
    ----------
    park : Park
        With its electrical network (see :mod:`microgrid.network.electrical`).
    dataset : xarray.Dataset
        Dispatch result (README contract): ``load``, ``asset_generation``,
        ``charge``, ``discharge`` [kWh per step].
    grid : ParkNetwork, optional
        A network built by :func:`build_network` (built here when None).

    Returns
    -------
    ValidationReport
    """
    grid = grid or build_network(park)
    net, electrical = grid.net, grid.electrical
    time = pd.DatetimeIndex(dataset.indexes["time"])
    bus_names = [str(name) for name in net.bus["name"]]
    line_names = [str(name) for name in net.line["name"]]
    feeders = list(grid.feeder_lines)
    steps = len(time)
    vm = np.full((steps, len(bus_names)), np.nan)
    line_loading = np.full((steps, len(line_names)), np.nan)
    feeder_p = np.full((steps, len(feeders)), np.nan)
    feeder_q = np.full((steps, len(feeders)), np.nan)
    trafo_loading, trafo_p, trafo_q, losses = (np.full(steps, np.nan) for _ in range(4))
    converged = np.zeros(steps, dtype=bool)
    violations: list[Violation] = []
    transformer = park.network.transformer
    line_feeder = {line: feeder for feeder, lines in grid.feeder_lines.items() for line in lines}
    for step, start in enumerate(time):
        set_step(grid, dataset, step)
        try:
            result = run_powerflow(net, name=f"{park.name} {start:%Y-%m-%d %H:%M}")
        except PowerFlowError as error:
            violations.append(Violation(start, "network", transformer.name, None, "no_convergence",
                                        float("nan"), float("nan"), "", float("nan")))
            del error
            continue
        converged[step] = True
        vm[step] = result.bus["vm_pu"].values
        line_loading[step] = result.line["loading_percent"].values
        for position, feeder in enumerate(feeders):
            first = grid.feeder_lines[feeder][0]
            feeder_p[step, position] = result.line.at[first, "p_from_mw"] * 1000.0
            feeder_q[step, position] = result.line.at[first, "q_from_mvar"] * 1000.0
        trafo_loading[step] = result.trafo.at[grid.trafo, "loading_percent"]
        trafo_p[step] = result.trafo.at[grid.trafo, "p_hv_mw"] * 1000.0
        trafo_q[step] = result.trafo.at[grid.trafo, "q_hv_mvar"] * 1000.0
        losses[step] = result.losses_mw * 1000.0
        for bus, value in zip(net.bus.index, vm[step]):
            if bus == grid.hv_bus:
                continue
            for kind, limit, broken in (("voltage_low", electrical.vm_min_pu, value < electrical.vm_min_pu),
                                        ("voltage_high", electrical.vm_max_pu, value > electrical.vm_max_pu)):
                if broken:
                    violations.append(Violation(start, "bus", bus_names[bus], grid.bus_feeder.get(int(bus)), kind,
                                                float(value), limit, "pu", abs(float(value) - limit)))
        for line, value in zip(net.line.index, line_loading[step]):
            if value > electrical.max_loading_percent:
                violations.append(Violation(start, "line", line_names[line], line_feeder.get(int(line)),
                                            "line_overload", float(value), electrical.max_loading_percent, "%",
                                            float(value) - electrical.max_loading_percent))
        if trafo_loading[step] > electrical.max_loading_percent:
            violations.append(Violation(start, "transformer", transformer.name, None, "transformer_overload",
                                        float(trafo_loading[step]), electrical.max_loading_percent, "%",
                                        float(trafo_loading[step]) - electrical.max_loading_percent))
        if -trafo_p[step] > transformer.export_limit_kw + 1e-6:
            violations.append(Violation(start, "transformer", transformer.name, None, "reverse_flow",
                                        float(-trafo_p[step]), transformer.export_limit_kw, "kW",
                                        float(-trafo_p[step]) - transformer.export_limit_kw))
    feeder_loading = np.stack(
        [np.nanmax(line_loading[:, grid.feeder_lines[f]], axis=1) if converged.any() else np.full(steps, np.nan)
         for f in feeders], axis=1) if feeders else np.zeros((steps, 0))
    results = xr.Dataset(
        data_vars={
            "vm_pu": (("time", "bus"), vm, {"units": "pu"}),
            "line_loading": (("time", "line"), line_loading, {"units": "%"}),
            "feeder_p_kw": (("time", "feeder"), feeder_p, {"units": "kW", "long_name": "main bus -> feeder"}),
            "feeder_q_kvar": (("time", "feeder"), feeder_q, {"units": "kvar"}),
            "feeder_loading": (("time", "feeder"), feeder_loading, {"units": "%", "long_name": "worst section"}),
            "transformer_loading": (("time",), trafo_loading, {"units": "%"}),
            "transformer_p_kw": (("time",), trafo_p, {"units": "kW", "long_name": "KEPCO -> park"}),
            "transformer_q_kvar": (("time",), trafo_q, {"units": "kvar"}),
            "losses_kw": (("time",), losses, {"units": "kW"}),
            "converged": (("time",), converged),
        },
        coords={"time": time, "bus": bus_names, "line": line_names, "feeder": feeders},
        attrs={"park": park.name, "vm_min_pu": electrical.vm_min_pu, "vm_max_pu": electrical.vm_max_pu,
               "max_loading_percent": electrical.max_loading_percent},
    )
    return ValidationReport(violations, results)
