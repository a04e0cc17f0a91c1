"""Validate a dispatch in AC and tighten the LP's limits until the plan is clean.

The dispatch LP holds feeder and transformer flows within kW limits; the AC
power flow adds what the LP does not see (reactive power, losses, voltage).
When a step breaks a limit in AC, the limit of the element concerned is
lowered in a copy of the park (the LP builders are untouched: a feeder-limit
override is a new park with other kW limits) and the day is re-solved, for
at most ``max_rounds`` rounds:

* cable overload on feeder f: f's limit in the direction of the LP flow
  becomes ``|flow| x max_loading / loading x (1 - margin)``;
* transformer overload: the import (or export) limit, likewise;
* reverse flow above the permitted limit: the export limit is lowered by
  the excess plus ``margin`` of the limit;
* voltage out of band at a feeder bus: that feeder's limit in the direction
  of its flow is lowered by ``voltage_step`` (voltage is not linear in kW;
  a fixed step is the simplest sound rule); at the main bus, the transformer's.

The lowest new limit over the steps is kept (a limit is one figure for the
day). The physical check always uses the original park's limits.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from market.dispatch.inputs import DispatchInputs
from market.dispatch.results import DispatchResult
from market.dispatch.run import run_dispatch
from microgrid.errors import DispatchInfeasibleError
from microgrid.network.check import ValidationReport, Violation, check_plan
from microgrid.network.model import build_network
from microgrid.park import Park

#: Share of a limit taken off beyond the overshoot [-].
DEFAULT_MARGIN = 0.02
#: Share of a feeder's limit taken off per round for a voltage violation [-].
DEFAULT_VOLTAGE_STEP = 0.05
#: Largest number of re-solves.
DEFAULT_MAX_ROUNDS = 5
#: Smallest limit the tightening sets [kW] (the park schema needs limits > 0).
FLOOR_KW = 1.0


@dataclass(frozen=True)
class LimitOverride:
    """A kW limit lowered by the tightening.

    Attributes
    ----------
    round : int
        Round (1-based) that set it.
    element : str
        Feeder or transformer name.
    limit : str
        ``feeder_forward``, ``feeder_reverse``, ``transformer_import`` or ``transformer_export``.
    old_kw, new_kw : float
        [kW]
    reason : str
        The violation behind it (one line).
    """

    round: int
    element: str
    limit: str
    old_kw: float
    new_kw: float
    reason: str


@dataclass
class TighteningOutcome:
    """The last plan, its AC check and what the loop did.

    Attributes
    ----------
    result : DispatchResult
        The last feasible plan.
    report : ValidationReport
        Its AC check.
    rounds : int
        Re-solves done (0: the first plan was clean or tightening was off).
    clean : bool
    overrides : list of LimitOverride
    park : Park
        The park with the tightened limits.
    message : str
        One line saying how it ended.
    """

    result: DispatchResult
    report: ValidationReport
    rounds: int
    clean: bool
    overrides: list[LimitOverride] = field(default_factory=list)
    park: Park | None = None
    message: str = ""


def _limits(park: Park) -> dict[tuple[str, str], float]:
    limits = {}
    for feeder in park.network.feeders:
        limits[(feeder.name, "feeder_forward")] = feeder.forward_limit_kw
        limits[(feeder.name, "feeder_reverse")] = feeder.backward_limit_kw
    transformer = park.network.transformer
    limits[(transformer.name, "transformer_import")] = transformer.import_limit_kw
    limits[(transformer.name, "transformer_export")] = transformer.export_limit_kw
    return limits


def with_limits(park: Park, limits: dict[tuple[str, str], float]) -> Park:
    """A copy of ``park`` with other kW limits (keys: (element, limit kind))."""
    feeders = [feeder.model_copy(update={"limit_kw": limits[(feeder.name, "feeder_forward")],
                                         "reverse_limit_kw": limits[(feeder.name, "feeder_reverse")]})
               for feeder in park.network.feeders]
    transformer = park.network.transformer
    transformer = transformer.model_copy(update={
        "import_limit_kw": limits[(transformer.name, "transformer_import")],
        "export_limit_kw": limits[(transformer.name, "transformer_export")]})
    network = park.network.model_copy(update={"feeders": feeders, "transformer": transformer})
    return park.model_copy(update={"network": network})


def _proposal(violation: Violation, dataset, park: Park, limits, margin: float,
              voltage_step: float) -> tuple[tuple[str, str], float] | None:
    hours = float(dataset.attrs.get("step_hours", 1.0))
    transformer = park.network.transformer.name
    if violation.kind == "no_convergence":
        return None
    if violation.feeder is not None:
        flow = float(dataset["feeder_flow"].sel(time=violation.time, feeder=violation.feeder)) / hours
        key = (violation.feeder, "feeder_forward" if flow >= 0 else "feeder_reverse")
    else:
        flow = float(dataset["transformer_flow"].sel(time=violation.time)) / hours
        key = (transformer, "transformer_import" if flow >= 0 else "transformer_export")
    if violation.kind in ("line_overload", "transformer_overload"):
        new = abs(flow) * violation.limit / violation.value * (1 - margin)
    elif violation.kind == "reverse_flow":
        key = (transformer, "transformer_export")
        new = min(abs(flow), limits[key]) - violation.excess - margin * park.network.transformer.export_limit_kw
    else:  # voltage
        new = min(abs(flow), limits[key]) * (1 - voltage_step)
    return key, max(new, FLOOR_KW)


def validate_and_tighten(park: Park, inputs: DispatchInputs, *, tighten: bool = True,
                         max_rounds: int = DEFAULT_MAX_ROUNDS, margin: float = DEFAULT_MARGIN,
                         voltage_step: float = DEFAULT_VOLTAGE_STEP, pricing_rule: str | None = None,
                         first: DispatchResult | None = None) -> TighteningOutcome:
    """Dispatch, check in AC, and (optionally) tighten and re-solve until clean.

    Parameters
    ----------
    park : Park
        With its electrical network.
    inputs : DispatchInputs
    tighten : bool
        False: check the first plan only.
    max_rounds : int
        Largest number of re-solves.
    margin, voltage_step : float
        See the module docstring [-].
    pricing_rule : str, optional
    first : DispatchResult, optional
        An existing plan to start from (e.g. read from disk).

    Returns
    -------
    TighteningOutcome
    """
    grid = build_network(park)
    result = first or run_dispatch(park, inputs, pricing_rule=pricing_rule)
    report = check_plan(park, result.dataset, grid)
    limits = _limits(park)
    overrides: list[LimitOverride] = []
    current = park
    rounds = 0
    message = "plan is clean in AC" if report.clean else f"{len(report.violations)} AC violations"
    while tighten and not report.clean and rounds < max_rounds:
        proposals: dict[tuple[str, str], tuple[float, Violation]] = {}
        for violation in report.violations:
            proposal = _proposal(violation, result.dataset, park, limits, margin, voltage_step)
            if proposal is None:
                continue
            key, new = proposal
            if new < limits[key] - 1e-6 and (key not in proposals or new < proposals[key][0]):
                proposals[key] = (new, violation)
        if not proposals:
            message = f"{len(report.violations)} AC violations the kW limits cannot remove"
            break
        rounds += 1
        for key, (new, violation) in sorted(proposals.items()):
            overrides.append(LimitOverride(rounds, key[0], key[1], limits[key], new, violation.describe()))
            limits[key] = new
        current = with_limits(park, limits)
        try:
            candidate = run_dispatch(current, inputs, pricing_rule=pricing_rule)
        except DispatchInfeasibleError as error:
            message = f"tightening round {rounds} made the day infeasible: {error}"
            break
        result, report = candidate, check_plan(park, candidate.dataset, grid)
        message = (f"plan is clean in AC after {rounds} tightening round(s)" if report.clean
                   else f"{len(report.violations)} AC violations left after {rounds} round(s)")
    result.dataset.attrs["ac_validation"] = json.dumps({
        "clean": report.clean, "rounds": rounds, "violations": len(report.violations), "message": message,
        "overrides": [asdict(o) for o in overrides]}, default=str)
    return TighteningOutcome(result, report, rounds, report.clean, overrides, current, message)
