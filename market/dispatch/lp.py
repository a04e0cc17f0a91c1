"""The dispatch LP in matrix form, and the numbers a window changes in it.

A Pyomo model is compiled once to matrix form with Pyomo's own
``LinearStandardFormCompiler`` (vectorised, no LP file) in *mixed form*:
every row keeps its orientation, an equality has both bounds at its
right-hand side, ``body <= ub`` only an upper bound, ``lb <= body`` only a
lower bound. :class:`CompiledLp` keeps the compiled vectors and finds the
LP positions of Pyomo components; :class:`WindowVectors` is one window's
copy of those vectors, changed through methods that speak the components'
own terms (``set_upper(model.generation, available_kwh)``), so each
component file states its own per-window update
(:mod:`market.dispatch.components`) and no caller handles positions or the
compiler's conventions.

Positions are laid out like the data arrays: a component indexed
``[entity, step]`` maps to a ``(step, entity)`` array, one indexed by a
single set to a 1-D array; a variable or row absent from the LP (not
created, or eliminated by the compiler because nothing refers to it) has
position -1 and is skipped.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import highspy
import numpy as np
import pyomo.environ as pyo
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

INF = highspy.kHighsInf

#: Row multipliers of the compiler's mixed form.
EQUALITY, UPPER_BOUND, LOWER_BOUND = 0, 1, -1


def _layout(component, index_of: dict, shape: tuple[int, ...]) -> np.ndarray:
    """LP positions of an indexed component, laid out (time, entity) like the data arrays."""
    out = np.full(shape, -1, dtype=np.int64)
    for index, item in component.items():
        position = index_of.get(id(item), -1)
        if isinstance(index, tuple):
            out[index[1], index[0]] = position
        else:
            out[index] = position
    return out


class CompiledLp:
    """A Pyomo LP compiled to matrix form once.

    Parameters
    ----------
    model : pyomo.environ.ConcreteModel
        A linear model with one objective.

    Attributes
    ----------
    columns : list
        Pyomo variables in column order.
    rows : list of (ConstraintData, int)
        Pyomo constraint and mixed-form multiplier of each row.
    cost, col_lower, col_upper, row_lower, row_upper : numpy.ndarray
        The compiled vectors (objective [KRW per unit], bounds).
    a_start, a_index, a_value : numpy.ndarray
        The constraint matrix, column-wise.
    offset : float
        Objective constant [KRW].
    """

    def __init__(self, model: pyo.ConcreteModel) -> None:
        repn = LinearStandardFormCompiler().write(model, mixed_form=True, set_sense=None)
        self.columns = list(repn.columns)
        self.rows = list(repn.rows)
        matrix = repn.A.tocsc()
        self.shape = matrix.shape
        self.a_start = np.asarray(matrix.indptr, dtype=np.int64)
        self.a_index = np.asarray(matrix.indices, dtype=np.int64)
        self.a_value = np.asarray(matrix.data, dtype=float)
        multipliers = np.fromiter((multiplier for _, multiplier in self.rows), dtype=int, count=len(self.rows))
        rhs = np.asarray(repn.rhs, dtype=float)
        self.cost = repn.c.toarray().ravel().astype(float) if repn.c.shape[0] else np.zeros(matrix.shape[1])
        self.col_lower = np.array([v.lb if v.lb is not None else -INF for v in self.columns], dtype=float)
        self.col_upper = np.array([v.ub if v.ub is not None else INF for v in self.columns], dtype=float)
        self.row_lower = np.where(multipliers == UPPER_BOUND, -INF, rhs).astype(float)
        self.row_upper = np.where(multipliers == LOWER_BOUND, INF, rhs).astype(float)
        self.offset = float(repn.c_offset[0]) if len(repn.c_offset) else 0.0
        self.multipliers = multipliers
        self._layouts: dict[tuple, np.ndarray] = {}
        self._present: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
        self._entries: dict[tuple, np.ndarray] = {}
        self._memo: dict = {}

    @functools.cached_property
    def _column_of(self) -> dict[int, int]:
        return {id(v): j for j, v in enumerate(self.columns)}

    @functools.cached_property
    def _rows_of(self) -> dict[int, list[int]]:
        rows: dict[int, list[int]] = {}
        for row, (constraint, _multiplier) in enumerate(self.rows):
            rows.setdefault(id(constraint), []).append(row)
        return rows

    @property
    def empty(self) -> bool:
        """True when the model compiled to no rows and no columns."""
        return self.shape == (0, 0)

    # -- positions ------------------------------------------------------------------------------
    def column_positions(self, variable, shape: tuple[int, ...]) -> np.ndarray:
        """Column of every element of ``variable``, laid out in ``shape`` (-1: absent)."""
        key = ("col", id(variable), shape)
        if key not in self._layouts:
            self._layouts[key] = _layout(variable, self._column_of, shape)
        return self._layouts[key]

    def row_positions(self, constraint, shape: tuple[int, ...]) -> np.ndarray:
        """Row of every element of ``constraint``, laid out in ``shape`` (-1: absent).

        A constraint with two finite bounds compiles to two rows; those are
        not supported here (the dispatch writes none).
        """
        key = ("row", id(constraint), shape)
        if key not in self._layouts:
            index_of = {}
            for item in constraint.values():
                found = self._rows_of.get(id(item), [])
                if len(found) > 1:
                    raise ValueError(f"{item.name}: a ranged row has two LP rows; write it as two constraints")
                if found:
                    index_of[id(item)] = found[0]
            self._layouts[key] = _layout(constraint, index_of, shape)
        return self._layouts[key]

    def present_columns(self, variable, shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
        """(flat positions in a ``shape`` array, LP columns) of the elements of ``variable`` in the LP."""
        key = ("col", id(variable), shape)
        if key not in self._present:
            positions = self.column_positions(variable, shape).ravel()
            flat = np.flatnonzero(positions >= 0)
            self._present[key] = (flat, positions[flat])
        return self._present[key]

    def present_rows(self, constraint, shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
        """(flat positions in a ``shape`` array, LP rows) of the elements of ``constraint`` in the LP."""
        key = ("row", id(constraint), shape)
        if key not in self._present:
            positions = self.row_positions(constraint, shape).ravel()
            flat = np.flatnonzero(positions >= 0)
            self._present[key] = (flat, positions[flat])
        return self._present[key]

    def once(self, key, compute):
        """``compute()`` the first time ``key`` is asked for, its stored result afterwards.

        For what a component's update derives from the model alone (which
        elements a row holds), so that a window pays only for its numbers.
        """
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def rows_of(self, constraint_data) -> list[int]:
        """LP rows of one constraint element (none if trivial, two if ranged)."""
        return self._rows_of.get(id(constraint_data), [])

    def entry_positions(self, constraint_data, variables: list) -> np.ndarray:
        """Positions in :attr:`a_value` of the entries of one row for ``variables`` (-1: not in the row)."""
        key = (id(constraint_data), tuple(id(v) for v in variables))
        if key not in self._entries:
            (row,) = self.rows_of(constraint_data)
            positions = np.full(len(variables), -1, dtype=np.int64)
            for position, variable in enumerate(variables):
                column = self._column_of.get(id(variable))
                if column is None:
                    continue
                start, end = self.a_start[column], self.a_start[column + 1]
                found = np.flatnonzero(self.a_index[start:end] == row)
                if not len(found):  # the compiler drops zero coefficients: build the row with non-zero ones
                    raise ValueError(f"{constraint_data.name}: no coefficient of {variable.name} in the compiled row")
                positions[position] = start + found[0]
            self._entries[key] = positions
        return self._entries[key]

    # -- windows --------------------------------------------------------------------------------
    def window(self) -> WindowVectors:
        """A fresh copy of the compiled vectors, to be changed for one window."""
        return WindowVectors(self, self.cost.copy(), self.col_lower.copy(), self.col_upper.copy(),
                             self.row_lower.copy(), self.row_upper.copy(), self.a_value.copy())

    def highs_lp(self, vectors: WindowVectors | None = None) -> highspy.HighsLp:
        """The LP (with ``vectors``' numbers, else the compiled ones) as a ``highspy.HighsLp``."""
        vectors = vectors or self.window()
        lp = highspy.HighsLp()
        lp.num_col_ = self.shape[1]
        lp.num_row_ = self.shape[0]
        lp.col_cost_ = vectors.cost
        lp.col_lower_ = vectors.col_lower
        lp.col_upper_ = vectors.col_upper
        lp.row_lower_ = vectors.row_lower
        lp.row_upper_ = vectors.row_upper
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = self.a_start
        lp.a_matrix_.index_ = self.a_index
        lp.a_matrix_.value_ = vectors.a_value
        lp.offset_ = self.offset
        return lp


@dataclass
class WindowVectors:
    """One window's numbers of a :class:`CompiledLp`: costs, bounds, matrix values.

    Every setter takes a Pyomo component and an array laid out like the
    data (``(step, entity)`` for ``[entity, step]`` components); elements
    absent from the LP are skipped.
    """

    lp: CompiledLp
    cost: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    a_value: np.ndarray

    def _columns(self, variable, values) -> tuple[np.ndarray, np.ndarray]:
        values = np.asarray(values, dtype=float)
        flat, columns = self.lp.present_columns(variable, values.shape)
        return columns, values.ravel()[flat]

    def set_cost(self, variable, values) -> None:
        """Objective coefficient of each element of ``variable`` [KRW per unit]."""
        columns, values = self._columns(variable, values)
        self.cost[columns] = values

    def set_lower(self, variable, values) -> None:
        """Lower bound of each element of ``variable``."""
        columns, values = self._columns(variable, values)
        self.col_lower[columns] = values

    def set_upper(self, variable, values) -> None:
        """Upper bound of each element of ``variable`` (``numpy.inf``: none)."""
        columns, values = self._columns(variable, values)
        self.col_upper[columns] = values

    def set_rhs(self, constraint, values) -> None:
        """Constant side of each element of ``constraint``: both bounds of an equality, the finite one of an inequality.

        The constant side is what the compiler moves there: the bound less
        any constant in the body (write a constraint as ``linear terms
        (==, <=, >=) data`` and it is the data).
        """
        values = np.asarray(values, dtype=float)
        flat, rows = self.lp.present_rows(constraint, values.shape)
        values = values.ravel()[flat]
        multipliers = self.lp.multipliers[rows]
        lower = multipliers != UPPER_BOUND
        upper = multipliers != LOWER_BOUND
        self.row_lower[rows[lower]] = values[lower]
        self.row_upper[rows[upper]] = values[upper]

    def relax(self, constraint, relaxed) -> None:
        """Drop each element of ``constraint`` where ``relaxed`` is True (its row bounds nothing);
        elsewhere keep the compiled bounds."""
        relaxed = np.asarray(relaxed, dtype=bool)
        flat, rows = self.lp.present_rows(constraint, relaxed.shape)
        relaxed = relaxed.ravel()[flat]
        self.row_lower[rows] = np.where(relaxed, -INF, self.lp.row_lower[rows])
        self.row_upper[rows] = np.where(relaxed, INF, self.lp.row_upper[rows])

    def set_coefficients(self, constraint_data, variables: list, values) -> None:
        """Matrix coefficients of ``variables`` in the row of one constraint element.

        ``variables`` are Pyomo variable elements; those not in the row are skipped.
        """
        positions = self.lp.entry_positions(constraint_data, variables)
        present = positions >= 0
        self.a_value[positions[present]] = np.asarray(values, dtype=float)[present]

    def differences(self, other: WindowVectors, atol: float = 1e-9) -> list[str]:
        """Names of the vectors that differ from ``other``'s beyond ``atol`` (empty: the same LP)."""
        found = []
        for name in ("cost", "col_lower", "col_upper", "row_lower", "row_upper", "a_value"):
            mine, theirs = getattr(self, name), getattr(other, name)
            if mine.shape != theirs.shape or not np.allclose(mine, theirs, rtol=0, atol=atol):
                found.append(name)
        return found
