"""One dispatch window, end to end: data, model, solve, results."""

from __future__ import annotations

import time as clock

from market.dispatch.diagnose import explain_infeasibility
from market.dispatch.inputs import DispatchData, DispatchInputs, MonthlyPeaks, build_dispatch_data
from market.dispatch.model import create_model
from market.dispatch.results import DispatchResult, assemble, read_solution, window_result
from market.dispatch.solve import solve_model
from microgrid.errors import DispatchInfeasibleError
from microgrid.park import Park

#: How many violations an infeasibility message lists before "and N more".
VIOLATIONS_IN_MESSAGE = 3


def run_dispatch(park: Park, inputs: DispatchInputs, *, pricing_rule: str | None = None,
                 orders=None, monthly_peak_kw: MonthlyPeaks | None = None) -> DispatchResult:
    """Clear one window of direct trades and dispatch every asset.

    Parameters
    ----------
    park : Park
    inputs : DispatchInputs
        Available generation and load of the window [kWh per step].
    pricing_rule : str, optional
        Overrides the park file's ``market.pricing_rule``.
    orders : market.orders.schema.OrderBook, optional
        The day's order book (:func:`market.orders.read_orders`), cleared in the same LP;
        without it every tenant keeps the default behaviour.
    monthly_peak_kw : mapping, optional
        Participant -> ``"YYYY-MM"`` -> peak demand [kW] of the days before
        (from the ledger, or carried by a batch): the billing floors of the
        demand charge (:func:`market.dispatch.inputs.billing_floors_kw`);
        without it the park file's ``billing_demand_kw``.

    Returns
    -------
    DispatchResult

    Raises
    ------
    DispatchInfeasibleError
        When no dispatch respects the network limits; the message and
        ``violations`` say which limit, which step and by how much.
    """
    rule = pricing_rule or park.market.pricing_rule
    started = clock.perf_counter()
    return dispatch_data(build_dispatch_data(park, inputs, rule, monthly_peak_kw, orders=orders), started=started)


def dispatch_data(data: DispatchData, *, started: float | None = None) -> DispatchResult:
    """:func:`run_dispatch` of a window given as :class:`DispatchData` (its floors, prices and masks as they are)."""
    started = clock.perf_counter() if started is None else started
    rule = data.pricing_rule
    model = create_model(data)
    build_seconds = clock.perf_counter() - started
    outcome = solve_model(model)
    if not outcome.optimal:
        violations = explain_infeasibility(data)
        if violations:
            listed = "; ".join(v.describe() for v in violations[:VIOLATIONS_IN_MESSAGE])
            more = len(violations) - VIOLATIONS_IN_MESSAGE
            suffix = f"; and {more} more" if more > 0 else ""
            message = f"dispatch of {data.time[0]:%Y-%m-%d} cannot be balanced: {listed}{suffix}"
        else:
            message = f"dispatch of {data.time[0]:%Y-%m-%d} failed: solver status {outcome.status}"
        raise DispatchInfeasibleError(message, violations)
    window = window_result(read_solution(model, data, outcome), data, outcome, rule)
    return DispatchResult(
        dataset=assemble([window]),
        binding_limits=window.binding_limits,
        window=window,
        build_seconds=build_seconds,
        solve_seconds=outcome.wall_seconds,
        highs_seconds=outcome.highs_seconds,
    )
