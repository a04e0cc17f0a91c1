"""Property-based fuzzing of the readers where input enters: the park reader, the meter and measurement readers.

Every failure is the reader's one-line input error, never another exception.
"""

from __future__ import annotations

import copy
import math
import tomllib

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microgrid.errors import EngineInputError, ParkFileError
from microgrid.park import demo_park_path, parse_park

DEMO = tomllib.loads(demo_park_path().read_text(encoding="utf-8"))

WILD = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12), st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.sampled_from(["", "Asia/Seoul", "Europe/Berlin", "T01", "F1", "2026-02-30", "pv", "orc", "inf", "nan"]),
)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


PATHS = [path for path in _paths(DEMO) if path]


def _mutate(raw: dict, path: tuple, value, delete: bool) -> dict:
    raw = copy.deepcopy(raw)
    holder = raw
    for part in path[:-1]:
        holder = holder[part]
    if delete and isinstance(holder, dict):
        holder.pop(path[-1], None)
    else:
        holder[path[-1]] = value
    return raw


def _one_line(error: Exception) -> None:
    text = str(error)
    assert text and "\n" not in text, text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(PATHS), WILD, st.booleans()), min_size=1, max_size=3))
def test_mutated_demo_parks_fail_only_with_one_line_park_errors(mutations):
    raw = DEMO
    for path, value, delete in mutations:
        try:
            raw = _mutate(raw, path, value, delete)
        except (KeyError, IndexError, TypeError):
            continue
    try:
        park = parse_park(raw, "fuzz.toml")
    except ParkFileError as error:
        _one_line(error)
        assert str(error).startswith("fuzz.toml")
        return
    # accepted: every number in it is finite
    for asset in park.assets:
        for value in asset.model_dump().values():
            assert not isinstance(value, float) or math.isfinite(value)


TEXT_CELLS = st.one_of(st.text(max_size=10), st.sampled_from(["2026-07-01 10:00", "2026-07-01T10:00+09:00", "T01",
                                                              "PV-T01-roof", "", "nan", "inf", "-1", "1e400"]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(TEXT_CELLS, TEXT_CELLS, TEXT_CELLS, TEXT_CELLS), max_size=6), st.booleans())
def test_meter_reader_fails_only_with_one_line_input_errors(rows, header):
    import tempfile
    from pathlib import Path

    from market.settlement.metered import read_metered

    folder = Path(tempfile.mkdtemp(prefix="metered-"))
    lines = (["timestamp,participant,asset,energy_kwh"] if header else []) + [
        ",".join(cell.replace(",", " ").replace("\n", " ").replace("\r", " ").replace('"', " ") for cell in row)
        for row in rows]
    path = folder / "m.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        read_metered(path, _dispatch())
    except EngineInputError as error:
        _one_line(error)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(TEXT_CELLS, st.sampled_from(["TR-1", "F1", "BESS-shared", "PV-T01-roof", "x"]),
                          st.sampled_from(["p_kw", "soc_kwh", "flow_kw", "x", ""]), TEXT_CELLS,
                          st.sampled_from(["kW", "kWh", "", "MW"])), max_size=6))
def test_measurement_reader_fails_only_with_one_line_input_errors(rows):
    from market.safety.measurements import day_steps, read_measurements
    from microgrid.park import read_park

    frame = pd.DataFrame(rows, columns=["timestamp", "element", "quantity", "value", "unit"])
    try:
        read_measurements(frame, read_park(None), day_steps(_dispatch()))
    except EngineInputError as error:
        _one_line(error)


_DISPATCH = {}


def _dispatch():
    """A dispatch-shaped dataset of the demo park for 2026-07-01 (synthetic inputs, solved once)."""
    if "day" not in _DISPATCH:
        from market.dispatch import run_dispatch
        from microgrid.park import read_park
        from microgrid.park.synthetic import synthetic_inputs

        park = read_park(None)
        _DISPATCH["day"] = run_dispatch(park, synthetic_inputs(park, "2026-07-01")).dataset
    return _DISPATCH["day"]
