"""AC power flow (pandapower Newton-Raphson) and its results as plain tables.

:func:`run_powerflow` wraps :func:`pandapower.runpp` for any pandapower net
(the tests compare it with ``pp.runpp`` on pandapower's example networks):
it never leaves a half-run net behind silently, and a case that does not
converge raises :class:`PowerFlowError` with one line.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from microgrid.errors import EngineInputError


class PowerFlowError(EngineInputError):
    """The AC power flow did not converge (one line: which case, which algorithm)."""


@dataclass(frozen=True)
class PowerFlowResult:
    """Results of one AC power flow, copies of pandapower's result tables.

    Attributes
    ----------
    bus : pandas.DataFrame
        ``vm_pu`` [pu], ``va_degree`` [deg], ``p_mw``, ``q_mvar`` per bus.
    line : pandas.DataFrame
        ``p_from_mw``, ``q_from_mvar``, ``i_ka`` [kA], ``loading_percent`` [%], ``pl_mw`` (losses).
    trafo : pandas.DataFrame
        ``p_hv_mw``, ``q_hv_mvar``, ``loading_percent`` [%], ``pl_mw``.
    ext_grid : pandas.DataFrame
        ``p_mw``, ``q_mvar`` drawn from the external grid.
    """

    bus: pd.DataFrame
    line: pd.DataFrame
    trafo: pd.DataFrame
    ext_grid: pd.DataFrame

    @property
    def losses_mw(self) -> float:
        """Active losses of lines and transformers [MW]."""
        line = float(self.line["pl_mw"].sum()) if "pl_mw" in self.line else 0.0
        trafo = float(self.trafo["pl_mw"].sum()) if "pl_mw" in self.trafo else 0.0
        return line + trafo


def run_powerflow(net, *, name: str = "network", **options) -> PowerFlowResult:
    """Run an AC power flow on ``net`` and return its result tables.

    Parameters
    ----------
    net : pandapowerNet
    name : str
        Names the case in the error message.
    **options
        Passed to :func:`pandapower.runpp` (its defaults otherwise; numba off
        unless asked, as it is not installed everywhere).

    Returns
    -------
    PowerFlowResult

    Raises
    ------
    PowerFlowError
        When the power flow does not converge.
    """
    import pandapower as pp

    options.setdefault("numba", False)
    try:
        pp.runpp(net, **options)
    except pp.LoadflowNotConverged:
        raise PowerFlowError(f"{name}: AC power flow ({options.get('algorithm', 'nr')}) did not converge") from None
    return PowerFlowResult(bus=net.res_bus.copy(), line=net.res_line.copy(), trafo=net.res_trafo.copy(),
                           ext_grid=net.res_ext_grid.copy())
