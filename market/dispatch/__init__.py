"""Day-ahead dispatch: the Pyomo/HiGHS clearing of the park's direct trades."""

from pyomo.common.dependencies import DeferredImportCallbackFinder

from weather.lazy import lazy_attributes

# Pyomo resolves its deferred scipy with a callback that imports scipy.stats, .spatial and
# .integrate too, when anything imports scipy (pvlib and the synthetic weather do) and when its
# standard-form compiler first touches scipy.sparse: about 0.4 s of a day's start-up the LP never
# uses. Without the callback scipy still loads each submodule on first use (scipy's own lazy
# submodules). Only this package imports Pyomo, so this runs before Pyomo's first use; a process
# that imported scipy before Pyomo has the submodules already (tests/market/dispatch/test_startup.py).
for _indicator in getattr(DeferredImportCallbackFinder, "_callbacks", {}).pop("scipy", []):
    _indicator._callback = None

#: Public name -> the submodule defining it, imported on first use (Pyomo, xarray and pandas are
#: slow to import; ``market.dispatch.io`` and ``.summary`` need no model).
_WHERE = {
    "BindingLimit": "results",
    "DispatchData": "inputs",
    "DispatchInputs": "inputs",
    "DispatchResult": "results",
    "LimitViolation": "diagnose",
    "build_dispatch_data": "inputs",
    "create_model": "model",
    "explain_infeasibility": "diagnose",
    "run_dispatch": "run",
    "solve_model": "solve",
}
__getattr__, __dir__ = lazy_attributes(__name__, _WHERE)

__all__ = sorted(_WHERE)
