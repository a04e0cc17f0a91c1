"""The declaration of result variables: the Dataset, the README and the files agree with it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from market.dispatch.io import read_dispatch
from market.dispatch.variables import BATCH_VARIABLES, RESULT_VARIABLES, VARIABLES, contract_table, readme_section
from microgrid.variables import (
    COORDINATES,
    CURRENCY,
    FORECAST_VARIABLES,
    LABEL_COORDINATES,
    PINT_CURRENCY,
    WEATHER_VARIABLES,
)

README = Path(__file__).resolve().parents[3] / "README.md"

#: Unit strings UDUNITS-2 parses, as far as these files use them. Neither cf-units nor pint is installed
#: in the project's environment, so the units are checked against this list (each entry is a UDUNITS-2
#: expression: a space multiplies, ``m-2`` is a power; UDUNITS has no ``Wh``, hence ``kW h``).
UDUNITS_PARSEABLE = {"kW h", "kW", "1", "W m-2", "degC", "m s-1"}
CELL_METHODS = {"time: sum", "time: mean", "time: point"}
EVERY = {**VARIABLES, **WEATHER_VARIABLES}


@pytest.fixture(scope="module")
def dispatch_file(tmp_path_factory):
    """A dispatch file written by ``microgrid dispatch`` (the real producer)."""
    from ui.cli import app

    out = tmp_path_factory.mktemp("dispatch")
    result = CliRunner().invoke(app, ["dispatch", "--date", "2026-07-01", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out / "dispatch-2026-07-01.nc"


def _money_base(units: str) -> str | None:
    """``KRW`` -> "1", ``KRW/(kW h)`` -> "kW h"; None when not money."""
    if units == CURRENCY:
        return "1"
    match = re.fullmatch(rf"{CURRENCY}/\((.+)\)", units)
    return match[1] if match else None


@pytest.mark.parametrize("name", sorted(EVERY))
def test_units_are_udunits_or_declared_money(name):
    variable = EVERY[name]
    base = _money_base(variable.units)
    if variable.is_money:
        assert base in UDUNITS_PARSEABLE, variable.units
        assert variable.attrs()["currency"] == CURRENCY
    else:
        assert base is None and variable.units in UDUNITS_PARSEABLE, variable.units
        assert "currency" not in variable.attrs()
    if "time" in variable.dims or variable.dims == ("trade_pair",) and name in RESULT_VARIABLES:
        # the sparse trades are per step too: their time is the pair's trade_time
        assert variable.cell_methods in CELL_METHODS, name
    else:
        assert variable.cell_methods is None, name
    assert variable.over_entities in ("sum", "mean") and variable.long_name and variable.description


def test_prices_and_soc_are_never_summed_over_time():
    assert RESULT_VARIABLES["soc"].cell_methods == "time: point" and RESULT_VARIABLES["soc"].over_time == "mean"
    for name in ("import_price", "trade_price", "clearing_price", "export_price"):
        assert RESULT_VARIABLES[name].cell_methods == "time: mean" and RESULT_VARIABLES[name].over_entities == "mean"
    for name in ("load", "grid_import", "energy_cost", "trade", "transformer_flow"):
        assert RESULT_VARIABLES[name].cell_methods == "time: sum"


def test_pint_definition_of_the_currency():
    assert PINT_CURRENCY.startswith(f"{CURRENCY} = [currency]")


def test_forecast_variables_are_reused_not_redeclared():
    for name, variable in FORECAST_VARIABLES.items():
        assert RESULT_VARIABLES[name] is variable


def test_readme_table_is_the_declaration():
    assert readme_section(README.read_text(encoding="utf-8")) == contract_table(), \
        "README's Dataset contract differs from market/dispatch/variables.py: run python -m market.dispatch.variables"


def test_dispatch_file_follows_the_declaration(dispatch_file):
    ds = read_dispatch(dispatch_file)
    assert list(ds.data_vars) == list(RESULT_VARIABLES)
    for name, variable in RESULT_VARIABLES.items():
        assert ds[name].dims == variable.dims, name
        stored = {key: value for key, value in ds[name].attrs.items() if key != "flag"}
        assert stored == variable.attrs(), name
    assert ds.attrs["Conventions"] == "CF-1.10"
    for key in ("title", "institution", "source", "history", "units_note"):
        assert ds.attrs[key], key
    assert "wrote dispatch-2026-07-01.nc" in ds.attrs["history"]


def _check_coords(ds, park, *, scenario_dim: bool = False) -> None:
    generators, storages = park.assets_of_role("generator"), park.assets_of_role("storage")
    for name, variable in COORDINATES.items():
        assert name in ds.coords, name
        dims = ("scenario", *variable.dims) if scenario_dim else variable.dims
        assert ds[name].dims == dims, name
        assert ds[name].attrs["long_name"] == variable.long_name, name
        assert ("units" in ds[name].attrs) == (name not in LABEL_COORDINATES), name
    pick = (lambda name: ds[name].isel(scenario=0)) if scenario_dim else (lambda name: ds[name])
    assert [str(v) for v in pick("asset_kind").values] == [a.kind for a in generators]
    assert {"pv", "orc", "wind"} <= {a.kind for a in generators}
    assert list(pick("asset_rating_kw").values) == pytest.approx([a.rating_kw for a in generators])
    assert [str(v) for v in pick("asset_owner").values] == [a.owner for a in generators]
    assert [str(v) for v in pick("participant_feeder").values] == [p.feeder for p in park.participants]
    if "storage" in ds.dims and ds.sizes["storage"] and storages:
        assert [str(v) for v in pick("storage_kind").values] == [s.kind for s in storages]
        assert list(pick("storage_energy_capacity_kwh").values) == pytest.approx(
            [s.energy_capacity_kwh for s in storages])
        assert list(pick("storage_power_kw").values) == pytest.approx([s.power_kw for s in storages])
        assert [str(v) for v in pick("storage_owner").values] == [s.owner for s in storages]


def test_dispatch_file_carries_the_descriptive_coordinates(dispatch_file):
    from microgrid.park import read_park

    _check_coords(read_dispatch(dispatch_file), read_park(None))


def test_forecast_file_carries_the_descriptive_coordinates(tmp_path):
    from ui.cli import app
    from microgrid.park import read_park

    out = tmp_path / "forecast.nc"
    result = CliRunner().invoke(app, ["forecast", "--start", "2026-07-01", "--end", "2026-07-01", "--out", str(out)])
    assert result.exit_code == 0, result.output
    ds = read_dispatch(out)
    _check_coords(ds, read_park(None))
    for name, variable in {**FORECAST_VARIABLES, **WEATHER_VARIABLES}.items():
        assert ds[name].attrs == variable.attrs(), name
    assert ds.attrs["Conventions"] == "CF-1.10" and "history" in ds.attrs


def test_batch_variables_declared():
    assert set(BATCH_VARIABLES) == {"day_objective", "storage_capacity_kwh"}
