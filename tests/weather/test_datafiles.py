"""The one reader of the TOML data files (weather, microgrid, market.safety use it)."""

from __future__ import annotations

import pytest

from microgrid.errors import EngineInputError
from weather.datafiles import DataFileError, read_data_toml


def test_a_fresh_copy_of_a_cached_file():
    first = read_data_toml("microgrid", "network/alarm_thresholds.toml")
    first.clear()
    assert read_data_toml("microgrid", "network/alarm_thresholds.toml")


def test_an_unknown_file_is_one_line_naming_what_there_is():
    with pytest.raises(DataFileError) as caught:
        read_data_toml("microgrid", "tariffs/nope.toml")
    message = str(caught.value)
    assert "\n" not in message and "'nope'" in message and "kepco_industrial_eul_hv_a_option2" in message
    assert isinstance(caught.value, EngineInputError) and "kepco_industrial_eul_hv_a_option2" in caught.value.available
