"""Reading and cross-checking a park file.

Every problem becomes a one-line :class:`~microgrid.errors.ParkFileError`
naming the file, the field (as a path such as ``assets[3].owner``), the value
and what was expected.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from microgrid.assets import ASSET_KINDS, AssetSpec
from microgrid.errors import EngineInputError, ParkFileError
from microgrid.park.schema import Park
from microgrid.strict import field_path as _field_path, short_repr as _short
from microgrid.tariffs import available_tariffs, load_export_price

DEMO_PARK_RESOURCE = "demo_park.toml"


def demo_park_path() -> Path:
    """Path of the embedded demo park file."""
    return Path(str(resources.files("microgrid.data").joinpath(DEMO_PARK_RESOURCE)))


def _lookup(raw: Any, location: tuple) -> Any:
    value = raw
    for part in location:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return "<missing>"
    return value


def _table_fields(location: tuple) -> list[str] | None:
    """Field names of the park's table holding ``location``'s last part (top level or one table deep)."""
    if len(location) == 1:
        return sorted(Park.model_fields)
    if len(location) == 2 and location[0] in Park.model_fields:
        table = Park.model_fields[location[0]].annotation
        if isinstance(table, type) and issubclass(table, BaseModel):
            return sorted(table.model_fields)
    return None


def _first_error(source: str, error: ValidationError, raw: dict, prefix: tuple = ()) -> ParkFileError:
    first = error.errors()[0]
    location = prefix + tuple(first["loc"])
    value = _lookup(raw, tuple(first["loc"])) if not prefix else first.get("input", "<missing>")
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden" and not prefix:
        allowed = _table_fields(location)
        if allowed is not None:
            message = f"unknown field, expected one of {allowed}"
    return ParkFileError(f"{source}: {_field_path(location)} = {_short(value)}: {message}")


def _parse_asset(source: str, position: int, raw_asset: Any) -> AssetSpec:
    where = f"assets[{position}]"
    if not isinstance(raw_asset, dict):
        raise ParkFileError(f"{source}: {where} = {_short(raw_asset)}: expected a table")
    kind = raw_asset.get("kind")
    if not isinstance(kind, str) or kind not in ASSET_KINDS:
        raise ParkFileError(f"{source}: {where}.kind = {_short(kind)}: expected one of {sorted(ASSET_KINDS)}")
    if not raw_asset.get("owner"):
        raise ParkFileError(
            f"{source}: {where}.owner = {_short(raw_asset.get('owner', '<missing>'))}: every asset needs an owner"
        )
    try:
        return ASSET_KINDS[kind].model_validate(raw_asset)
    except ValidationError as error:
        first = error.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        if not first["loc"]:  # a check across fields: its message names the fields and values
            raise ParkFileError(f"{source}: {where} ({raw_asset.get('name', '<unnamed>')!r}): {message}") from None
        field = ".".join(str(part) for part in first["loc"])
        value = raw_asset.get(first["loc"][0], "<missing>")
        raise ParkFileError(f"{source}: {where}.{field} = {_short(value)}: {message}") from None


def _duplicates(names: list[str]) -> list[str]:
    return [name for name, count in Counter(names).items() if count > 1]


def _cross_check(source: str, park: Park) -> None:
    feeders = [feeder.name for feeder in park.network.feeders]
    participants = [participant.name for participant in park.participants]
    for what, names in (("network.feeders", feeders), ("participants", participants),
                        ("assets", [asset.name for asset in park.assets])):
        duplicated = _duplicates(names)
        if duplicated:
            raise ParkFileError(f"{source}: {what}.name = {duplicated[0]!r}: names must be unique")
    tariffs = available_tariffs()
    for position, participant in enumerate(park.participants):
        if participant.feeder not in feeders:
            raise ParkFileError(
                f"{source}: participants[{position}].feeder = {participant.feeder!r}: "
                f"unknown feeder, expected one of {feeders}"
            )
        if participant.tariff not in tariffs:
            raise ParkFileError(
                f"{source}: participants[{position}].tariff = {participant.tariff!r}: "
                f"no such tariff file, expected one of {tariffs}"
            )
    for position, asset in enumerate(park.assets):
        if asset.owner not in participants:
            raise ParkFileError(
                f"{source}: assets[{position}].owner = {asset.owner!r}: unknown participant"
            )
        if asset.feeder not in feeders:
            raise ParkFileError(
                f"{source}: assets[{position}].feeder = {asset.feeder!r}: "
                f"unknown feeder, expected one of {feeders}"
            )
    _check_names(source, park, feeders, participants)
    try:
        load_export_price(park.market.export_price)
    except EngineInputError as error:
        raise ParkFileError(f"{source}: {error}") from None


def _check_names(source: str, park: Park, feeders: list[str], participants: list[str]) -> None:
    """Names that refer to a data file or to another part of the park exist (read from data files only)."""
    from weather.datafiles import list_data_files, read_data_toml

    site = park.park.weather_site
    if site is not None:
        sites = list_data_files("sites", ".toml")
        if site.strip().lower() not in sites:
            raise ParkFileError(f"{source}: park.weather_site = {site!r}: unknown weather site, "
                                f"expected one of {sites}")
    industries = sorted(read_data_toml("microgrid", "generation/industry_loads.toml")["industries"])
    for position, participant in enumerate(park.participants):
        if participant.industry is not None and participant.industry not in industries:
            raise ParkFileError(f"{source}: participants[{position}].industry = {participant.industry!r}: "
                                f"unknown industry, expected one of {industries}")
    for number, feeder in enumerate(park.network.feeders):
        on_feeder = ([p.name for p in park.participants if p.feeder == feeder.name]
                     + [a.name for a in park.assets if a.feeder == feeder.name])
        for index, section in enumerate(feeder.sections):
            for name in section.connect:
                if name not in on_feeder:
                    raise ParkFileError(
                        f"{source}: network.feeders[{number}].sections[{index}].connect = {name!r}: "
                        f"not a participant or asset on feeder {feeder.name!r}, expected one of {on_feeder}")


def parse_park(raw: dict, source: str = "<park>") -> Park:
    """Validate a park given as a dict (the parsed TOML)."""
    if not isinstance(raw, dict):
        raise ParkFileError(f"{source}: expected a TOML table at the top level")
    raw_assets = raw.get("assets", [])
    if not isinstance(raw_assets, list):
        raise ParkFileError(f"{source}: assets = {_short(raw_assets)}: expected an array of tables [[assets]]")
    assets = [_parse_asset(source, position, item) for position, item in enumerate(raw_assets)]
    try:
        park = Park.model_validate({**raw, "assets": []})
    except ValidationError as error:
        raise _first_error(source, error, raw) from None
    park = park.model_copy(update={"assets": assets})
    _cross_check(source, park)
    return park


def park_dict(park: Park) -> dict:
    """``park`` as the dict of a park file's parsed TOML (every field explicit), for :func:`parse_park`."""
    return {**park.model_dump(exclude={"assets"}, warnings=False),
            "assets": [asset.model_dump(warnings=False) for asset in park.assets]}


def revalidated(park: Park, source: str = "<park>") -> Park:
    """``park`` validated and cross-checked again, as a park file is by :func:`read_park`.

    For a park changed with ``model_copy(update=...)`` (which validates
    nothing), e.g. by a batch scenario's overrides: every field check and
    every cross-check runs again, and a problem is the same one-line
    :class:`~microgrid.errors.ParkFileError` naming ``source``.
    """
    return parse_park(park_dict(park), source)


def read_park(path: str | Path | None = None) -> Park:
    """Read, validate and cross-check a park file.

    Parameters
    ----------
    path : str or Path, optional
        A park TOML file; the embedded demo park when None.

    Returns
    -------
    Park

    Raises
    ------
    ParkFileError
        One line naming the field, its value and what was expected.
    """
    path = Path(path) if path is not None else demo_park_path()
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ParkFileError(f"park file {source!r} does not exist") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ParkFileError(f"park file {source!r} cannot be read: {error}") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ParkFileError(f"{source}: not valid TOML: {error}") from None
    except RecursionError:
        raise ParkFileError(f"{source}: not a park file: tables or arrays nested too deeply") from None
    return parse_park(raw, source)
