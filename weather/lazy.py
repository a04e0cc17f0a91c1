"""Package attributes imported on first use (PEP 562), so that importing a package stays cheap.

``import weather.errors`` runs ``weather/__init__.py`` first; when that file imported its
submodules eagerly, every error class cost pvlib, scipy and pandas (about 1 s), and so did
``microgrid --help``. A package lists its public names and the submodule defining each;
:func:`lazy_attributes` gives it the module ``__getattr__`` and ``__dir__`` that import the
submodule when a name is first used (``from weather import synthetic_weather`` still works).
Only the package's own submodules are named, so the import layers (``tests/test_layers.py``)
hold by construction.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable


def lazy_attributes(package: str, where: dict[str, str]) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package`` whose public names live in its submodules.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    where : dict of str to str
        Public name -> the submodule of ``package`` defining it, relative (``"forecast"`` for
        ``weather.forecast``).

    Returns
    -------
    tuple of callables
        ``(__getattr__, __dir__)``: assign them at the package's module level.
    """
    def __getattr__(name: str) -> object:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{where[name]}"), name)
        setattr(sys.modules[package], name, value)  # later look-ups skip __getattr__
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(where))

    return __getattr__, __dir__
