"""What one dispatch window needs from forecasting, as labelled arrays.

:class:`DispatchInputs` is the seam between forecasting and optimisation:
whatever produces tomorrow's profiles (simple profiles, weather-driven
forecasts, metered data) hands the optimiser available generation per
asset and load per participant, in kWh per step, on a tz-aware index of
interval starts. It lives here, below ``market``, so that the forecasts
(:mod:`microgrid.forecast`, :mod:`microgrid.park.synthetic`) can build it
without importing the optimiser; ``market.dispatch.inputs`` re-exports it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import xarray as xr

from microgrid.errors import EngineInputError


@dataclass(frozen=True)
class DispatchInputs:
    """Profiles for one dispatch window.

    Attributes
    ----------
    time : pandas.DatetimeIndex
        Interval starts, tz-aware, evenly spaced.
    available_generation : xarray.DataArray
        (time, asset) energy each generator could deliver [kWh per step].
    load : xarray.DataArray
        (time, participant) energy each participant consumes [kWh per step].
    initial_soc_kwh : dict
        Storage name -> state of charge at the window's start [kWh]; storage
        not listed starts at its ``initial_soc_fraction``.
    """

    time: pd.DatetimeIndex
    available_generation: xr.DataArray
    load: xr.DataArray
    initial_soc_kwh: dict[str, float] = field(default_factory=dict)

    @property
    def step_hours(self) -> float:
        """Length of one step [h]."""
        if len(self.time) < 2:
            raise EngineInputError("time: a dispatch window needs at least two steps")
        return (self.time[1] - self.time[0]) / pd.Timedelta(hours=1)
