"""Solving a dispatch model with HiGHS.

The Pyomo model is compiled to matrix form (:class:`market.dispatch.lp.CompiledLp`,
Pyomo's own ``LinearStandardFormCompiler``: vectorised, no LP file) and
handed to highspy in one ``passModel`` call; primal values are loaded back into the
Pyomo variables and row duals mapped back to Pyomo constraints. For parks of
hundreds of tenants this costs about a third of Pyomo's persistent ``highs``
interface, whose per-constraint hand-over dominated the solve (see
``benchmarks/``). HiGHS runs single-threaded with a fixed seed: the same
input gives the same output.
"""

from __future__ import annotations

import time as clock
from dataclasses import dataclass

import highspy
import pyomo.environ as pyo
import pyomo.version

from market.dispatch.lp import CompiledLp

#: HiGHS options fixed for determinism and quiet runs. Dual simplex with devex pricing
#: (``simplex_dual_edge_weight_strategy = 1``) instead of HiGHS' choice (dual steepest edge): the
#: same optimum (objectives within 3e-16 relative, identical pool duals on synthetic parks of 30 to
#: 1,000 tenants) for 5-9 % less CPU at 300 tenants and 15-29 % less at 1,000, where steepest edge's
#: extra solve per iteration grows with the LP's dense pool rows (``benchmarks/bench_highs_options.py``,
#: README "Speed").
HIGHS_OPTIONS = {"output_flag": False, "threads": 1, "random_seed": 0, "presolve": "on",
                 "simplex_dual_edge_weight_strategy": 1}

#: Overrides for an LP with an order book: HiGHS' own choice of pricing (-1). With order books the
#: products' duals are degenerate (a renewable-only bid's 300 KRW/kWh and the pool's SMP both
#: optimal duals at a step); devex lands on another vertex and the renewable clearing price of
#: ``tests/market/dispatch/test_orders.py`` drops from the bid to the pool's dual. Those LPs are
#: small (a book is per tenant, not per pair), so devex's saving does not matter there.
ORDER_BOOK_HIGHS_OPTIONS = {"simplex_dual_edge_weight_strategy": -1}


@dataclass(frozen=True)
class SolveOutcome:
    """What came back from the solver.

    Attributes
    ----------
    optimal : bool
    status : str
        HiGHS model status.
    objective_krw : float or None
        Objective value [KRW].
    duals : dict
        Pyomo ConstraintData -> dual value (d objective / d right-hand side) [KRW per unit].
    wall_seconds : float
        Time from model hand-over to loaded solution, HiGHS included [s].
    highs_seconds : float
        HiGHS' own run time [s].
    solver : str
        Solver name and version.
    """

    optimal: bool
    status: str
    objective_krw: float | None
    duals: dict
    wall_seconds: float
    highs_seconds: float
    solver: str


def new_highs(*, order_book: bool = False) -> highspy.Highs:
    """A HiGHS instance with :data:`HIGHS_OPTIONS` set (and :data:`ORDER_BOOK_HIGHS_OPTIONS` for an LP
    with an order book)."""
    highs = highspy.Highs()
    for option, value in {**HIGHS_OPTIONS, **(ORDER_BOOK_HIGHS_OPTIONS if order_book else {})}.items():
        highs.setOptionValue(option, value)
    return highs


def solve_model(model: pyo.ConcreteModel, *, with_duals: bool = True, time_limit_s: float | None = None,
                order_book: bool = False) -> SolveOutcome:
    """Solve ``model`` with HiGHS and load the primal solution into it when optimal
    (``order_book``: the LP clears an order book, see :data:`ORDER_BOOK_HIGHS_OPTIONS`)."""
    started = clock.perf_counter()
    compiled = CompiledLp(model)
    highs = new_highs(order_book=order_book)
    if time_limit_s is not None:
        highs.setOptionValue("time_limit", float(time_limit_s))
    if compiled.empty:
        return SolveOutcome(True, "Optimal", 0.0, {}, 0.0, 0.0, solver_name(highs))
    highs.passModel(compiled.highs_lp())
    highs.run()
    status = highs.getModelStatus()
    optimal = status == highspy.HighsModelStatus.kOptimal
    duals: dict = {}
    objective = None
    if optimal:
        solution = highs.getSolution()
        for variable, value in zip(compiled.columns, solution.col_value):
            variable.set_value(value, skip_validation=True)
        if with_duals:
            for (constraint, _multiplier), dual in zip(compiled.rows, solution.row_dual):
                duals[constraint] = duals.get(constraint, 0.0) + dual
        objective = float(highs.getInfo().objective_function_value)
    return SolveOutcome(
        optimal=optimal,
        status=highs.modelStatusToString(status),
        objective_krw=objective,
        duals=duals,
        wall_seconds=clock.perf_counter() - started,
        highs_seconds=float(highs.getRunTime()),
        solver=solver_name(highs),
    )


def solver_name(highs: highspy.Highs) -> str:
    return f"HiGHS {highs.version()} via Pyomo {pyomo.version.version}"
