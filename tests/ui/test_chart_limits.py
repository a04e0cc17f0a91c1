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
