"""Access to the data files of the generation and load models.

Every figure the models use (efficiency curves, production schedules, power
curves, load shapes) lives in ``microgrid/data/generation/`` as TOML or CSV,
each with its source, so that a reviewer can check a number without reading
code and a user can replace it without editing code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from weather.datafiles import read_data_toml

#: Folder holding the data files of this package.
GENERATION_DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "generation"


def generation_data_path(name: str) -> Path:
    """Path of a data file in ``microgrid/data/generation/``.

    Parameters
    ----------
    name : str
        File name, e.g. ``"orc.toml"``.

    Returns
    -------
    pathlib.Path
    """
    path = GENERATION_DATA_DIR / name
    if not path.is_file():
        raise FileNotFoundError(f"data file {path} does not exist")
    return path


def read_toml(name: str) -> dict[str, Any]:
    """Parsed TOML data file of ``microgrid/data/generation/`` (cached; a fresh copy each call)."""
    return read_data_toml("microgrid", f"generation/{name}")
