"""Every variable of the dispatch result, declared once (Calliope style).

:data:`RESULT_VARIABLES` lists what :func:`market.dispatch.results.window_result`
writes, in order: name, dims, units, ``long_name``, ``cell_methods`` and a
description (:class:`microgrid.variables.Variable`; the forecast's
``available_generation`` and ``load`` are re-used from
:data:`microgrid.variables.FORECAST_VARIABLES`). The Dataset's attributes come
from here; README.md's table of the Dataset contract is :func:`contract_table`
(tested equal: ``python -m market.dispatch.variables`` rewrites it).
:data:`BATCH_VARIABLES` adds what the batch files add; :data:`VARIABLES` is
every declared name, coordinates included.

Units and money: see :mod:`microgrid.variables` (UDUNITS-2 ``kW h``, ``kW``,
``1``; money ``KRW`` and prices ``KRW/(kW h)`` with ``currency = "KRW"``).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from microgrid.variables import (
    COORDINATES,
    FORECAST_VARIABLES,
    KRW,
    KRW_PER_KWH,
    KW,
    KWH,
    ONE,
    Variable,
)

__all__ = ["RESULT_VARIABLES", "BATCH_VARIABLES", "VARIABLES", "Variable", "declared", "contract_table",
           "README_START", "README_END", "readme_section", "write_readme_table"]

_TP, _TSB, _TF, _TA, _TS = (("time", "participant"), ("time", "seller", "buyer"), ("time", "feeder"),
                            ("time", "asset"), ("time", "storage"))
SUM, MEAN, POINT = "time: sum", "time: mean", "time: point"


def _v(name, dims, units, long_name, cell_methods, description, **extra) -> Variable:
    return Variable(name, dims, units, long_name, cell_methods, description, **extra)


#: The dispatch result's variables, in the Dataset's order.
RESULT_VARIABLES: dict[str, Variable] = {v.name: v for v in (
    FORECAST_VARIABLES["load"],
    _v("generation", _TP, KWH, "own generation delivered", SUM,
       "Energy the participant's generators deliver in the step."),
    _v("curtailment", _TP, KWH, "own generation curtailed", SUM,
       "Available free energy (PV, wind, waste heat) of the participant's generators not delivered."),
    _v("grid_import", _TP, KWH, "bought from KEPCO", SUM, "Energy the participant imports from the grid."),
    _v("grid_export", _TP, KWH, "sold to the grid", SUM, "Energy the participant exports to the grid (at SMP)."),
    _v("sold", _TP, KWH, "sold in direct trades", SUM, "Energy the participant sells to other participants."),
    _v("bought", _TP, KWH, "bought in direct trades", SUM, "Energy the participant buys from other participants."),
    _v("storage_charge", _TP, KWH, "charged into own storage", SUM,
       "Energy charged into the participant's storage (AC side)."),
    _v("storage_discharge", _TP, KWH, "discharged from own storage", SUM,
       "Energy discharged from the participant's storage (AC side)."),
    _v("import_price", _TP, KRW_PER_KWH, "marginal grid price incl. adders and fund, excl. VAT", MEAN,
       "Marginal price of a kWh bought from KEPCO.", over_entities="mean"),
    _v("generation_cost", _TP, KRW, "running cost of own generation (fuel)", SUM,
       "Marginal cost of the participant's generators times what they deliver (0 for PV, wind, waste heat)."),
    _v("energy_cost", _TP, KRW,
       "grid energy cost - export revenue + trade payments incl. fee - trade revenue + fuel of own generation",
       SUM, "The participant's energy cost of the step."),
    _v("grid_only_cost", _TP, KRW, "energy cost if all load came from KEPCO", SUM,
       "Load times the marginal grid price."),
    _v("trade", _TSB, KWH, "direct trade seller -> buyer", SUM, "Energy the seller delivers to the buyer."),
    _v("trade_price", _TSB, KRW_PER_KWH, "price paid to the seller, excl. platform fee", MEAN,
       "Price of the trade under the pricing rule.", over_entities="mean"),
    _v("clearing_price", _TF, KRW_PER_KWH, "marginal value of internal energy at the feeder (duals)", MEAN,
       "Dual of the pool balance plus the feeder's.", over_entities="mean"),
    _v("export_price", ("time",), KRW_PER_KWH, "grid export price (SMP)", MEAN,
       "Price KEPCO pays for exported energy.", over_entities="mean"),
    FORECAST_VARIABLES["available_generation"],
    _v("asset_generation", _TA, KWH, "generation delivered", SUM, "Energy the generator delivers."),
    _v("asset_curtailment", _TA, KWH, "generation curtailed", SUM,
       "Available free energy not delivered (0 for a generator with a running cost: it saves its fuel)."),
    _v("charge", _TS, KWH, "energy charged (AC side)", SUM, "Energy into the storage, AC side."),
    _v("discharge", _TS, KWH, "energy discharged (AC side)", SUM, "Energy out of the storage, AC side."),
    _v("soc", _TS, KWH, "state of charge at the end of the step", POINT,
       "Energy stored at the end of the step (never sum it over time)."),
    _v("feeder_flow", _TF, KWH, "main bus -> feeder (negative: feeder exports)", SUM,
       "Net energy from the main bus into the feeder."),
    _v("transformer_flow", ("time",), KWH, "KEPCO -> park (negative: reverse flow)", SUM,
       "Net energy through the park's transformer."),
    _v("feeder_limit", ("feeder",), KW, "feeder thermal limit into the feeder", None,
       "Limit on power from the main bus into the feeder.", over_entities="mean"),
    _v("feeder_reverse_limit", ("feeder",), KW, "feeder thermal limit out of the feeder", None,
       "Limit on power from the feeder to the main bus.", over_entities="mean"),
    _v("asset_renewable", ("asset",), ONE, "counts as renewable under RE100", None,
       "Flag: 1 for PV and wind, 0 for waste heat (ORC) and fuel cells (RE100 v4.1).", over_entities="mean"),
    _v("renewable_clearing_price", ("time",), KRW_PER_KWH, "clearing price of renewable-only energy (duals)", MEAN,
       "Dual of the pool balance plus the largest dual of a seller's renewable limit: what one more kWh "
       "of renewable energy is worth to renewable-only bids (the pool's price where it is not scarce).",
       over_entities="mean"),
    _v("matched_any", _TP, KWH, "bought through any-product bids", SUM,
       "Energy the participant's order-book bids for any park energy cleared (0 without an order book)."),
    _v("matched_renewable", _TP, KWH, "bought through renewable-only bids", SUM,
       "Energy the participant's renewable-only bids cleared, all of it from sellers' renewable generation."),
    _v("contract_delivered", _TP, KWH, "received under bilateral contracts", SUM,
       "Energy delivered to the participant as buyer of standing bilateral contracts (part of bought)."),
    _v("contract_shortfall", _TP, KWH, "contracted but not delivered", SUM,
       "Contract energy the participant was due as buyer and did not get (settled by the contract's rule)."),
    _v("deferrable_load", _TP, KWH, "deferrable load scheduled", SUM,
       "Energy of the participant's deferrable loads placed in the step (part of load)."),
    _v("curtailed_load", _TP, KWH, "load shed at its value of lost load", SUM,
       "Curtailable load the participant sheds in the step (load excludes it)."),
)}

#: Variables the batch adds to its chunk and scenario files.
BATCH_VARIABLES: dict[str, Variable] = {v.name: v for v in (
    _v("day_objective", ("day",), KRW, "optimal objective of each day's LP", None,
       "The day's LP objective (the committed day's, or the whole look-ahead window's)."),
    _v("storage_capacity_kwh", ("storage",), KWH, "nameplate energy capacity", None,
       "Same as the coordinate storage_energy_capacity_kwh; kept for files written before it."),
)}

#: Every declared name: result and batch variables, descriptive coordinates.
VARIABLES: dict[str, Variable] = {**RESULT_VARIABLES, **BATCH_VARIABLES, **COORDINATES}


def declared(name: str) -> Variable | None:
    """The declaration of ``name``, or None."""
    return VARIABLES.get(name)


README_START = "<!-- dataset-contract: generated by `python -m market.dispatch.variables`, do not edit -->"
README_END = "<!-- /dataset-contract -->"


def contract_table() -> str:
    """The README's table of the Dataset contract, from the declaration."""
    lines = ["| variable | dims | units | cell_methods | long_name |", "|---|---|---|---|---|"]
    for variable in RESULT_VARIABLES.values():
        lines.append(f"| `{variable.name}` | `{', '.join(variable.dims)}` | `{variable.units}` | "
                     f"{variable.cell_methods or '-'} | {variable.long_name} |")
    lines += ["", "| coordinate | dims | units | long_name |", "|---|---|---|---|"]
    for variable in COORDINATES.values():
        lines.append(f"| `{variable.name}` | `{', '.join(variable.dims)}` | `{variable.units}` | {variable.long_name} |")
    return "\n".join(lines)


def readme_section(text: str) -> str:
    """The generated part of a README's text (between the markers)."""
    match = re.search(re.escape(README_START) + r"\n(.*?)\n" + re.escape(README_END), text, re.S)
    if match is None:
        raise ValueError("README has no dataset-contract markers")
    return match[1]


def write_readme_table(path: str | Path) -> None:
    """Rewrite the generated table between the markers of ``path``."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    old = readme_section(text)
    path.write_text(text.replace(f"{README_START}\n{old}\n", f"{README_START}\n{contract_table()}\n"),
                    encoding="utf-8")


if __name__ == "__main__":
    write_readme_table(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "README.md")
