"""Explaining a day that cannot be balanced within the park's limits.

When the strict model is infeasible, the same day is solved again with a
penalised slack on every network limit (the *elastic* model). The slack
that remains says which limit, in which step, is short and by how much:
the energy manager gets "transformer_import TR-1 at 2026-07-01T14:00+09:00
short by 1,250 kW", not "infeasible".
"""

from __future__ import annotations

from dataclasses import dataclass

from market.dispatch.inputs import DispatchData
from market.dispatch.model import create_model
from market.dispatch.solve import solve_model

#: Slack below this is solver noise [kWh].
SLACK_TOLERANCE_KWH = 1e-4


@dataclass(frozen=True)
class LimitViolation:
    """A limit that no dispatch can respect.

    Attributes
    ----------
    limit : str
        ``feeder_forward``, ``feeder_reverse``, ``transformer_import`` or ``transformer_export``.
    element : str
        Feeder or transformer name.
    time : str
        Interval start, ISO 8601.
    limit_kw : float
        The limit [kW].
    excess_kw : float
        By how much the least-violating dispatch exceeds it [kW].
    """

    limit: str
    element: str
    time: str
    limit_kw: float
    excess_kw: float

    def describe(self) -> str:
        return (
            f"{self.limit} limit of {self.element} ({self.limit_kw:,.0f} kW) at {self.time} "
            f"exceeded by {self.excess_kw:,.1f} kW"
        )


def explain_infeasibility(data: DispatchData) -> list[LimitViolation]:
    """Solve the elastic model and list the limits it had to exceed, by step."""
    model = create_model(data, elastic=True)
    outcome = solve_model(model, with_duals=False)
    if not outcome.optimal:
        return []
    hours = data.step_hours
    network = data.park.network
    violations = []
    for step, start in enumerate(data.time):
        stamp = start.isoformat()
        for position, feeder in enumerate(network.feeders):
            for limit, slack, value in (
                ("feeder_forward", model.feeder_forward_slack[position, step].value, feeder.forward_limit_kw),
                ("feeder_reverse", model.feeder_backward_slack[position, step].value, feeder.backward_limit_kw),
            ):
                if slack and slack > SLACK_TOLERANCE_KWH:
                    violations.append(LimitViolation(limit, feeder.name, stamp, value, slack / hours))
        for limit, slack, value in (
            ("transformer_import", model.transformer_import_slack[step].value, network.transformer.import_limit_kw),
            ("transformer_export", model.transformer_export_slack[step].value, network.transformer.export_limit_kw),
        ):
            if slack and slack > SLACK_TOLERANCE_KWH:
                violations.append(LimitViolation(limit, network.transformer.name, stamp, value, slack / hours))
    return violations
