"""A tenant's monthly statement as a page that prints on A4, in Korean or English.

Laid out like a KEPCO bill (고객 정보, 요금적용전력, 기본요금, 경부하·중간·최대 kWh and
their charges, 기후환경·연료비조정, 전력산업기반기금, 부가가치세, 청구금액), then the park's own items
(direct trades, platform fees, export, imbalance, sunlight income, corrections), the month's
net, the RE100 figures and one line per settled day. Every amount is whole won with one sign
for the whole page (+ = the tenant pays, − = it receives), the same rows as the app's bill
(:func:`ui.views.bill_logic.monthly_bill`), so the page, the app and the ledger agree to the won.

The page is self-contained HTML (no script, no external font or file), sized for A4 portrait
with 12 mm margins (``@page``); Korean text does not break inside words (``word-break: keep-all``).
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import pandas as pd

from market.ledger.vocabulary import LegKind
from market.settlement.statement import Statement, write_statement_csv
from microgrid.park import Park
from ui.i18n import LABELS, t
from ui.views.bill_logic import KEPCO_KINDS, MonthlyBill, monthly_bill


#: Worker-statement labels the app's worker page already has (:mod:`ui.i18n`), by the statement's name.
_WORKER_SHARED = {"lag": "worker_lag", "lag_value": "worker_lag_value", "quarter": "quarter", "yes": "yes", "no": "no",
                  "eligible": "worker_eligible"}

_TRADE_KINDS = {LegKind.TRADE_PURCHASE, LegKind.TRADE_SALE, LegKind.TRADE_FEE}

_CSS = """
@page { size: A4 portrait; margin: 12mm; }
* { box-sizing: border-box; }
body { font-family: 'NanumGothic', 'Nanum Gothic', 'Noto Sans KR', 'Malgun Gothic', 'Apple SD Gothic Neo', sans-serif;
       font-size: 9.5pt; color: #111; margin: 0 auto; max-width: 186mm; word-break: keep-all; overflow-wrap: break-word; }
h1 { font-size: 15pt; margin: 0 0 2mm 0; border-bottom: 2px solid #1f4e79; padding-bottom: 1.5mm; color: #1f4e79; }
h2 { font-size: 11pt; margin: 4mm 0 1.5mm 0; color: #1f4e79; break-after: avoid; }
table { border-collapse: collapse; width: 100%; break-inside: auto; }
tr { break-inside: avoid; }
th, td { border: 1px solid #9aa5b1; padding: 1mm 2mm; vertical-align: top; }
th { background: #e8eef5; font-weight: 600; text-align: left; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.info td { width: 25%; }
table.info td.key { background: #f4f6f9; font-weight: 600; }
tr.total td { font-weight: 700; background: #f4f6f9; }
tr.net td { font-weight: 700; font-size: 11pt; background: #dde7f2; }
p.sign, p.footer { font-size: 8pt; color: #444; margin: 1.5mm 0; }
"""


def label(key: str, lang: str) -> str:
    """The statement label ``key`` in ``lang`` (``ko`` or ``en``): ``print_<key>`` of :data:`ui.i18n.LABELS`."""
    return t(f"print_{key}", lang)


def won(amount: float) -> str:
    """Whole won with thousands separators and a real minus sign: ``1,234,567``, ``−8,900``."""
    value = int(round(amount))
    return f"−{-value:,}" if value < 0 else f"{value:,}"


def _quantity(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    return f"{value:,.1f} {unit}".strip()


def _row(cells: list[tuple[str, bool]], css: str = "") -> str:
    klass = f" class='{css}'" if css else ""
    return f"<tr{klass}>" + "".join(
        f"<td class='num'>{html.escape(text)}</td>" if numeric else f"<td>{html.escape(text)}</td>"
        for text, numeric in cells) + "</tr>"


def _bill_table(bill: MonthlyBill, section: str, lang: str) -> str:
    head = (f"<tr><th>{label('item', lang)}</th><th class='num'>{label('quantity', lang)}</th>"
            f"<th class='num'>{label('amount', lang)}</th></tr>")
    body = []
    for row in bill.rows:
        if row.section == section:
            amount = "" if row.amount_krw is None else won(row.amount_krw)
            body.append(_row([(t(row.label, lang), False), (_quantity(row.quantity, row.unit), True), (amount, True)]))
    total_key = "bill_kepco_total" if section == "kepco" else "bill_park_total"
    total = bill.kepco_total_krw if section == "kepco" else bill.park_total_krw
    body.append(_row([(t(total_key, lang), False), ("", True), (won(total), True)], "total"))
    return "<table>" + head + "".join(body) + "</table>"


def _daily_table(lines: pd.DataFrame, lang: str) -> str:
    """One row per settled day: KEPCO, direct trades, other items and the day's total [KRW, + = pays]."""
    head = "<tr>" + "".join(f"<th{' class=num' if key != 'day' else ''}>{label(key, lang)}</th>"
                            for key in ("day", "day_kepco", "day_trades", "day_other", "day_net")) + "</tr>"
    if lines.empty:
        return "<table>" + head + "</table>"
    kinds = lines["kind"].astype(str)
    frame = pd.DataFrame({
        "day": pd.to_datetime(lines["day"]).dt.date,
        "kepco": -lines["amount_krw"].where(kinds.isin(KEPCO_KINDS), 0.0),
        "trades": -lines["amount_krw"].where(kinds.isin(_TRADE_KINDS), 0.0),
        "other": -lines["amount_krw"].where(~kinds.isin(KEPCO_KINDS | _TRADE_KINDS), 0.0),
    }).groupby("day", sort=True).sum()
    body = [_row([(day.isoformat(), False), (won(r.kepco), True), (won(r.trades), True), (won(r.other), True),
                  (won(r.kepco + r.trades + r.other), True)]) for day, r in frame.iterrows()]
    return "<table>" + head + "".join(body) + "</table>"


def _re100_table(re100: pd.DataFrame, lang: str) -> str:
    if re100.empty:
        return f"<p>{label('re100_none', lang)}</p>"
    renewable = re100[["renewable_own_kwh", "renewable_storage_kwh", "renewable_bought_kwh"]].sum(axis=1)
    keys = ("re100_load", "re100_renewable", "re100_annual", "re100_hourly", "re100_market")
    head = "<tr><th></th>" + "".join(f"<th class='num'>{label(key, lang)}</th>" for key in keys) + "</tr>"
    body = []
    for (_, row), green in zip(re100.iterrows(), renewable):
        period = label(f"re100_period_{row['period']}", lang) if f"print_re100_period_{row['period']}" in LABELS \
            else str(row["period"])
        body.append(_row([(period, False), (f"{row['load_kwh']:,.0f} kWh", True), (f"{green:,.0f} kWh", True),
                          (f"{100 * row['annual_match']:.1f} %", True), (f"{100 * row['hourly_match']:.1f} %", True),
                          (f"{row['market_tco2eq']:,.2f} tCO₂eq", True)]))
    note = "" if float(renewable.iloc[0]) > 0 else f"<p>{label('re100_none', lang)}</p>"
    return note + "<table>" + head + "".join(body) + "</table>"


def statement_html(statement: Statement, park: Park, lang: str = "ko", issued: dt.date | None = None) -> str:
    """The printable statement of ``statement`` (one tenant, one month) in ``lang``.

    Parameters
    ----------
    statement : Statement
        From :func:`market.settlement.statement.monthly_statement` (the tenant's cash-account lines).
    park : Park
        The park the ledger belongs to (customer data: display name, tariff, contract power [kW]).
    lang : {"ko", "en"}
    issued : datetime.date, optional
        The date printed as issued (default: today).

    Returns
    -------
    str
        A complete HTML document that prints on A4 portrait.
    """
    if lang not in ("ko", "en"):
        raise ValueError(f"lang = {lang!r}: expected 'ko' or 'en'")
    from microgrid.tariffs import load_tariff

    participant = park.participant(statement.participant)
    bill = monthly_bill(statement.lines)
    period = pd.Period(statement.month, freq="M")
    days = sorted(pd.to_datetime(statement.lines["day"]).dt.date.unique()) if len(statement.lines) else []
    # the version in force on the month's last settled day (the bill's KEPCO lines are priced day by day)
    tariff = load_tariff(participant.tariff, days[-1] if days else period.end_time.date())
    info = [
        (label("park", lang), park.name, label("month", lang), statement.month),
        (label("customer", lang), participant.display_name or participant.name,
         label("customer_id", lang), participant.name),
        (label("tariff", lang), tariff.title_ko if lang == "ko" else tariff.title,
         label("contract_power", lang), f"{participant.contract_power_kw:,.0f} kW"),
        (label("period", lang), f"{period.start_time.date():%Y-%m-%d} ~ {period.end_time.date():%Y-%m-%d}",
         label("days_settled", lang), f"{len(days)}"),
        (t("bill_billed_demand", lang), _quantity(bill.billed_demand_kw, "kW") or "—",
         label("issued", lang), f"{issued or dt.date.today():%Y-%m-%d}"),
    ]
    info_rows = "".join(
        "<tr>" + "".join(f"<td class='key'>{html.escape(a)}</td><td>{html.escape(b)}</td>"
                         for a, b in ((k1, v1), (k2, v2))) + "</tr>" for k1, v1, k2, v2 in info)
    net_key = "net" if bill.net_krw >= 0 else "net_receive"
    net_amount = bill.net_krw if bill.net_krw >= 0 else -bill.net_krw
    title = f"{label('title', lang)} · {participant.display_name or participant.name} · {statement.month}"
    body = [
        f"<h1>{html.escape(title)}</h1>",
        f"<table class='info'>{info_rows}</table>",
        f"<p class='sign'>{label('sign', lang)}</p>",
        f"<h2>{label('kepco_section', lang)}</h2>", _bill_table(bill, "kepco", lang),
        f"<h2>{label('park_section', lang)}</h2>", _bill_table(bill, "park", lang),
        f"<h2>{label('total_section', lang)}</h2>",
        "<table>" + _row([(t("bill_kepco_total", lang), False), (won(bill.kepco_total_krw), True)])
        + _row([(t("bill_park_total", lang), False), (won(bill.park_total_krw), True)])
        + _row([(label(net_key, lang), False), (f"{net_amount:,} " + ("원" if lang == "ko" else "KRW"), True)], "net")
        + "</table>",
        f"<h2>{label('re100_section', lang)}</h2>", _re100_table(statement.re100, lang),
        f"<h2>{label('days_section', lang)}</h2>", _daily_table(statement.lines, lang),
        f"<p class='footer'>{label('footer', lang)}</p>",
    ]
    return (f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>"
            f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
            + "".join(body) + "</body></html>")


def write_printable_statement(statement: Statement, park: Park, path: str | Path,
                              lang: str = "ko") -> tuple[Path, Path]:
    """Write the statement's CSV lines at ``path`` and the printable page beside it (``.html``), atomically."""
    from market.settlement.statement import atomic_write_text

    csv_path = write_statement_csv(statement, path)
    html_path = csv_path.with_suffix(".html")
    atomic_write_text(html_path, statement_html(statement, park, lang))
    return csv_path, html_path




def worker_statement_html(statement, lang: str = "ko") -> str:
    """A worker's statement (:class:`market.income.workers.WorkerStatement`) as a printable A4 page."""
    def w(key: str, **values) -> str:
        return t(_WORKER_SHARED.get(key, f"print_worker_{key}"), lang).format(**values)

    worker = statement.worker
    info = [(w("worker"), worker.worker_id), (w("employer"), worker.employer),
            (w("start"), worker.start_date.isoformat()), (w("weight"), f"{worker.weight:g}"),
            (w("lag"), w("lag_value", n=statement.lag_quarters)), (w("first"), statement.first_eligible),
            (w("next"), w("next_value", q=statement.next_payment) if statement.next_payment else w("left"))]
    info_rows = "".join(f"<tr><td class='key'>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>" for k, v in info)
    head = (f"<tr><th>{w('quarter')}</th><th>{w('eligible')}</th><th>{w('settled')}</th>"
            f"<th class='num'>{w('paid')}</th></tr>")
    body = "".join(_row([(row.quarter, False), (w("yes") if row.eligible else w("no"), False),
                         (w("yes") if row.settled else w("no"), False), (won(row.paid_krw), True)])
                   for row in statement.quarters.itertuples(index=False))
    body += _row([(w("total"), False), ("", False), ("", False), (won(statement.total_krw), True)], "total")
    title = f"{w('title')} · {worker.worker_id} · {statement.year}"
    return (f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{_CSS}</style></head><body><h1>{html.escape(title)}</h1>"
            f"<table class='info'>{info_rows}</table><h2>{w('paid')}</h2><table>{head}{body}</table>"
            f"<p class='footer'>{w('footer')}</p></body></html>")
