"""The one strict pydantic base of every park-file table (park, network, assets, income, settlement).

``extra="forbid"``: an unknown field is an error, not ignored; ``frozen``:
a validated park does not change behind the validator's back;
``allow_inf_nan=False``: every number in a park file is finite (``inf`` or
``nan`` is refused where it is read, instead of turning into NaN costs or
zero energy downstream). Bounds are stated per field with ``Field(ge=...)``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

STRICT_CONFIG = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class StrictModel(BaseModel):
    """Base of the park file's tables: unknown fields forbidden, frozen, finite numbers only."""

    model_config = STRICT_CONFIG


def field_path(location: tuple) -> str:
    """A pydantic error location as the file spells it: ``assets[3].rating_kw``."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def short_repr(value, limit: int = 80) -> str:
    """``repr(value)`` on one line, cut to ``limit`` characters (for one-line input errors)."""
    text = " ".join(repr(value).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."
