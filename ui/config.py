"""Where the app finds its park, ledger, results and user accounts.

``microgrid ui`` starts ``streamlit run ui/app.py -- --park P --db URL
--results DIR --users URL``; the same settings can come from the environment
(``MICROGRID_UI_PARK``, ``MICROGRID_UI_DB``, ``MICROGRID_UI_RESULTS``,
``MICROGRID_UI_USERS``), which is how the tests and the benchmark point
Streamlit's AppTest at a folder. Defaults: the embedded demo park,
``results/``, ``results/ledger.sqlite`` and ``results/ui_users.sqlite``.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from ui.workspace import Workspace

ENV = {"park": "MICROGRID_UI_PARK", "db": "MICROGRID_UI_DB", "results": "MICROGRID_UI_RESULTS",
       "users": "MICROGRID_UI_USERS"}


@dataclass(frozen=True)
class UiConfig:
    """Settings of one app process.

    Attributes
    ----------
    park_file : str or None
        Park TOML file; None means the embedded demo park.
    db : str
        Ledger SQLAlchemy URL or SQLite path.
    results : str
        Folder with ``dispatch-<date>.nc`` files (and batch results under ``batch*/``).
    users : str
        SQLAlchemy URL or SQLite path of the UI's user accounts (see :mod:`ui.auth`).
    """

    park_file: str | None
    db: str
    results: str
    users: str

    @property
    def workspace(self) -> Workspace:
        """The same settings as a :class:`ui.workspace.Workspace` (file names, use cases)."""
        return Workspace(Path(self.results), self.db, self.users, self.park_file)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ui/app.py", add_help=False)
    parser.add_argument("--park", default=None)
    parser.add_argument("--db", default=None)
    parser.add_argument("--results", default=None)
    parser.add_argument("--users", default=None)
    return parser


def make_config(park: str | None = None, db: str | None = None, results: str | None = None,
                users: str | None = None) -> UiConfig:
    """A config with the documented defaults filled in (paths made absolute)."""
    defaults = Workspace(Path(results or "results").resolve())
    return UiConfig(
        park_file=str(Path(park).resolve()) if park else None,
        db=db if db and "://" in db else str(Path(db).resolve()) if db else defaults.ledger_url,
        results=str(defaults.results),
        users=users if users and "://" in users else str(Path(users).resolve()) if users else defaults.users_url,
    )


def load_config(argv: list[str] | None = None) -> UiConfig:
    """Settings from the script's arguments (under ``streamlit run``), else from the environment."""
    if argv is None:
        argv = sys.argv[1:] if sys.argv and Path(sys.argv[0]).name == "app.py" else []
    parsed, _ = _parser().parse_known_args(argv)
    values = {name: getattr(parsed, name) or os.environ.get(variable) or None for name, variable in ENV.items()}
    return make_config(**values)
