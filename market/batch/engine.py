"""A fast path for rolling dispatch: compile the day's LP once, re-solve per day.

``run_dispatch`` builds a Pyomo model for every window (about 0.1-0.2 s for
the demo park, most of it outside HiGHS). A rolling year solves 365 windows
that differ only in numbers: available generation (column bounds), loads
(right-hand sides of the participant and feeder balances), grid prices
(costs), the initial state of charge (right-hand sides) and two masks, the
steps in which a buyer may trade (``may_buy``) and the demand-charge hours.

:class:`CompiledDayEngine` builds the Pyomo model of the first day once with
both masks set everywhere (so every variable and row that any day needs
exists), compiles it once (:class:`market.dispatch.lp.CompiledLp`, as
:mod:`market.dispatch.solve` does), and for every day lets each component
write what the day changes (:func:`market.dispatch.model.update_model`: each
component file owns its own update beside its build): a buyer that may not
trade in a step gets an upper bound of 0 on ``bought``, a step out of the
demand-charge hours frees its ``peak_definition`` row. The engine itself
knows no component. The feasible set and the objective are therefore those
of ``run_dispatch`` for that day (tested: the day's vectors equal a fresh
compile of that day's model, and the optimal objectives agree). The solution is read from
HiGHS' vectors by the column and row positions found at compile time
(:meth:`CompiledDayEngine.solution_arrays`, tested equal to reading the
Pyomo model) and labelled by the same ``window_result`` as ``run_dispatch``,
so the day follows the README's Dataset contract. A rolling batch keeps the
days as arrays and builds one Dataset per checkpoint chunk (``assemble``):
per-day xarray objects were a third of a year's wall time.

Warm start and determinism: each day starts from the optimal basis of the
day before (HiGHS' simplex then needs few iterations). The solver is cleared
before every solve and given that basis explicitly, so a day's result depends
only on its inputs and the previous basis, which the batch checkpoints: a
resumed batch repeats an uninterrupted one exactly. Where several optima
exist, the vertex found may differ from a cold ``run_dispatch`` (same cost).
"""

from __future__ import annotations

import time as clock
from dataclasses import dataclass, replace

import highspy
import numpy as np

from market.dispatch.inputs import DispatchData, DispatchInputs, build_dispatch_data
from market.dispatch.lp import CompiledLp, WindowVectors
from market.dispatch.model import create_model, update_model
from market.dispatch.results import (
    DUAL_COMPONENTS,
    PRIMAL_COMPONENTS,
    DispatchResult,
    SolutionArrays,
    WindowResult,
    assemble,
    component_shape,
    window_result,
)
from market.dispatch.run import dispatch_data
from market.dispatch.solve import SolveOutcome, new_highs, solver_name
from microgrid.park import Park


@dataclass
class Basis:
    """A simplex basis as plain integer arrays (HiGHS ``HighsBasisStatus`` codes)."""

    col_status: np.ndarray
    row_status: np.ndarray


def template_data(data: DispatchData) -> DispatchData:
    """``data`` with every step open to trade, to the demand charge and to a REC: the model the engine compiles."""
    return replace(data, may_buy=np.ones_like(data.may_buy),
                   demand_charge_hours=np.ones_like(data.demand_charge_hours),
                   renewable_surplus_kwh=np.ones_like(data.renewable_surplus_kwh))


class CompiledDayEngine:
    """Persistent HiGHS model of one park's daily dispatch LP.

    Parameters
    ----------
    park : Park
    inputs : DispatchInputs
        A representative window (the first day); later windows must have
        the same length and step.
    pricing_rule : str, optional
        Overrides the park file's pricing rule.
    """

    def __init__(self, park: Park, inputs: DispatchInputs, *, pricing_rule: str | None = None) -> None:
        self.park = park
        self.rule = pricing_rule or park.market.pricing_rule
        data = build_dispatch_data(park, inputs, self.rule)
        template = template_data(data)
        self.model = model = create_model(template)
        self.compiled = compiled = CompiledLp(model)
        self.columns, self.rows = compiled.columns, compiled.rows
        self.lp = compiled.highs_lp()
        self.highs = new_highs()
        self.highs.passModel(self.lp)
        self.solver = solver_name(self.highs)
        self.steps = len(data.time)
        # Column positions of every variable the results read, laid out (time, entity) like the data.
        self.primal_positions = {
            name: compiled.column_positions(getattr(model, variable), component_shape(data, entities))
            for name, (variable, entities) in PRIMAL_COMPONENTS.items()}
        self.dual_positions = {}
        for name, (constraint_name, entities) in DUAL_COMPONENTS.items():
            shape = component_shape(data, entities)
            targets, rows = [], []
            for index, item in getattr(model, constraint_name).items():
                flat = np.ravel_multi_index((index[1], index[0]) if isinstance(index, tuple) else (index,), shape)
                for row in compiled.rows_of(item):
                    targets.append(flat)
                    rows.append(row)
            self.dual_positions[name] = (shape, np.array(targets, dtype=np.int64), np.array(rows, dtype=np.int64))
        self.last_build_seconds = self.last_solve_seconds = self.last_highs_seconds = 0.0
        self._check_update(template)
        self._basis: Basis | None = None
        self._highs_basis = None

    # -- the map from a day's data to the LP's vectors ------------------------------------------
    def window_vectors(self, data: DispatchData) -> WindowVectors:
        """The LP's numbers for the window ``data``: every component writes what the window changes."""
        vectors = self.compiled.window()
        update_model(vectors, self.model, data)
        return vectors

    def window_lp(self, data: DispatchData) -> highspy.HighsLp:
        """The LP of the window ``data``, ready for ``passModel`` (the engine's one LP object, refilled)."""
        vectors = self.window_vectors(data)
        lp = self.lp
        lp.col_cost_ = vectors.cost
        lp.col_lower_ = vectors.col_lower
        lp.col_upper_ = vectors.col_upper
        lp.row_lower_ = vectors.row_lower
        lp.row_upper_ = vectors.row_upper
        lp.a_matrix_.value_ = vectors.a_value
        return lp

    def _check_update(self, template: DispatchData) -> None:
        """The components' updates applied to the compiled window's own data must give back its LP."""
        differ = self.window_vectors(template).differences(self.compiled.window())
        if differ:
            raise RuntimeError(f"compiled dispatch LP: the components' updates change {differ} of the window "
                               "they were compiled from (a component's update does not match its build)")

    # -- solving --------------------------------------------------------------------------------
    def set_basis(self, basis: Basis | None) -> None:
        """Start the next solve from ``basis`` (None: a cold start with presolve)."""
        self._basis = basis
        self._highs_basis = None

    @property
    def basis(self) -> Basis | None:
        """The basis the next solve starts from, as plain arrays (for checkpoints)."""
        if self._basis is None and self._highs_basis is not None:
            found = self._highs_basis
            self._basis = Basis(np.array([int(v) for v in found.col_status], dtype=np.int8),
                                np.array([int(v) for v in found.row_status], dtype=np.int8))
        return self._basis

    def solve(self, inputs: DispatchInputs) -> DispatchResult:
        """Dispatch one window; falls back to :func:`market.dispatch.run.dispatch_data` (and its diagnosis) if not optimal."""
        window = self.solve_window(inputs)
        return DispatchResult(dataset=assemble([window]), binding_limits=window.binding_limits,
                              build_seconds=self.last_build_seconds, solve_seconds=self.last_solve_seconds,
                              highs_seconds=self.last_highs_seconds, window=window)

    def solve_window(self, inputs: DispatchInputs) -> WindowResult:
        """Dispatch one window and return it as labelled arrays (no Dataset: see :func:`assemble`)."""
        started = clock.perf_counter()
        return self.solve_data(build_dispatch_data(self.park, inputs, self.rule), started=started)

    def solve_data(self, data: DispatchData, *, started: float | None = None) -> WindowResult:
        """Dispatch one window given as :class:`DispatchData` (e.g. a day cut out of a year's data)."""
        started = clock.perf_counter() if started is None else started
        highs = self.highs
        # The whole LP is passed again each day (a few ms): the storage owners'
        # rows change coefficients, and a fresh hand-over keeps a day's result
        # independent of the solver's history, so a resumed batch repeats an
        # uninterrupted one exactly.
        highs.passModel(self.window_lp(data))
        if self._highs_basis is None and self._basis is not None:
            basis = highspy.HighsBasis()
            basis.col_status = [highspy.HighsBasisStatus(int(v)) for v in self._basis.col_status]
            basis.row_status = [highspy.HighsBasisStatus(int(v)) for v in self._basis.row_status]
            basis.valid = True
            self._highs_basis = basis
        if self._highs_basis is not None:
            highs.setBasis(self._highs_basis)
        self.last_build_seconds = clock.perf_counter() - started
        # getRunTime() is cumulative over the life of a persistent Highs object
        # (its run clock is never reset by passModel), so a day's HiGHS time is
        # the difference across this run, not the reading after it.
        highs_before = float(highs.getRunTime())
        highs.run()
        status = highs.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            self.set_basis(None)
            fallback = dispatch_data(data)  # the same window, billing floors included
            self.last_solve_seconds, self.last_highs_seconds = fallback.solve_seconds, fallback.highs_seconds
            return fallback.window
        solution = highs.getSolution()
        # Keep HiGHS' own basis object for the next day; plain arrays are made
        # only when a checkpoint asks for them (``basis``).
        self._highs_basis = highs.getBasis()
        self._basis = None
        self.last_solve_seconds = clock.perf_counter() - started - self.last_build_seconds
        self.last_highs_seconds = float(highs.getRunTime()) - highs_before
        outcome = SolveOutcome(
            optimal=True, status=highs.modelStatusToString(status),
            objective_krw=float(highs.getInfo().objective_function_value), duals={},
            wall_seconds=self.last_solve_seconds, highs_seconds=self.last_highs_seconds,
            solver=self.solver + " (compiled once, re-solved)",
        )
        arrays = self.solution_arrays(np.asarray(solution.col_value), np.asarray(solution.row_dual))
        return window_result(arrays, data, outcome, self.rule)

    def solution_arrays(self, col_value: np.ndarray, row_dual: np.ndarray) -> SolutionArrays:
        """The solver's vectors as :class:`SolutionArrays`, by the positions found at compile time.

        A variable absent from the LP reads 0 and a constraint's dual is the
        sum of its rows' duals, as :func:`market.dispatch.results.read_solution`
        reads them from the Pyomo model.
        """
        padded = np.append(col_value, 0.0)  # position -1 (absent) reads the appended 0
        primal = {name: padded[positions] for name, positions in self.primal_positions.items()}
        duals = {}
        for name, (shape, targets, rows) in self.dual_positions.items():
            flat = np.zeros(int(np.prod(shape)))
            np.add.at(flat, targets, row_dual[rows])
            duals[name] = flat.reshape(shape)
        return SolutionArrays(**primal, **duals)

