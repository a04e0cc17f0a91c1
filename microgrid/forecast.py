"""The seam where forecasts plug into the dispatch.

:func:`day_inputs` gives the dispatch one day's available generation per
asset and load per participant [kWh per step]. (Provisional: simple
documented shapes from :mod:`microgrid.park.synthetic` until the
weather-driven models are wired in.)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from microgrid.park import Park


def day_inputs(park: Park, day: dt.date, *, weather_file: str | Path | None = None, step_minutes: int = 60,
               initial_soc_kwh: dict[str, float] | None = None):
    """Dispatch inputs of ``day`` for ``park``.

    Returns
    -------
    market.dispatch.DispatchInputs
    """
    from microgrid.park.synthetic import synthetic_inputs

    inputs = synthetic_inputs(park, day.isoformat(), seed=day.toordinal(), step_minutes=step_minutes,
                              tz=park.park.timezone)
    if initial_soc_kwh:
        from dataclasses import replace

        inputs = replace(inputs, initial_soc_kwh=dict(initial_soc_kwh))
    return inputs
