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


@functools.lru_cache(maxsize=None)
def _parsed_toml(relative_path):
    with data_file(relative_path).open("rb") as stream:
        return tomllib.load(stream)


def load_toml(relative_path):
    """Read a TOML file shipped in ``weather/data``.

    Parameters
    ----------
    relative_path : str
        Path below ``weather/data``.

    Returns
    -------
    dict
        A fresh copy: callers may modify it.
    """
    return copy.deepcopy(_parsed_toml(relative_path))


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
