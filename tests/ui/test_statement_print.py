"""The printable statement `microgrid statement` writes, on the demo ledger the app uses (real dispatch + settle).

Checked against the ledger directly (not against the bill code's own sums): the KEPCO lines add up
to 청구금액, both sections to the net, the net is minus the tenant's ledger entries of the month; the
page names KEPCO's items in Korean (English with ``--lang en``), shows no internal key, no NaN, no
fractional won; and Debian's chromium prints it on A4 without anything sticking out of the page.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from market.ledger import open_ledger
from ui.cli import app

MONTH = "2026-07"
CHROMIUM = Path("/usr/bin/chromium")
KEPCO_ITEMS_KO = ("요금적용전력", "기본요금", "경부하", "중간부하", "최대부하", "기후환경요금", "연료비조정요금",
                  "전력산업기반기금", "부가가치세", "한전 청구금액")


class _Tables(HTMLParser):
    """Every table of a page as rows of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._row is not None:
            self._row.append("".join(self._cell or []).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _won(text: str) -> int:
    assert re.fullmatch(r"−?[0-9]{1,3}(,[0-9]{3})*", text), f"not whole won: {text!r}"
    return -int(text[1:].replace(",", "")) if text.startswith("−") else int(text.replace(",", ""))


@pytest.fixture(scope="module")
def printed(demo_results, tmp_path_factory):
    out = tmp_path_factory.mktemp("statement")
    pages = {}
    for lang in ("ko", "en"):
        done = CliRunner().invoke(app, ["statement", "--participant", "T01", "--month", MONTH, "--db", demo_results.db,
                                        "--out", str(out / f"T01-{lang}.csv"), "--lang", lang])
        assert done.exit_code == 0, done.output
        pages[lang] = (out / f"T01-{lang}.html").read_text(encoding="utf-8")
    ledger = open_ledger(demo_results.db)
    entries = ledger.read_tables().entries
    mine = entries[(entries["account"] == "participant:T01:cash")
                   & (entries["day"].astype(str).str.startswith(MONTH))]
    return pages, mine, done.output


def test_korean_page_is_laid_out_like_a_kepco_bill(printed):
    pages, _mine, _output = printed
    page = pages["ko"]
    for item in KEPCO_ITEMS_KO:
        assert item in page, item
    assert "<html lang='ko'>" in page
    assert "산업용(을) 고압A 선택II" in page  # 계약종별 as KEPCO writes it, from the tariff file
    # no internal vocabulary, no missing values, no raw floats
    for leak in ("day:2026", "kepco_climate", "participant:", "NaN", "nan", "None", "trade_purchase"):
        assert leak not in page, leak
    assert "@page { size: A4 portrait" in page


def test_amounts_reconcile_with_the_ledger(printed):
    pages, mine, output = printed
    assert len(mine) > 0
    ledger_pays = -int(round(float(mine["amount_krw"].sum())))  # + = the tenant pays
    for lang, page in pages.items():
        parser = _Tables()
        parser.feed(page)
        _info, kepco, park, totals = parser.tables[:4]
        kepco_lines = [_won(row[2]) for row in kepco[1:-1] if row[2]]
        kepco_total = _won(kepco[-1][2])
        park_lines = [_won(row[2]) for row in park[1:-1] if row[2]]
        park_total = _won(park[-1][2])
        assert sum(kepco_lines) == kepco_total, lang
        assert sum(park_lines) == park_total, lang
        net_text = totals[-1][1].split()[0]
        net = _won(net_text)
        # the net row says "you receive" with a positive figure when the tenant is paid
        receive = ("수령" in totals[-1][0]) or ("receive" in totals[-1][0])
        assert (-net if receive else net) == ledger_pays == kepco_total + park_total, lang
        # KEPCO's total is the ledger's KEPCO legs, read straight from the ledger
        kepco_legs = mine[mine["kind"].astype(str).str.startswith("kepco")]
        assert kepco_total == -int(round(float(kepco_legs["amount_krw"].sum()))), lang
        days = parser.tables[-1]
        assert sum(_won(row[-1]) for row in days[1:]) == ledger_pays, lang
    # the command prints the same net with the same sign
    assert f"net {ledger_pays:,} KRW to pay" in output


def test_english_page_translates_every_item(printed):
    page = printed[0]["en"]
    assert "Basic (demand) charge" in page and "KEPCO amount billed" in page and "Billed demand" in page
    assert not re.search(r"[가-힣]", page.split("<body>")[1].replace("원", "")), "Korean text on the English page"


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent (CI: make browser)")
def test_prints_on_a4_without_overflow(printed, tmp_path):
    playwright_api = pytest.importorskip("playwright.sync_api")
    pages, _mine, _output = printed
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            for lang, page_html in pages.items():
                page = browser.new_page(viewport={"width": 703, "height": 1000})  # A4 less 2 x 12 mm at 96 dpi
                page.set_content(page_html)
                page.emulate_media(media="print")
                overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
                assert overflow <= 0, f"{lang}: {overflow} px wider than A4's printable width"
                pdf = page.pdf(format="A4", print_background=True)
                pages_printed = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
                assert 1 <= pages_printed <= 3, f"{lang}: {pages_printed} A4 pages"
                page.close()
        finally:
            browser.close()
