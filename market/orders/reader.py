"""Read and check one day's order book: ``read_orders(path, park) -> (OrderBook, metadata)``.

Every error is one line naming the file, the field or row, the value and what was expected
(an ``EngineInputError``), in the park reader's style.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from market.orders.schema import OrderBook, Product
from microgrid.errors import EngineInputError
from microgrid.strict import field_path as _field_path, short_repr as _short

DEMO_ORDERS_RESOURCE = "data/demo_orders.toml"
#: Default gate closure: the day before delivery at 10:00 local time (Korean day-ahead market).
DEFAULT_GATE_CLOSURE = "D-1 10:00"


def demo_orders_path() -> Path:
    """Path of the demo park's shipped order book."""
    return Path(str(resources.files("market.orders").joinpath(DEMO_ORDERS_RESOURCE)))


def gate_closure(day: dt.date, rule: str = DEFAULT_GATE_CLOSURE) -> dt.datetime:
    """Local time after which orders for delivery ``day`` are refused; ``rule`` is ``"D-<n> HH:MM"``."""
    match = re.fullmatch(r"D-(\d+) (\d{1,2}):(\d{2})", rule.strip())
    if not match:
        raise EngineInputError(f"gate_closure = {rule!r}: expected 'D-<days> HH:MM', e.g. 'D-1 10:00'")
    days, hour, minute = (int(g) for g in match.groups())
    return dt.datetime.combine(day - dt.timedelta(days=days), dt.time(hour, minute))


def _check_against_park(source: str, book: OrderBook, park) -> None:
    names = {p.name for p in park.participants}
    owner = {a.name: a.owner for a in park.assets}
    renewable = {a.name: bool(getattr(a, "renewable", False)) for a in park.assets}

    def fail(where: str, value: Any, expected: str):
        raise EngineInputError(f"{source}: {where} = {_short(value)}: {expected}")

    for table in ("offers", "bids", "deferrable", "curtailable"):
        for row, order in enumerate(getattr(book, table)):
            if order.participant not in names:
                fail(f"{table}[{row}].participant", order.participant, "unknown participant")
    for row, offer in enumerate(book.offers):
        for asset in offer.assets:
            if asset not in owner:
                fail(f"offers[{row}].assets", asset, "unknown asset")
            if owner[asset] != offer.participant:
                fail(f"offers[{row}].assets", asset, f"not owned by {offer.participant} (owner {owner[asset]})")
    for row, bid in enumerate(book.bids):
        for field in ("preferred", "excluded"):
            for other in getattr(bid, field):
                if other not in names:
                    fail(f"bids[{row}].{field}", other, "unknown participant")
    seen = set()
    for row, contract in enumerate(book.contracts):
        if contract.name in seen:
            fail(f"contracts[{row}].name", contract.name, "duplicate contract name")
        seen.add(contract.name)
        for field in ("seller", "buyer"):
            if getattr(contract, field) not in names:
                fail(f"contracts[{row}].{field}", getattr(contract, field), "unknown participant")
        if contract.source is Product.RENEWABLE:
            own = [a for a, o in owner.items() if o == contract.seller and renewable[a]]
            if not own:
                fail(f"contracts[{row}].seller", contract.seller, "owns no renewable asset for source = 'renewable'")


def parse_orders(raw: dict, park, source: str = "<orders>") -> OrderBook:
    """Validate a parsed TOML order book against ``park``; one-line ``EngineInputError`` on the first problem."""
    try:
        book = OrderBook.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        value = first.get("input", "<missing>")
        if isinstance(value, dict):
            value = "<table>"
        raise EngineInputError(f"{source}: {_field_path(tuple(first['loc']))} = {_short(value)}: {message}") from None
    _check_against_park(source, book, park)
    return book


def read_orders(path: str | Path, park, *, date: dt.date | None = None,
                gate: str | None = DEFAULT_GATE_CLOSURE) -> tuple[OrderBook, dict]:
    """Read one delivery day's order book.

    Parameters
    ----------
    path : str or Path
        The TOML file (format in ``market.orders.schema``).
    park : microgrid.park.Park
        The park the orders name participants and assets of.
    date : datetime.date, optional
        The delivery day expected (``--date``); a book for another day is refused.
    gate : str or None
        Gate-closure rule ``"D-<n> HH:MM"``; a book whose ``orders.submitted`` is after it is
        refused. ``None`` skips the check (reading a stored book back).

    Returns
    -------
    (OrderBook, dict)
        The book, and metadata: ``source``, ``date``, ``gate_closure``, counts per table.
    """
    path = Path(path)
    source = path.name
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EngineInputError(f"{path}: no such order file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise EngineInputError(f"{path}: cannot read order file ({error})") from None
    except tomllib.TOMLDecodeError as error:
        raise EngineInputError(f"{source}: not valid TOML ({error})") from None
    book = parse_orders(raw, park, source)
    if date is not None and book.date != date:
        raise EngineInputError(f"{source}: orders.date = '{book.date}': expected the delivery day {date}")
    closure = gate_closure(book.date, gate) if gate else None
    if closure is not None and book.orders.submitted is not None and book.orders.submitted > closure:
        raise EngineInputError(f"{source}: orders.submitted = '{book.orders.submitted.isoformat()}': "
                               f"after the gate closure {closure.isoformat()} ({gate}) for {book.date}")
    metadata = {"source": str(path), "date": book.date.isoformat(),
                "gate_closure": closure.isoformat() if closure else None,
                **{table: len(getattr(book, table)) for table in
                   ("offers", "bids", "contracts", "deferrable", "curtailable")}}
    return book, metadata


def store_orders(path: str | Path, folder: str | Path) -> Path:
    """Copy a checked order file to ``folder/orders-<date>.toml`` through a temporary file and a rename."""
    text = Path(path).read_text(encoding="utf-8")
    day = tomllib.loads(text)["orders"]["date"]
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"orders-{day}.toml"
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
