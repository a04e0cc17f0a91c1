"""Day-ahead dispatch: the Pyomo/HiGHS clearing of the park's direct trades."""

from market.dispatch.diagnose import LimitViolation, explain_infeasibility
from market.dispatch.inputs import DispatchData, DispatchInputs, build_dispatch_data
from market.dispatch.model import create_model
from market.dispatch.results import BindingLimit, DispatchResult
from market.dispatch.run import run_dispatch
from market.dispatch.solve import solve_model

__all__ = [
    "BindingLimit",
    "DispatchData",
    "DispatchInputs",
    "DispatchResult",
    "LimitViolation",
    "build_dispatch_data",
    "create_model",
    "explain_infeasibility",
    "run_dispatch",
    "solve_model",
]
