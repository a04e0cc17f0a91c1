"""Reading metered hourly loads: both layouts, time zones, and error messages
that name the file, line, column, value and what was expected."""

from __future__ import annotations

import pandas as pd
import pytest

from microgrid.loads import MeteredLoadError, read_metered_loads

WIDE = """timestamp,T01,T02
2025-03-03 00:00,10.5,200
2025-03-03 01:00,11.0,210
2025-03-03 02:00,9.5,190
2025-03-03 03:00,12.25,205
"""

LONG = """timestamp,participant,energy_kwh
2025-03-03 00:00,T01,10.5
2025-03-03 00:00,T02,200
2025-03-03 01:00,T01,11.0
2025-03-03 01:00,T02,210
2025-03-03 02:00,T01,9.5
2025-03-03 02:00,T02,190
2025-03-03 03:00,T01,12.25
2025-03-03 03:00,T02,205
"""


def write(tmp_path, text, name="meter.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path) -> str:
    with pytest.raises(MeteredLoadError) as caught:
        read_metered_loads(path)
    message = str(caught.value)
    assert path.name in message and "\n" not in message
    return message


def test_wide_file(tmp_path):
    energy, meta = read_metered_loads(write(tmp_path, WIDE))
    assert list(energy.columns) == ["T01", "T02"]
    assert energy.index[0] == pd.Timestamp("2025-03-03 00:00", tz="Asia/Seoul")
    assert str(energy.index.tz) == "Asia/Seoul" and energy.index.freq == pd.Timedelta(hours=1)
    assert energy["T01"].tolist() == [10.5, 11.0, 9.5, 12.25]
    assert meta["layout"] == "wide" and meta["n_intervals"] == 4
    assert meta["total_kwh"] == {"T01": 43.25, "T02": 805.0}
    assert "assumed Asia/Seoul" in meta["timezone_source"]


def test_long_file_reads_the_same_as_wide(tmp_path):
    wide, _ = read_metered_loads(write(tmp_path, WIDE, "wide.csv"))
    long, meta = read_metered_loads(write(tmp_path, LONG, "long.csv"))
    assert meta["layout"] == "long"
    pd.testing.assert_frame_equal(long, wide)


def test_long_file_by_content_and_in_any_row_order(tmp_path):
    # Other header names (detected because the second column holds names),
    # rows grouped by participant, T02 first.
    rows = LONG.splitlines()[1:]
    grouped = [row for row in rows if ",T02," in row] + [row for row in rows if ",T01," in row]
    text = "\n".join(["time,who,kwh"] + grouped) + "\n"
    wide, _ = read_metered_loads(write(tmp_path, WIDE, "wide.csv"))
    long, meta = read_metered_loads(write(tmp_path, text, "long.csv"))
    assert meta["layout"] == "long" and meta["participants"] == ["T02", "T01"]
    pd.testing.assert_frame_equal(long[["T01", "T02"]], wide)


def test_offsets_in_the_file_are_converted_to_seoul(tmp_path):
    text = "timestamp,T01\n2025-03-02T15:00:00Z,1\n2025-03-02T16:00:00+00:00,2\n"
    energy, meta = read_metered_loads(write(tmp_path, text))
    assert energy.index[0] == pd.Timestamp("2025-03-03 00:00", tz="Asia/Seoul")
    assert meta["timezone_source"] == "UTC offsets in the file"


def test_comments_and_blank_lines_keep_line_numbers(tmp_path):
    text = "# meter export\ntimestamp,T01\n\n2025-03-03 00:00,1\n2025-03-03 01:00,-2\n"
    message = error_of(write(tmp_path, text))
    assert "line 5" in message and "'T01'" in message and "'-2'" in message


def test_gap_names_line_and_missing_hours(tmp_path):
    text = WIDE.replace("2025-03-03 02:00,9.5,190\n", "")
    message = error_of(write(tmp_path, text))
    assert "line 4" in message and "gap of 1 missing hour" in message
    assert "'timestamp'" in message and "'2025-03-03 03:00'" in message
    assert "expected the next hour, 2025-03-03 02:00:00+09:00" in message


def test_duplicate_timestamp(tmp_path):
    text = WIDE.replace("2025-03-03 02:00,9.5", "2025-03-03 01:00,9.5")
    message = error_of(write(tmp_path, text))
    assert "line 4" in message and "duplicate timestamp (also on line 3)" in message


def test_non_hourly_step(tmp_path):
    text = "timestamp,T01\n2025-03-03 00:00,1\n2025-03-03 00:30,1\n2025-03-03 01:00,1\n"
    message = error_of(write(tmp_path, text))
    assert "line 3" in message and "not hourly" in message and "'2025-03-03 00:30'" in message


def test_negative_value(tmp_path):
    message = error_of(write(tmp_path, WIDE.replace("210", "-210")))
    assert "line 3" in message and "column 'T02'" in message and "negative energy" in message
    assert "'-210'" in message and "expected a finite energy >= 0 in kWh" in message


@pytest.mark.parametrize("bad, problem", [("", "missing value"), ("NaN", "NaN value"),
                                          ("12,5", None), ("abc", "not a number")])
def test_missing_nan_or_text_value(tmp_path, bad, problem):
    text = WIDE.replace("2025-03-03 02:00,9.5,", f"2025-03-03 02:00,{bad},")
    message = error_of(write(tmp_path, text))
    assert "line 4" in message
    if problem:
        assert problem in message and "column 'T01'" in message
    else:  # a decimal comma adds a cell
        assert "4 cells" in message and "expected 3 cells" in message


def test_bad_timestamp(tmp_path):
    message = error_of(write(tmp_path, WIDE.replace("2025-03-03 01:00", "03/03/25 1h")))
    assert "line 3" in message and "not a timestamp" in message and "ISO 8601" in message


def test_mixed_offsets(tmp_path):
    text = "timestamp,T01\n2025-03-03T00:00+09:00,1\n2025-03-03 01:00,1\n"
    message = error_of(write(tmp_path, text))
    assert "line 3" in message and "mix UTC offsets" in message


def test_long_duplicate_row(tmp_path):
    text = LONG + "2025-03-03 01:00,T02,99\n"
    message = error_of(write(tmp_path, text))
    assert "line 10" in message and "also on line 5" in message and "'T02'" in message


def test_long_missing_participant_hour(tmp_path):
    text = LONG.replace("2025-03-03 02:00,T02,190\n", "")
    message = error_of(write(tmp_path, text))
    assert "'T02' has no row for 2025-03-03 02:00:00+09:00" in message


def test_long_gap(tmp_path):
    text = LONG.replace("2025-03-03 02:00,T01,9.5\n", "").replace("2025-03-03 02:00,T02,190\n", "")
    message = error_of(write(tmp_path, text))
    assert "line 6" in message and "gap of 1 missing hour" in message


def test_header_problems(tmp_path):
    assert "no data rows" in error_of(write(tmp_path, "timestamp,T01\n"))
    assert "twice" in error_of(write(tmp_path, "timestamp,T01,T01\n2025-03-03 00:00,1,2\n"))
    assert "line 1" in error_of(write(tmp_path, "timestamp\n2025-03-03 00:00\n"))


def test_missing_file_and_error_type(tmp_path):
    with pytest.raises(ValueError, match="cannot open"):
        read_metered_loads(tmp_path / "absent.csv")
