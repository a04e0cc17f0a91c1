"""``microgrid report --batch DIR``: one self-contained HTML file (PNGs embedded as base64)."""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

from market.batch.runner import open_batch
from market.batch.summary import summarize_batch
from market.report.plots import scenario_plots

ROWS = [
    ("load_kwh", "Load", "MWh", 1e-3, "{:,.0f}"),
    ("self_sufficiency", "Self-sufficiency", "%", 100, "{:.1f}"),
    ("renewable_share", "Renewable share (PV + wind)", "%", 100, "{:.1f}"),
    ("traded_kwh", "Energy traded directly", "MWh", 1e-3, "{:,.0f}"),
    ("grid_import_kwh", "Grid import", "MWh", 1e-3, "{:,.0f}"),
    ("grid_export_kwh", "Grid export", "MWh", 1e-3, "{:,.0f}"),
    ("cost_krw", "Energy cost", "M KRW", 1e-6, "{:,.1f}"),
    ("grid_only_cost_krw", "Grid-only cost", "M KRW", 1e-6, "{:,.1f}"),
    ("saving_krw", "Saving against grid-only", "M KRW", 1e-6, "{:,.1f}"),
    ("sunlight_fund_krw", "Sunlight-income fund", "M KRW", 1e-6, "{:,.1f}"),
    ("emissions_avoided_tco2", "Emissions avoided", "tCO2eq", 1, "{:,.0f}"),
    ("peak_import_kw", "Peak import", "kW", 1, "{:,.0f}"),
    ("battery_cycles", "Battery equivalent full cycles", "-", 1, "{:.1f}"),
]


def _image(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode()


def write_report(batch: str | Path, out: str | Path | None = None, *, fund_share: float | None = None) -> Path:
    """Write ``report.html`` (and ``summary.json``, PNGs in ``plots/``) for a batch folder.

    ``fund_share``: the sunlight-income share [1], default
    :func:`market.batch.summary.batch_fund_share`. Figures: :func:`market.figures.span_figures`.

    Returns
    -------
    Path
        The HTML file.
    """
    batch = Path(batch)
    out = Path(out) if out is not None else batch / "report"
    out.mkdir(parents=True, exist_ok=True)
    dataset = open_batch(batch)
    summaries = summarize_batch(dataset, fund_share=fund_share)
    (out / "summary.json").write_text(json.dumps([s.as_dict() for s in summaries], indent=2))
    names = [s.scenario for s in summaries]
    head = "".join(f"<th>{html.escape(n)}</th>" for n in names)
    body = []
    for key, label, unit, scale, fmt in ROWS:
        cells = "".join(f"<td>{fmt.format(getattr(s, key) * scale)}</td>" for s in summaries)
        body.append(f"<tr><th>{html.escape(label)} [{unit}]</th>{cells}</tr>")
    sections = []
    for name in names:
        plots = scenario_plots(dataset.sel(scenario=name).load(), out / "plots", name)
        figures = "".join(f"<figure><img src='{_image(p)}' alt='{html.escape(t)}'><figcaption>{html.escape(t)}"
                          f"</figcaption></figure>" for t, p in plots.items())
        sections.append(f"<h2>Scenario {html.escape(name)}</h2>{figures}")
    attrs = dataset.attrs
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>Batch report</title>
<style>body{{font-family:sans-serif;max-width:1000px;margin:auto}}td,th{{padding:3px 8px;text-align:right}}
table{{border-collapse:collapse}}tr:nth-child(even){{background:#f3f3f3}}img{{max-width:100%}}</style></head><body>
<h1>{html.escape(str(attrs.get('park', 'Park')))}: batch {html.escape(str(attrs.get('start', '')))} to
{html.escape(str(attrs.get('end', '')))}</h1>
<p>Rolling day-ahead dispatch ({html.escape(str(attrs.get('forecast_kind', '')))}), SOC carried from day to day.
Definitions: <code>market/figures.py</code>.</p>
<table><tr><th>figure</th>{head}</tr>{''.join(body)}</table>
{''.join(sections)}</body></html>"""
    path = out / "report.html"
    path.write_text(page, encoding="utf-8")
    return path
