"""Park files: a bad file gives one line naming the field and the value; the demo park loads."""

from __future__ import annotations

import pytest

from microgrid.errors import EngineInputError, ParkFileError
from microgrid.park import demo_park_path, read_park

GOOD = """
[park]
name = "Tiny park"
latitude = 35.0
longitude = 128.0

[market]
pricing_rule = "marginal"
trade_fee_krw_per_kwh = 3.0

[network.transformer]
import_limit_kw = 5000.0
export_limit_kw = 1000.0

[[network.feeders]]
name = "F1"
limit_kw = 3000.0

[[network.feeders]]
name = "F2"
limit_kw = 3000.0

[[participants]]
name = "OPERATOR"
kind = "operator"
feeder = "F1"
contract_power_kw = 500.0
tariff = "kepco_industrial_eul_hv_a_option2"

[[participants]]
name = "T01"
industry = "machinery"
feeder = "F2"
contract_power_kw = 900.0
tariff = "kepco_industrial_eul_hv_a_option2"

[[assets]]
name = "PV-T01"
kind = "pv"
owner = "T01"
feeder = "F2"
dc_capacity_kw = 800.0

[[assets]]
name = "BESS"
kind = "battery"
owner = "OPERATOR"
feeder = "F1"
energy_capacity_kwh = 2000.0
power_kw = 500.0
"""


def _write(tmp_path, text: str):
    path = tmp_path / "park.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _replace(old: str, new: str) -> str:
    assert GOOD.count(old) == 1, old
    return GOOD.replace(old, new)


def test_the_good_file_loads(tmp_path):
    park = read_park(_write(tmp_path, GOOD))
    assert [p.name for p in park.participants] == ["OPERATOR", "T01"]
    assert [(a.name, a.kind, a.owner, a.feeder) for a in park.assets] == [
        ("PV-T01", "pv", "T01", "F2"), ("BESS", "battery", "OPERATOR", "F1")]
    assert park.market.pricing_rule == "marginal"
    assert park.network.transformer.export_limit_kw == 1000.0


BAD_FILES = [
    # (case, file text, field named, value named)
    ("unknown asset feeder",
     _replace('feeder = "F2"\ndc_capacity_kw', 'feeder = "F9"\ndc_capacity_kw'), "assets[0].feeder", "'F9'"),
    ("unknown participant feeder",
     _replace('feeder = "F2"\ncontract_power_kw = 900.0', 'feeder = "F7"\ncontract_power_kw = 900.0'),
     "participants[1].feeder", "'F7'"),
    ("negative PV capacity",
     _replace("dc_capacity_kw = 800.0", "dc_capacity_kw = -800.0"), "assets[0].dc_capacity_kw", "-800.0"),
    ("negative battery capacity",
     _replace("energy_capacity_kwh = 2000.0", "energy_capacity_kwh = -1.0"), "assets[1].energy_capacity_kwh", "-1.0"),
    ("negative feeder limit",
     GOOD.replace('name = "F2"\nlimit_kw = 3000.0', 'name = "F2"\nlimit_kw = -3000.0'),
     "network.feeders[1].limit_kw", "-3000.0"),
    ("negative contract power",
     _replace("contract_power_kw = 900.0", "contract_power_kw = -900.0"), "participants[1].contract_power_kw", "-900.0"),
    ("asset without an owner",
     _replace('owner = "T01"\n', ""), "assets[0].owner", "'<missing>'"),
    ("asset with an unknown owner",
     _replace('owner = "T01"', 'owner = "T99"'), "assets[0].owner", "'T99'"),
    ("missing tariff",
     _replace('contract_power_kw = 900.0\ntariff = "kepco_industrial_eul_hv_a_option2"\n', "contract_power_kw = 900.0\n"),
     "participants[1].tariff", "'<missing>'"),
    ("unknown tariff",
     _replace('contract_power_kw = 900.0\ntariff = "kepco_industrial_eul_hv_a_option2"',
              'contract_power_kw = 900.0\ntariff = "kepco_residential"'),
     "participants[1].tariff", "'kepco_residential'"),
    ("unknown asset kind",
     _replace('kind = "pv"', 'kind = "nuclear"'), "assets[0].kind", "'nuclear'"),
    ("unknown pricing rule",
     _replace('pricing_rule = "marginal"', 'pricing_rule = "auction"'), "market.pricing_rule", "'auction'"),
    ("unknown export price file",
     _replace('pricing_rule = "marginal"', 'pricing_rule = "marginal"\nexport_price = "smp_1999"'),
     "market.export_price", "'smp_1999'"),
    ("duplicated participant names",
     _replace('name = "T01"\nindustry', 'name = "OPERATOR"\nindustry').replace('owner = "T01"', 'owner = "OPERATOR"'),
     "participants.name", "'OPERATOR'"),
    ("duplicated asset names",
     _replace('name = "BESS"', 'name = "PV-T01"'), "assets.name", "'PV-T01'"),
    ("duplicated feeder names",
     _replace('name = "F2"\nlimit_kw', 'name = "F1"\nlimit_kw'), "network.feeders.name", "'F1'"),
    ("misspelt field",
     _replace("dc_capacity_kw = 800.0", "dc_capacity_kw = 800.0\ntilt_degrees = 20.0"), "assets[0].tilt_degrees", "20.0"),
    ("misspelt required field",
     _replace("dc_capacity_kw = 800.0", "dc_capacity_kwp = 800.0"), "assets[0].dc_capacity_kw", "'<missing>'"),
    ("text where a number belongs",
     _replace("import_limit_kw = 5000.0", 'import_limit_kw = "lots"'), "network.transformer.import_limit_kw", "'lots'"),
    ("missing transformer limit",
     _replace("import_limit_kw = 5000.0\n", ""), "network.transformer.import_limit_kw", "'<missing>'"),
    ("unknown participant kind",
     _replace('kind = "operator"', 'kind = "landlord"'), "participants[0].kind", "'landlord'"),
]


@pytest.mark.parametrize(("text", "field", "value"), [case[1:] for case in BAD_FILES],
                         ids=[case[0] for case in BAD_FILES])
def test_bad_park_file_gives_one_line_naming_field_and_value(tmp_path, text, field, value):
    path = _write(tmp_path, text)
    with pytest.raises(ParkFileError) as caught:
        read_park(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    assert field in message, message
    assert value in message, message
    assert isinstance(caught.value, EngineInputError)  # the CLI turns these into exit 2


def test_cross_field_battery_error_names_the_asset_and_the_fields(tmp_path):
    path = _write(tmp_path, _replace("\npower_kw = 500.0\n", "\npower_kw = 500.0\nsoc_min_fraction = 0.6\nsoc_max_fraction = 0.4\n"))
    with pytest.raises(ParkFileError) as caught:
        read_park(path)
    message = str(caught.value)
    assert "\n" not in message
    assert "assets[1]" in message and "'BESS'" in message
    assert "soc_min_fraction=0.6" in message and "soc_max_fraction=0.4" in message
    assert "energy_capacity_kwh" not in message  # not a dump of the whole table


@pytest.mark.parametrize("text", ["[park\nname = 1", "name = = 3", "park = {", "\x00\x01binary"])
def test_not_toml_gives_one_line(tmp_path, text):
    path = _write(tmp_path, text)
    with pytest.raises(ParkFileError) as caught:
        read_park(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message and "TOML" in message


def test_missing_file_gives_one_line(tmp_path):
    with pytest.raises(ParkFileError) as caught:
        read_park(tmp_path / "nowhere.toml")
    assert "nowhere.toml" in str(caught.value) and "\n" not in str(caught.value)


def test_embedded_demo_park():
    park = read_park()
    assert demo_park_path().is_file()
    assert read_park(demo_park_path()) == park
    tenants = [p for p in park.participants if p.kind == "tenant"]
    operators = [p for p in park.participants if p.kind == "operator"]
    assert 28 <= len(tenants) <= 32
    assert len(operators) == 1
    assert len({t.industry for t in tenants if t.industry}) >= 4
    assert 3 <= len(park.network.feeders) <= 4
    pv_mwp = sum(a.dc_capacity_kw for a in park.assets if a.kind == "pv") / 1000
    assert 13.0 <= pv_mwp <= 17.0
    orcs = [a for a in park.assets if a.kind == "orc"]
    assert len(orcs) == 1 and 1000.0 <= orcs[0].rating_kw <= 2000.0
    batteries = [a for a in park.assets if a.kind == "battery"]
    assert len(batteries) == 1
    assert 6500.0 <= batteries[0].energy_capacity_kwh <= 7500.0
    assert batteries[0].owner == operators[0].name
    # every cross-reference resolves
    names = {p.name for p in park.participants}
    feeders = {f.name for f in park.network.feeders}
    assert all(a.owner in names and a.feeder in feeders for a in park.assets)
    assert all(p.feeder in feeders for p in park.participants)
