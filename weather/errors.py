"""The engine's base errors, defined in the lowest layer so that every layer can raise them.

:class:`EngineInputError`, :class:`ServiceUnavailableError` and
:class:`AttentionNeededError` are re-exported by :mod:`microgrid.errors`
(the same classes), where the park file and dispatch errors build on them.
The command line maps each class to its exit code (``ui/cli.py``,
``EXIT_CODES``).
"""

from __future__ import annotations


class EngineInputError(ValueError):
    """Bad input: a park file, a date, a data file. One-line message."""


class ServiceUnavailableError(RuntimeError):
    """A service the engine needs does not answer (a database server, a Dask scheduler). One-line message."""


class AttentionNeededError(RuntimeError):
    """The run finished but something needs a person's attention (a critical alarm, a refused settlement)."""
