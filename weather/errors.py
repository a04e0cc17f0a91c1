"""The engine's base input error, defined in the lowest layer so that every layer can raise it.

:class:`EngineInputError` is re-exported by :mod:`microgrid.errors` (the
same class), where the park file and dispatch errors build on it.
"""

from __future__ import annotations


class EngineInputError(ValueError):
    """Bad input: a park file, a date, a data file. One-line message."""
