"""A fast path for rolling dispatch: compile the day's LP once, re-solve per day.

``run_dispatch`` builds a Pyomo model for every window (about 0.1-0.2 s for
the demo park, most of it outside HiGHS). A rolling year solves 365 windows
that differ only in numbers: available generation (column bounds), loads
(right-hand sides of the participant and feeder balances), grid prices
(costs), the initial state of charge (right-hand sides) and two masks, the
steps in which a buyer may trade (``may_buy``) and the demand-charge hours.

:class:`CompiledDayEngine` builds the Pyomo model of the first day once with
both masks set everywhere (so every variable and row that any day needs
exists), compiles it with Pyomo's ``LinearStandardFormCompiler`` exactly as
:mod:`market.dispatch.solve` does, and for every day only changes costs,
column bounds and row bounds in a persistent ``highspy.Highs``: a buyer that
may not trade in a step gets an upper bound of 0 on ``bought``, a step out
of the demand-charge hours frees its ``peak_definition`` row. The feasible
set and the objective are therefore those of ``run_dispatch`` for that day
(tested on several days: same optimal objective). The solution is read from
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
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

from market.dispatch.components.ownership import owner_row, storage_owners
from market.dispatch.inputs import DispatchData, DispatchInputs, build_dispatch_data
from market.dispatch.model import create_model
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
from market.dispatch.run import run_dispatch
from market.dispatch.solve import HIGHS_OPTIONS, SolveOutcome, _highs_lp, _solver_name
from microgrid.park import Park

INF = highspy.kHighsInf

#: Constraint components whose per-day changes the engine knows how to apply
#: (right-hand sides, masks, and the storage owners' rows, whose price
#: coefficients are rewritten every day with ``changeCoeff``). A model with any other constraint (e.g.
#: one whose coefficients depend on the day's prices) is not supported:
#: :func:`supports` says so and the rolling run uses ``run_dispatch`` instead.
KNOWN_CONSTRAINTS = frozenset({
    "participant_balance", "seller_limit", "pool_balance", "feeder_definition", "transformer_definition",
    "peak_definition", "soc_dynamics", "terminal_soc", "storage_owner_rationality",
})


class UnsupportedModel(RuntimeError):
    """The dispatch model has constraints the compiled engine cannot update per day."""


def unknown_constraints(model) -> list[str]:
    """Names of constraint components outside :data:`KNOWN_CONSTRAINTS`."""
    import pyomo.environ as pyo

    return sorted(c.name for c in model.component_objects(pyo.Constraint, active=True)
                  if c.name not in KNOWN_CONSTRAINTS)


@dataclass
class Basis:
    """A simplex basis as plain integer arrays (HiGHS ``HighsBasisStatus`` codes)."""

    col_status: np.ndarray
    row_status: np.ndarray


def _positions(component, index_of: dict, shape: tuple[int, ...], *, row: bool = False) -> np.ndarray:
    """LP positions of an indexed Pyomo component, laid out (time, entity) like the data arrays."""
    out = np.full(shape, -1, dtype=np.int64)
    for index, item in component.items():
        position = index_of.get(id(item), -1)
        if isinstance(index, tuple):
            out[index[1], index[0]] = position
        else:
            out[index] = position
    return out


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
        template = replace(data, may_buy=np.ones_like(data.may_buy),
                           demand_charge_hours=np.ones_like(data.demand_charge_hours))
        self.model = model = create_model(template)
        unknown = unknown_constraints(model)
        if unknown:
            raise UnsupportedModel(f"compiled engine: constraints {unknown} change coefficients per day")
        repn = LinearStandardFormCompiler().write(model, mixed_form=True, set_sense=None)
        self.columns = list(repn.columns)
        self.rows = list(repn.rows)
        lp = _highs_lp(repn)
        self.highs = highspy.Highs()
        for option, value in HIGHS_OPTIONS.items():
            self.highs.setOptionValue(option, value)
        self.highs.passModel(lp)
        self.lp = lp
        self.solver = _solver_name(self.highs)
        matrix = repn.A.tocsc()
        self.a_start = np.asarray(matrix.indptr, dtype=np.int64)
        self.a_index = np.asarray(matrix.indices, dtype=np.int64)
        self.a_value = np.asarray(matrix.data, dtype=float)
        self.cost = np.array(lp.col_cost_, dtype=float)
        self.col_lower = np.array(lp.col_lower_, dtype=float)
        self.col_upper = np.array(lp.col_upper_, dtype=float)
        self.row_lower = np.array(lp.row_lower_, dtype=float)
        self.row_upper = np.array(lp.row_upper_, dtype=float)
        self.steps = len(data.time)
        col_of = {id(v): j for j, v in enumerate(self.columns)}
        row_of = {id(c): i for i, (c, _m) in enumerate(self.rows)}
        n_t, n_p = self.steps, len(data.participants)
        # Column positions of every variable the results read, laid out (time, entity) like the data.
        self.primal_positions = {name: _positions(getattr(model, variable), col_of, component_shape(data, entities))
                                 for name, (variable, entities) in PRIMAL_COMPONENTS.items()}
        self.generation = self.primal_positions["generation_by_asset"]
        self.grid_import = self.primal_positions["grid_import"]
        self.grid_export = self.primal_positions["grid_export"]
        self.bought = self.primal_positions["bought"]
        self.sold = self.primal_positions["sold"]
        self.balance = _positions(model.participant_balance, row_of, (n_t, n_p))
        self.feeder = _positions(model.feeder_definition, row_of, (n_t, len(data.feeders)))
        self.soc_first = _positions(model.soc_dynamics, row_of, (n_t, len(data.storages)))[0]
        self.terminal = _positions(model.terminal_soc, row_of, (len(data.storages),))
        self.peak = _positions(model.peak_definition, row_of, (n_t, n_p))
        self.owners = storage_owners(template)
        self.owner_rows = _positions(model.storage_owner_rationality, row_of, (n_p,))
        specs = park.assets_of_role("storage")
        self.cyclic = np.array([spec.terminal_soc_rule == "cyclic" for spec in specs], dtype=bool)
        self.owner_entries = self._owner_entries()
        self.dual_positions = {}
        rows_of_constraint: dict[int, list[int]] = {}
        for row, (constraint, _multiplier) in enumerate(self.rows):
            rows_of_constraint.setdefault(id(constraint), []).append(row)
        for name, (constraint_name, entities) in DUAL_COMPONENTS.items():
            shape = component_shape(data, entities)
            targets, rows = [], []
            for index, item in getattr(model, constraint_name).items():
                flat = np.ravel_multi_index((index[1], index[0]) if isinstance(index, tuple) else (index,), shape)
                for row in rows_of_constraint.get(id(item), []):
                    targets.append(flat)
                    rows.append(row)
            self.dual_positions[name] = (shape, np.array(targets, dtype=np.int64), np.array(rows, dtype=np.int64))
        self.last_build_seconds = self.last_solve_seconds = self.last_highs_seconds = 0.0
        self._check_conventions(template)
        self._basis: Basis | None = None
        self._highs_basis = None

    # -- the map from a day's data to the LP's vectors ------------------------------------------
    def _feeder_load(self, data: DispatchData) -> np.ndarray:
        load = np.zeros((self.steps, len(data.feeders)))
        for participant, feeder in enumerate(data.participant_feeder):
            load[:, feeder] += data.load_kwh[:, participant]
        return load

    def _vectors(self, data: DispatchData):
        cost, lower, upper = self.cost.copy(), self.col_lower.copy(), self.col_upper.copy()
        row_lower, row_upper = self.row_lower.copy(), self.row_upper.copy()
        mask = self.generation >= 0
        upper[self.generation[mask]] = data.available_kwh[mask]
        mask = self.grid_import >= 0
        cost[self.grid_import[mask]] = data.import_price[mask]
        mask = self.grid_export >= 0
        cost[self.grid_export[mask]] = -np.broadcast_to(data.export_price[:, None], self.grid_export.shape)[mask]
        mask = self.bought >= 0
        upper[self.bought[mask]] = np.where(data.may_buy[mask], self.col_upper[self.bought[mask]], 0.0)
        for rows, values in ((self.balance, data.load_kwh), (self.feeder, self._feeder_load(data))):
            mask = rows >= 0
            row_lower[rows[mask]] = values[mask]
            row_upper[rows[mask]] = values[mask]
        for storage, row in enumerate(self.soc_first):
            row_lower[row] = row_upper[row] = data.initial_soc_kwh[storage]
        for storage, row in enumerate(self.terminal):
            if row >= 0 and self.cyclic[storage]:
                bound = data.initial_soc_kwh[storage]
                if self.row_lower[row] > -INF:
                    row_lower[row] = bound
                else:
                    row_upper[row] = -bound
        mask = (self.peak >= 0) & ~data.demand_charge_hours
        row_lower[self.peak[mask]] = -INF
        row_upper[self.peak[mask]] = INF
        for owner in self.owners:
            row_upper[self.owner_rows[owner]] = owner_row(data, owner).bound_krw
        return cost, lower, upper, row_lower, row_upper

    def _entry(self, row: int, column: int) -> int:
        """Position of matrix entry (row, column) in the column-wise value array."""
        start, end = self.a_start[column], self.a_start[column + 1]
        found = np.flatnonzero(self.a_index[start:end] == row)
        if not len(found):
            raise RuntimeError(f"compiled dispatch LP: no entry at row {row}, column {column}")
        return int(start + found[0])

    def _owner_entries(self) -> dict[int, list[tuple[np.ndarray, np.ndarray, str]]]:
        entries = {}
        for owner in self.owners:
            row = int(self.owner_rows[owner])
            per_kind = []
            for kind, columns in (("grid_import", self.grid_import), ("sold", self.sold),
                                  ("grid_export", self.grid_export), ("bought", self.bought)):
                steps = np.flatnonzero(columns[:, owner] >= 0)
                positions = np.array([self._entry(row, int(columns[step, owner])) for step in steps], dtype=np.int64)
                per_kind.append((steps, positions, kind))
            entries[owner] = per_kind
        return entries

    def _matrix_values(self, data: DispatchData) -> np.ndarray:
        """The matrix values of the day: the storage owners' rows carry the day's prices."""
        values = self.a_value.copy()
        for owner, per_kind in self.owner_entries.items():
            coefficients = owner_row(data, owner)
            for steps, positions, kind in per_kind:
                values[positions] = getattr(coefficients, kind)[steps]
        return values

    def _check_conventions(self, template: DispatchData) -> None:
        """The compiled template must equal the map applied to its own data (signs, offsets)."""
        cost, lower, upper, row_lower, row_upper = self._vectors(template)
        for mine, theirs, what in ((cost, self.cost, "cost"), (upper, self.col_upper, "column bounds"),
                                   (row_lower, self.row_lower, "row lower bounds"),
                                   (row_upper, self.row_upper, "row upper bounds")):
            if not np.allclose(mine, theirs, rtol=0, atol=1e-9):
                raise RuntimeError(f"compiled dispatch LP: {what} do not follow the expected convention")

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
        """Dispatch one window; falls back to :func:`run_dispatch` (and its diagnosis) if not optimal."""
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
        cost, lower, upper, row_lower, row_upper = self._vectors(data)
        highs = self.highs
        # The whole LP is passed again each day (a few ms): the storage owners'
        # rows change coefficients, and a fresh hand-over keeps a day's result
        # independent of the solver's history, so a resumed batch repeats an
        # uninterrupted one exactly.
        lp = self.lp
        lp.col_cost_ = cost
        lp.col_lower_ = lower
        lp.col_upper_ = upper
        lp.row_lower_ = row_lower
        lp.row_upper_ = row_upper
        lp.a_matrix_.value_ = self._matrix_values(data)
        highs.passModel(lp)
        if self._highs_basis is None and self._basis is not None:
            basis = highspy.HighsBasis()
            basis.col_status = [highspy.HighsBasisStatus(int(v)) for v in self._basis.col_status]
            basis.row_status = [highspy.HighsBasisStatus(int(v)) for v in self._basis.row_status]
            basis.valid = True
            self._highs_basis = basis
        if self._highs_basis is not None:
            highs.setBasis(self._highs_basis)
        self.last_build_seconds = clock.perf_counter() - started
        highs.run()
        status = highs.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            self.set_basis(None)
            fallback = run_dispatch(self.park, _inputs_of(data), pricing_rule=self.rule)
            self.last_solve_seconds, self.last_highs_seconds = fallback.solve_seconds, fallback.highs_seconds
            return fallback.window
        solution = highs.getSolution()
        # Keep HiGHS' own basis object for the next day; plain arrays are made
        # only when a checkpoint asks for them (``basis``).
        self._highs_basis = highs.getBasis()
        self._basis = None
        self.last_solve_seconds = clock.perf_counter() - started - self.last_build_seconds
        self.last_highs_seconds = float(highs.getRunTime())
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


def _inputs_of(data: DispatchData) -> DispatchInputs:
    """The inputs a window's data came from (for :func:`run_dispatch` and its diagnosis)."""
    import xarray as xr

    return DispatchInputs(
        time=data.time,
        available_generation=xr.DataArray(data.available_kwh, coords={"time": data.time, "asset": data.generators},
                                          dims=("time", "asset")),
        load=xr.DataArray(data.load_kwh, coords={"time": data.time, "participant": data.participants},
                          dims=("time", "participant")),
        initial_soc_kwh=dict(zip(data.storages, data.initial_soc_kwh.tolist())),
    )
