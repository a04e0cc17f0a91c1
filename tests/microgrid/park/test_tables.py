"""The park's typed [income] and [settlement] tables, scenario overrides and the pricing-rule vocabulary."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from market.batch.scenarios import Scenario, apply_overrides
from market.pricing import PRICING_RULES
from market.settlement import default_rules, rules_for
from microgrid.errors import EngineInputError, ParkFileError
from microgrid.park import (PRICING_RULE_NAMES, IncomeRule, PricingRuleName, SettlementTerms, demo_park_path,
                            read_park, settlement_data)

REPO = Path(__file__).resolve().parents[3]


def _park_file(tmp_path: Path, tables: str) -> Path:
    path = tmp_path / "park.toml"
    path.write_text(demo_park_path().read_text(encoding="utf-8") + "\n" + tables + "\n", encoding="utf-8")
    return path


def test_defaults_come_from_the_data_files():
    park = read_park()
    income, rec, emission = (settlement_data(name) for name in ("sunlight_income", "rec_price", "emission_factor"))
    assert park.income == IncomeRule() and park.settlement == SettlementTerms()
    for name in ("fund_share", "tenant_share", "tenant_basis", "worker_weight", "eligibility_lag_quarters",
                 "include_operator"):
        assert getattr(park.income, name) == income[name], name
    assert park.income.source == income["source"]
    assert park.settlement.rec_price_krw_per_kwh == rec["rec_price_krw_per_kwh"]
    assert park.settlement.green_premium_krw_per_kwh == rec["green_premium_krw_per_kwh"]
    assert park.settlement.grid_tco2eq_per_mwh == emission["grid_tco2eq_per_mwh"]
    assert rules_for(park) == default_rules()


def test_a_park_files_tables_reach_rules_for(tmp_path):
    path = _park_file(tmp_path, "[income]\ntenant_share = 0.7\nfund_share = 0.2\neligible_workers = { T01 = 12 }\n"
                                "[settlement]\nrec_price_krw_per_kwh = 60.0\nre100_target = { T02 = 0.4 }")
    park = read_park(path)
    assert park.income.tenant_share == 0.7 and park.income.fund_share == 0.2
    assert park.income.eligibility_lag_quarters == settlement_data("sunlight_income")["eligibility_lag_quarters"]
    rules = rules_for(park)
    assert rules.income is park.income
    assert rules.income.fund_share == 0.2 and rules.income.eligible_workers == {"T01": 12}
    assert rules.rec_price_krw_per_kwh == 60.0
    assert rules.target("T02") == 0.4 and rules.target("T01") == 1.0
    assert rules.green_premium_krw_per_kwh == default_rules().green_premium_krw_per_kwh


@pytest.mark.parametrize(("tables", "expected"), [
    ("[income]\ntenant_share = 1.5", ": income.tenant_share = 1.5: "),
    ("[income]\ntenant_basis = \"heads\"", ": income.tenant_basis = 'heads': "),
    ("[income]\neligibility_lag_quarters = 1.5", ": income.eligibility_lag_quarters = 1.5: "),
    ("[income]\nsource = \"mine\"", ": income.source = 'mine': unknown field, expected one of ["),
    ("[settlement]\nrec_price_krw_per_kwh = nan", ": settlement.rec_price_krw_per_kwh = nan: "),
    ("[settlement]\nre100_target = { T01 = 1.2 }", ": settlement.re100_target.T01 = 1.2: "),
    ("[settlement]\nrec_price = 60.0", ": settlement.rec_price = 60.0: unknown field, expected one of ["),
])
def test_a_bad_table_value_is_a_one_line_error(tmp_path, tables, expected):
    path = _park_file(tmp_path, tables)
    with pytest.raises(ParkFileError) as caught:
        read_park(path)
    message = str(caught.value)
    assert message.startswith(f"{path}{expected}"), message
    assert "\n" not in message


def test_scenario_overrides_go_through_the_same_validation(tmp_path):
    path = _park_file(tmp_path, "[income]\ntenant_share = 0.7")
    park = read_park(path)
    assert apply_overrides(park, Scenario(), str(path)) == park
    changed = apply_overrides(park, Scenario("s", {"seller_share": 0.7, "battery_scale": 2.0, "pv_scale": 0.0,
                                                   "market": {"trade_fee_krw_per_kwh": 5.0}}), str(path))
    assert changed.income.tenant_share == 0.7 and rules_for(changed).income.tenant_share == 0.7
    assert changed.market.seller_share == 0.7 and changed.market.trade_fee_krw_per_kwh == 5.0
    assert not [asset for asset in changed.assets if asset.kind == "pv"]
    battery, original = changed.assets_of_role("storage")[0], park.assets_of_role("storage")[0]
    assert battery.energy_capacity_kwh == 2 * original.energy_capacity_kwh
    assert park.market.seller_share == 0.5  # the park itself is left unchanged
    with pytest.raises(ParkFileError, match=r"\(scenario bad\): market.seller_share = 1.5: "):
        apply_overrides(park, Scenario("bad", {"seller_share": 1.5}), str(path))
    with pytest.raises(ParkFileError, match=r"\(scenario bad\): market.pricing_rule = 'auction': expected one of"):
        apply_overrides(park, Scenario("bad", {"pricing_rule": "auction"}), str(path))
    with pytest.raises(ParkFileError, match=r"\(scenario bad\): participants\[0\].tariff = 'none': "):
        apply_overrides(park, Scenario("bad", {"tariff": "none"}), str(path))
    with pytest.raises(EngineInputError, match=r"scenarios\['bad'\].market.sellers_share: unknown field"):
        apply_overrides(park, Scenario("bad", {"market": {"sellers_share": 0.7}}), str(path))


def test_pricing_registry_and_vocabulary_agree(tmp_path):
    assert set(PRICING_RULES) == {rule.value for rule in PricingRuleName} == set(PRICING_RULE_NAMES)
    assert all(rule.name == name for name, rule in PRICING_RULES.items())
    text = demo_park_path().read_text(encoding="utf-8").replace('pricing_rule = "shared_savings"',
                                                                 'pricing_rule = "auction"')
    path = tmp_path / "park.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParkFileError, match=r"market.pricing_rule = 'auction': expected one of "
                                            r"\['marginal', 'pay_as_bid', 'pay_as_clear', 'shared_savings'\]"):
        read_park(path)


@pytest.mark.parametrize("module", ["loader.py", "schema.py", "tables.py", "__init__.py"])
def test_the_park_reader_never_imports_a_higher_layer(module):
    tree = ast.parse((REPO / "microgrid" / "park" / module).read_text(encoding="utf-8"))
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert imported and not [name for name in imported if name.split(".")[0] in ("market", "ui")]
