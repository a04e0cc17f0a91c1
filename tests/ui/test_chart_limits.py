"""Limit lines: the element's own colour (the same in Korean and English), forward and reverse dashed apart."""

import pandas as pd

from ui import charts


def _chart(lang):
    flows = pd.DataFrame({"hour": [0, 1, 0, 1], "element": ["F1", "F1", "F2", "F2"], "kw": [10.0, 20.0, -5.0, 3.0]})
    limits = pd.DataFrame({"element": ["F1", "F2", "F1", "F2"], "kw": [100.0, 80.0, -50.0, -40.0]})
    return charts.flows_against_limits(flows, limits, "flows", lang).to_dict()


def test_colours_stable_between_languages_and_dashes_by_direction():
    ko, en = _chart("ko"), _chart("en")
    scales = [layer["encoding"]["color"]["scale"] for layer in ko["layer"]]
    assert scales[0] == scales[1] == [layer["encoding"]["color"]["scale"] for layer in en["layer"]][0]
    assert scales[0]["domain"] == ["F1", "F2"] and scales[0]["range"][0] != scales[0]["range"][1]
    dash = en["layer"][1]["encoding"]["strokeDash"]["scale"]
    assert dash["domain"] == ["import limit", "export limit"] and dash["range"][0] != dash["range"][1]


def test_tou_shading_sits_behind_the_flows_in_fixed_colours_in_both_languages():
    flows = pd.DataFrame({"hour": [0, 1], "element": ["F1", "F1"], "kw": [10.0, 20.0]})
    limits = pd.DataFrame({"element": ["F1", "F1"], "kw": [100.0, -50.0]})
    tou = pd.DataFrame({"start_hour": [0.0, 8.0, 15.0], "end_hour": [8.0, 15.0, 21.0],
                        "band": ["light", "mid", "peak"]})
    specs = {lang: charts.flows_against_limits(flows, limits, "flows", lang, tou).to_dict() for lang in ("ko", "en")}
    for lang, spec in specs.items():
        shading = spec["layer"][0]
        assert shading["mark"]["type"] == "rect" and shading["encoding"]["x2"]["field"] == "end_hour"
        assert shading["encoding"]["fill"]["scale"]["range"] == list(charts.TOU_COLOURS.values())
    domain = specs["ko"]["layer"][0]["encoding"]["fill"]["scale"]["domain"]
    assert domain == ["경부하", "중간부하", "최대부하"]
    assert specs["en"]["layer"][0]["encoding"]["fill"]["scale"]["domain"] == ["off-peak", "mid", "peak"]


def test_trades_by_source_stack_to_the_hours_total_with_translated_sources():
    time = pd.to_datetime(["2026-07-01 12:00", "2026-07-01 12:00", "2026-07-01 13:00"]).tz_localize("Asia/Seoul")
    frame = pd.DataFrame({"time": time, "source": ["orc", "pv", "pv"], "energy_kwh": [10.0, 30.0, 5.0]})
    spec = charts.trades_by_source(frame, "ko").to_dict()
    rows = {(r["hour"], r["label"]): (r["bottom"], r["top"]) for r in next(iter(spec["datasets"].values()))}
    assert rows[(12, "태양광")] == (0.0, 30.0) and rows[(12, "폐열발전(ORC)")] == (30.0, 40.0)
    assert rows[(13, "태양광")] == (0.0, 5.0)
