"""Access to the data files of the generation and load models.

Every figure the models use (efficiency curves, production schedules, power
curves, load shapes) lives in ``microgrid/data/generation/`` as TOML or CSV,
each with its source, so that a reviewer can check a number without reading
code and a user can replace it without editing code.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

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


@lru_cache(maxsize=None)
def read_toml(name: str) -> dict[str, Any]:
    """Parsed TOML data file of ``microgrid/data/generation/`` (cached).

    The returned mapping is shared between callers: treat it as read-only.
    """
    with generation_data_path(name).open("rb") as handle:
        return tomllib.load(handle)
