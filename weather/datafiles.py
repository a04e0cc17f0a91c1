"""Access to the figures shipped in ``weather/data``.

Calibration numbers, model parameters and limits live in TOML and CSV files
next to the code, each with its source; the modules read them through these
helpers and never repeat the numbers.
"""

import copy
import functools
import io
import tomllib
from importlib import resources

import pandas as pd

from weather.errors import EngineInputError

DATA_PACKAGE = "weather"
DATA_FOLDER = "data"


def data_file(relative_path):
    """Return a traversable handle on a file shipped in ``weather/data``.

    Parameters
    ----------
    relative_path : str
        Path below ``weather/data``, with ``/`` separators, e.g.
        ``"sites/changwon.toml"``.

    Returns
    -------
    importlib.resources.abc.Traversable
    """
    handle = resources.files(DATA_PACKAGE).joinpath(DATA_FOLDER)
    for part in relative_path.split("/"):
        handle = handle.joinpath(part)
    return handle


class DataFileError(EngineInputError):
    """A data file that is not shipped; the message lists the files there are.

    Attributes
    ----------
    name : str
        The file name asked for, without ``.toml``.
    available : list of str
        The names (without ``.toml``) of the TOML files in that folder.
    """

    def __init__(self, message, name, available):
        super().__init__(message)
        self.name = name
        self.available = available


@functools.lru_cache(maxsize=None)
def _parsed_data_toml(package, relative_path):
    handle = resources.files(package).joinpath(DATA_FOLDER)
    parts = relative_path.split("/")
    for part in parts[:-1]:
        handle = handle.joinpath(part)
    folder, handle = handle, handle.joinpath(parts[-1])
    if not handle.is_file():
        name = parts[-1].removesuffix(".toml")
        available = sorted(entry.name.removesuffix(".toml") for entry in folder.iterdir()
                           if entry.name.endswith(".toml")) if folder.is_dir() else []
        raise DataFileError(f"data file {package}/{DATA_FOLDER}/{relative_path}: unknown name {name!r}; "
                            f"expected one of {available}", name, available)
    return tomllib.loads(handle.read_text(encoding="utf-8"))


def read_data_toml(package, relative_path):
    """Read a TOML data file shipped in a package's ``data`` folder: the one reader of them all.

    Parameters
    ----------
    package : str
        Top-level package, ``"weather"`` or ``"microgrid"``.
    relative_path : str
        Path below ``<package>/data``, with ``/`` separators, e.g. ``"sites/changwon.toml"``.

    Returns
    -------
    dict
        A fresh copy (callers may modify it) of the file, parsed once and cached.

    Raises
    ------
    DataFileError
        When there is no such file; one line listing the names in that folder.
    """
    return copy.deepcopy(_parsed_data_toml(package, relative_path))


def load_toml(relative_path):
    """Read a TOML file shipped in ``weather/data`` (:func:`read_data_toml`).

    Parameters
    ----------
    relative_path : str
        Path below ``weather/data``.

    Returns
    -------
    dict
        A fresh copy: callers may modify it.
    """
    return read_data_toml(DATA_PACKAGE, relative_path)


def load_csv(relative_path):
    """Read a CSV file shipped in ``weather/data`` (``#`` starts a comment line).

    Parameters
    ----------
    relative_path : str
        Path below ``weather/data``.

    Returns
    -------
    pandas.DataFrame
    """
    text = data_file(relative_path).read_text(encoding="utf-8")
    return pd.read_csv(io.StringIO(text), comment="#")


def list_data_files(relative_folder, suffix):
    """Names (without suffix) of the files with ``suffix`` in a data folder.

    Parameters
    ----------
    relative_folder : str
        Folder below ``weather/data``.
    suffix : str
        File name ending, e.g. ``".toml"``.

    Returns
    -------
    list of str
        Sorted names.
    """
    folder = data_file(relative_folder)
    return sorted(
        entry.name[: -len(suffix)]
        for entry in folder.iterdir()
        if entry.name.endswith(suffix)
    )
