"""Solving a dispatch model with HiGHS.

The Pyomo model is compiled to matrix form with Pyomo's own
``LinearStandardFormCompiler`` (vectorised, no LP file) and handed to
highspy in one ``passModel`` call; primal values are loaded back into the
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
import numpy as np
import pyomo.environ as pyo
import pyomo.version
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

#: HiGHS options fixed for determinism and quiet runs.
HIGHS_OPTIONS = {"output_flag": False, "threads": 1, "random_seed": 0, "presolve": "on"}


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


def _highs_lp(repn) -> highspy.HighsLp:
    infinity = highspy.kHighsInf
    matrix = repn.A.tocsc()
    multipliers = np.fromiter((multiplier for _, multiplier in repn.rows), dtype=int, count=len(repn.rows))
    lp = highspy.HighsLp()
    lp.num_col_ = matrix.shape[1]
    lp.num_row_ = matrix.shape[0]
    lp.col_cost_ = repn.c.toarray().ravel() if repn.c.shape[0] else np.zeros(matrix.shape[1])
    lp.col_lower_ = np.array([v.lb if v.lb is not None else -infinity for v in repn.columns], dtype=float)
    lp.col_upper_ = np.array([v.ub if v.ub is not None else infinity for v in repn.columns], dtype=float)
    # Mixed form: multiplier 0 is an equality, +1 an upper bound, -1 a lower bound.
    lp.row_lower_ = np.where(multipliers == 1, -infinity, repn.rhs).astype(float)
    lp.row_upper_ = np.where(multipliers == -1, infinity, repn.rhs).astype(float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr
    lp.a_matrix_.index_ = matrix.indices
    lp.a_matrix_.value_ = matrix.data
    lp.offset_ = float(repn.c_offset[0]) if len(repn.c_offset) else 0.0
    return lp


def solve_model(model: pyo.ConcreteModel, *, with_duals: bool = True, time_limit_s: float | None = None) -> SolveOutcome:
    """Solve ``model`` with HiGHS and load the primal solution into it when optimal."""
    started = clock.perf_counter()
    repn = LinearStandardFormCompiler().write(model, mixed_form=True, set_sense=None)
    highs = highspy.Highs()
    for option, value in HIGHS_OPTIONS.items():
        highs.setOptionValue(option, value)
    if time_limit_s is not None:
        highs.setOptionValue("time_limit", float(time_limit_s))
    if repn.A.shape[0] == 0 and repn.A.shape[1] == 0:
        return SolveOutcome(True, "Optimal", 0.0, {}, 0.0, 0.0, _solver_name(highs))
    highs.passModel(_highs_lp(repn))
    highs.run()
    status = highs.getModelStatus()
    optimal = status == highspy.HighsModelStatus.kOptimal
    duals: dict = {}
    objective = None
    if optimal:
        solution = highs.getSolution()
        for variable, value in zip(repn.columns, solution.col_value):
            variable.set_value(value, skip_validation=True)
        if with_duals:
            for (constraint, _multiplier), dual in zip(repn.rows, solution.row_dual):
                duals[constraint] = duals.get(constraint, 0.0) + dual
        objective = float(highs.getInfo().objective_function_value)
    return SolveOutcome(
        optimal=optimal,
        status=highs.modelStatusToString(status),
        objective_krw=objective,
        duals=duals,
        wall_seconds=clock.perf_counter() - started,
        highs_seconds=float(highs.getRunTime()),
        solver=_solver_name(highs),
    )


def _solver_name(highs: highspy.Highs) -> str:
    return f"HiGHS {highs.version()} via Pyomo {pyomo.version.version}"
