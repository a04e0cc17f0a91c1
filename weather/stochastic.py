"""Small stochastic building blocks for the weather generator and forecasts.

Pure functions on numpy arrays: AR(1) Gaussian processes, and smooth
seasonal curves whose monthly means hit given targets.
"""

import numpy as np
import pandas as pd


def ar1_process(count, persistence, generator, *, restart=None):
    """Stationary AR(1) series with unit variance.

    ``x[t] = persistence * x[t-1] + sqrt(1 - persistence**2) * e[t]`` with
    standard normal innovations ``e``; ``x[0]`` is drawn from the stationary
    distribution, as is every ``x[t]`` where ``restart[t]`` is True (the
    series forgets its past there, e.g. at a new forecast issue).

    Parameters
    ----------
    count : int
        Number of values.
    persistence : float
        Lag-1 autocorrelation, in [0, 1).
    generator : numpy.random.Generator
        Source of randomness.
    restart : numpy.ndarray of bool, optional
        Positions where the series restarts.

    Returns
    -------
    numpy.ndarray
        Standard normal marginals, lag-1 autocorrelation ``persistence``
        (within restart segments).
    """
    if not 0.0 <= persistence < 1.0:
        raise ValueError(f"persistence must be in [0, 1), got {persistence}")
    innovations = generator.standard_normal(count)
    if count == 0:
        return innovations
    scale = np.sqrt(1.0 - persistence ** 2)
    if restart is None:
        restart = np.zeros(count, dtype=bool)
    restart = np.asarray(restart, dtype=bool).copy()
    restart[0] = True
    forcing = (innovations * scale).tolist()
    starts = restart.tolist()
    values = innovations.tolist()
    series = [0.0] * count
    previous = 0.0
    for position in range(count):
        if starts[position]:
            previous = values[position]  # stationary start
        else:
            previous = persistence * previous + forcing[position]
        series[position] = previous
    return np.asarray(series)


def persistence_per_step(persistence_per_hour, step):
    """Convert an hourly lag-1 autocorrelation to another time step.

    Parameters
    ----------
    persistence_per_hour : float
        Lag-1 autocorrelation of hourly values.
    step : pandas.Timedelta
        Time step of the series.

    Returns
    -------
    float
        ``persistence_per_hour ** (step / 1 h)``.
    """
    hours = pd.Timedelta(step) / pd.Timedelta(hours=1)
    return float(persistence_per_hour ** hours)


def _month_nodes(index):
    """Fractional-year positions of mid-month nodes and of every timestamp."""
    local = index.tz_localize(None) if index.tz is not None else index
    year_start = pd.Timestamp(year=int(local[0].year), month=1, day=1)
    days = (local - year_start) / pd.Timedelta(days=1)
    node_days = []
    for month in range(1, 13):
        start = pd.Timestamp(year=year_start.year, month=month, day=1)
        end = start + pd.offsets.MonthBegin(1)
        node_days.append(((start - year_start) + (end - start) / 2) / pd.Timedelta(days=1))
    year_length = (pd.Timestamp(year=year_start.year + 1, month=1, day=1)
                   - year_start) / pd.Timedelta(days=1)
    return np.asarray(days, dtype=float), np.asarray(node_days), year_length


def monthly_hat_basis(index):
    """Periodic piecewise-linear 'hat' functions centred on mid-month.

    Column ``k`` is 1 at the middle of month ``k + 1``, falls linearly to 0 at
    the neighbouring mid-months, and wraps from December to January. Any
    continuous seasonal curve through mid-month values ``v`` is
    ``basis @ v``.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Timestamps within one calendar year (local time).

    Returns
    -------
    numpy.ndarray
        Shape ``(len(index), 12)``.
    """
    days, node_days, year_length = _month_nodes(index)
    extended_nodes = np.concatenate(([node_days[-1] - year_length], node_days,
                                     [node_days[0] + year_length]))
    basis = np.empty((len(days), 12))
    for month in range(12):
        weights = np.zeros(14)
        weights[month + 1] = 1.0
        if month == 11:
            weights[0] = 1.0
        if month == 0:
            weights[13] = 1.0
        basis[:, month] = np.interp(days, extended_nodes, weights)
    return basis


def match_monthly_means(index, targets, *, weights=None):
    """Smooth seasonal curve whose monthly means hit the targets.

    Finds the mid-month node values ``c`` of a periodic piecewise-linear
    curve ``f = basis @ c`` such that, for every month present in
    ``index``, ``mean(weights * f)`` over that month equals the target.
    With ``weights`` = 1 this is a continuous curve with the given monthly
    means (an additive correction); with ``weights`` = a positive series
    ``w`` it is a smooth multiplier that gives ``w * f`` the target means.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Timestamps within one calendar year (local time).
    targets : array-like of 12 float
        Target monthly means, Jan..Dec.
    weights : numpy.ndarray, optional
        Series multiplying the curve; ones when None.

    Returns
    -------
    numpy.ndarray
        The curve ``f`` at ``index``.
    """
    basis = monthly_hat_basis(index)
    if weights is not None:
        weighted = basis * np.asarray(weights, dtype=float)[:, None]
    else:
        weighted = basis
    months = np.asarray(index.month) - 1
    targets = np.asarray(targets, dtype=float)
    present = np.unique(months)
    system = np.vstack([weighted[months == month].mean(axis=0) for month in present])
    node_values, *_ = np.linalg.lstsq(system, targets[present], rcond=None)
    return basis @ node_values
