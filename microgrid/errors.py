"""Errors the engine raises on bad input.

Every message is one line that names the field, the value and what was
expected, so that an energy manager can fix the input without reading code.
The command line turns these into a non-zero exit.
"""

from __future__ import annotations

from weather.errors import AttentionNeededError, EngineInputError, ServiceUnavailableError

__all__ = ["AttentionNeededError", "DispatchInfeasibleError", "EngineInputError", "ParkFileError",
           "ServiceUnavailableError"]


class ParkFileError(EngineInputError):
    """A park file that is malformed or inconsistent."""


class DispatchInfeasibleError(RuntimeError):
    """A day that cannot be balanced within the park's limits.

    Attributes
    ----------
    violations : list of LimitViolation
        Which limit, which interval, by how much, from the elastic re-solve.
    """

    def __init__(self, message: str, violations: list | None = None):
        super().__init__(message)
        self.violations = list(violations or [])
