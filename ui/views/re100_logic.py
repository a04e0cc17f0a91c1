"""Pure helpers of the RE100 page (importable without running the page script)."""

from __future__ import annotations

import pandas as pd


def nothing_counts(frame: pd.DataFrame) -> bool:
    """True when no renewable energy counts toward RE100 in any month of ``frame``.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``DataAccess.re100_by_month`` rows with ``annual_match`` and ``hourly_match`` [fraction 0..1].
    """
    months = frame[frame["period"] != "ytd"]
    values = pd.concat([months["annual_match"], months["hourly_match"]]).astype(float).fillna(0.0)
    return bool((values.abs() < 1e-12).all())
