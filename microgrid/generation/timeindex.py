"""Time-index helpers shared by the generation and load models."""

from __future__ import annotations

import numpy as np
import pandas as pd


def interval_length(index: pd.DatetimeIndex) -> pd.Timedelta:
    """Fixed step of a time index of interval starts.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Interval-start timestamps; its ``freq`` is used when set, otherwise
        all steps must be equal.

    Returns
    -------
    pandas.Timedelta

    Raises
    ------
    ValueError
        When the steps differ, or the step cannot be known (a single stamp
        without ``freq``).
    """
    if index.freq is not None:
        return pd.Timedelta(index.freq)
    if len(index) < 2:
        raise ValueError("cannot infer the interval length of an index with fewer "
                         "than 2 timestamps and no freq; set index.freq")
    steps = np.unique(np.diff(index.asi8))
    if len(steps) != 1 or steps[0] <= 0:
        raise ValueError("time index must have one fixed, increasing step; found "
                         f"steps {[str(pd.Timedelta(int(s))) for s in steps[:5]]}")
    return pd.Timedelta(int(steps[0]))
