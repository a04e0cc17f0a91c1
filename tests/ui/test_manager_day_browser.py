"""The manager's day in a real browser (Debian's chromium) on what the command line wrote.

``python -m ui.server`` serves the ``cli_workspace`` (tests/ui/conftest.py: dispatch, settle, monitor with
a critical SOC alarm, redispatch). Screenshots at 1440x900 and 390x844 in Korean and English go to
``$UI_SCREENSHOTS`` when set (``docs/screenshots`` holds the committed ones), else to a temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.ui.conftest import free_port, start_server, stop_server
from tests.ui.test_browser import CHROMIUM, _body, _login, _wait_for_title
from tests.ui.test_browser import browser  # noqa: F401  (the one Debian-chromium fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent (CI: apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def cli_server(cli_workspace):
    process, base = start_server(cli_workspace, free_port())
    yield base
    assert process.poll() is None, "the app server died during the tests"
    stop_server(process)


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = Path(os.environ.get("UI_SCREENSHOTS") or tmp_path_factory.mktemp("manager-day-shots"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {folder}")
    return folder


def _shrink(path: Path) -> None:
    """Keep committed screenshots small: a 256-colour PNG (the octree keeps the chart colours; Pillow comes
    with matplotlib, skipped without it)."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as image:
        image.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(path, optimize=True)


LABELS = {
    "ko": {"title": "오늘의 산단", "lang": "한국어", "state": "현재 단계: 정산", "critical": "위험", "warning": "주의",
           "plan": "시간별 급전계획", "plan_column": "부하 [kWh]", "csv": "계획 CSV 내려받기",
           "ratchet": "최대수요와 요금적용전력", "tou": "최대부하 15-21", "source": "폐열발전(ORC)",
           "latest": "최근 급전일 보기"},
    "en": {"title": "Park today", "lang": "English", "state": "The day is now: Settled", "critical": "critical",
           "warning": "warning", "plan": "Hourly plan", "plan_column": "Load [kWh]",
           "csv": "Download the plan (CSV)",
           "ratchet": "Peak demand against billing demand", "tou": "peak 15-21", "source": "waste heat (ORC)",
           "latest": "Show the latest dispatched day"},
}


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("width,height", [(1440, 900), (390, 844)])
def test_manager_page_shows_the_alarm_with_its_severity_and_the_plan_table(cli_server, browser, shots, width, height,
                                                                          lang):
    labels = LABELS[lang]
    page = browser.new_page(viewport={"width": width, "height": height})
    _login(page, cli_server, "manager", "manager-demo")
    _wait_for_title(page, "오늘의 산단")
    if lang == "en":
        if width < 640:  # the sidebar is collapsed at phone width: open it, switch, close it again
            page.locator("[data-testid='stExpandSidebarButton']").first.click()
        page.locator("[data-testid='stSidebar']").get_by_text("English", exact=True).click()
        _wait_for_title(page, labels["title"])
        if width < 640:
            collapse = "[data-testid='stSidebarCollapseButton'] button, button[data-testid='stSidebarCollapseButton']"
            page.locator(collapse).first.click(force=True)
            page.wait_for_timeout(800)
    page.get_by_role("button", name=labels["latest"]).click()  # the newest dispatched day: the alarm day
    page.get_by_text(labels["plan"]).first.wait_for(timeout=30_000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
    page.wait_for_timeout(2000)  # charts and data grids draw after the script ends
    body = _body(page)
    assert labels["state"] in body and labels["ratchet"] in body and labels["tou"] in body and labels["source"] in body
    assert labels["csv"] in body
    assert not page.locator("[data-testid='stException']").count()
    # the alarm table: a data grid (canvas); its cells are exposed as an ARIA grid
    grids = page.locator("[data-testid='stDataFrame']")
    alarm_grid = grids.nth(0)
    alarm_grid.scroll_into_view_if_needed()
    cells = alarm_grid.locator("[role='gridcell']").all_inner_texts()
    text = " ".join(cells)
    assert f"■■■ {labels['critical']}" in text and "BESS-shared" in text and "14:00" in text
    assert text.index(labels["critical"]) < text.index(labels["warning"])  # critical first
    plan_grid = page.locator("[data-testid='stDataFrame']", has_text=labels["plan_column"]).first
    plan_grid.scroll_into_view_if_needed()
    headers = " ".join(plan_grid.locator("[role='columnheader']").all_inner_texts())
    assert labels["plan_column"] in headers
    assert "00:00" in " ".join(plan_grid.locator("[role='gridcell']").all_inner_texts())
    # the page scrolls inside Streamlit's main container, so a full-page shot needs a viewport that tall
    tall = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": width, "height": int(tall)})
    page.wait_for_timeout(2500)
    path = shots / f"manager-today-{width}-{lang}.png"
    page.screenshot(path=str(path))
    _shrink(path)
    page.close()
