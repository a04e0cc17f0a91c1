"""Fixtures shared by the batch tests."""

from __future__ import annotations

import pytest

from tests.demo_parks import generous_demo_park


@pytest.fixture(scope="module")
def raw():
    """The demo park (and its file name) with generous feeder limits (:func:`tests.demo_parks.generous_demo_park`)."""
    return generous_demo_park()
