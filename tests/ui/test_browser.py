"""A real browser (Playwright driving Debian's /usr/bin/chromium) against `python -m ui.server`.

Screenshots go to ``$UI_SCREENSHOTS`` when set, else to a pytest temporary
folder; the folder is printed (``pytest -s`` shows it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ui.auth import Principal
from ui.data_access import DataAccess
from ui.i18n import krw_man

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent (CI: apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def server(app_server):
    return app_server


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = Path(os.environ.get("UI_SCREENSHOTS") or tmp_path_factory.mktemp("ui-screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {folder}")
    return folder


def _login(page, base: str, username: str, password: str) -> None:
    page.goto(base)
    page.get_by_label("아이디").fill(username)
    page.get_by_label("비밀번호").fill(password)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_selector("[data-testid='stSidebarNav']", state="attached", timeout=30_000)


def _wait_for_title(page, text: str) -> None:
    page.locator("h1", has_text=text).first.wait_for(timeout=30_000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)


def _body(page) -> str:
    return page.locator("body").inner_text()


def test_tenant_sees_its_trades_and_re100_and_nothing_of_another_tenant(server, browser, shots, demo_results):
    manager = DataAccess(Principal("manager", "manager"), demo_results)
    t02_name = manager.display_name("T02")
    t02_bill = krw_man(manager.daily_bills("2026-07", "T02")["net_cost_krw"].sum())
    own_bill = krw_man(manager.daily_bills("2026-07", "T01")["net_cost_krw"].sum())
    page = browser.new_page(viewport={"width": 1400, "height": 1800})
    _login(page, server, "T01", "T01-demo")
    _wait_for_title(page, "나의 거래")
    page.get_by_text(own_bill).first.wait_for(timeout=30_000)
    page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=30_000)
    body = _body(page)
    assert "T01" in body and t02_name not in body and t02_bill not in body
    page.screenshot(path=str(shots / "tenant-my-trades.png"), full_page=True)

    nav = page.locator("[data-testid='stSidebarNav']")
    assert "오늘의 산단" not in nav.inner_text() and "연간 분석" not in nav.inner_text()
    nav.get_by_text("RE100").click()
    _wait_for_title(page, "RE100")
    page.get_by_text("연간 매칭률").first.wait_for(timeout=30_000)
    ytd = DataAccess(Principal("T01", "tenant", "T01"), demo_results).re100_by_month(2026).iloc[-1]
    page.get_by_text(f"{100 * ytd['annual_match']:.1f} %").first.wait_for(timeout=30_000)
    assert t02_name not in _body(page)
    page.screenshot(path=str(shots / "tenant-re100.png"), full_page=True)

    # Every URL or parameter that could name another tenant or a park page: a fresh session, the log-in page.
    for path in ("/park-today", "/year", "/trades?participant=T02", "/re100?participant=T02&user=manager",
                 "/?participant=T02", "/sunlight-income?role=manager"):
        probe = browser.new_page()
        probe.goto(server + path)
        probe.get_by_label("비밀번호").wait_for(timeout=30_000)
        text = _body(probe)
        assert t02_name not in text and t02_bill not in text and "오늘의 산단" not in text, path
        probe.close()
    page.close()


def test_manager_sees_the_park(server, browser, shots):
    page = browser.new_page(viewport={"width": 1400, "height": 2200})
    _login(page, server, "manager", "manager-demo")
    _wait_for_title(page, "오늘의 산단")
    page.get_by_text("운영일 상태").first.wait_for(timeout=30_000)  # today first: not dispatched yet
    page.get_by_text("이 날의 급전계획이 아직 없습니다").first.wait_for(timeout=30_000)
    page.get_by_role("button", name="최근 급전일 보기").click()
    page.get_by_text("자급률").first.wait_for(timeout=30_000)
    page.get_by_text("시간별 급전계획").first.wait_for(timeout=30_000)
    page.locator("[data-testid='stVegaLiteChart']").nth(4).wait_for(timeout=30_000)
    page.wait_for_timeout(1500)  # let the charts draw
    # the whole park: every chart of the manager's page (generation, SOC, feeders, transformer, prices)
    assert page.locator("[data-testid='stVegaLiteChart']").count() >= 5
    assert page.get_by_text("자급률").first.is_visible()
    page.screenshot(path=str(shots / "manager-park-today.png"), full_page=True)
    page.locator("[data-testid='stSidebar']").get_by_text("English").click()
    _wait_for_title(page, "Park today")
    page.wait_for_timeout(1500)
    page.screenshot(path=str(shots / "manager-park-today-en.png"), full_page=True)
    nav = page.locator("[data-testid='stSidebarNav']")
    nav.get_by_text("Sunlight income").click()
    _wait_for_title(page, "Sunlight income")
    page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    assert page.locator("[data-testid='stDataFrame']").count() >= 1
    page.screenshot(path=str(shots / "manager-sunlight.png"), full_page=True)
    page.close()


def test_quick_clicks_across_pages_never_kill_the_server(server, browser, shots):
    """The issue's crash: Year clicked while Park today still loads. Two managers click without waiting."""
    import urllib.request

    pages = []
    for _ in range(2):
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        _login(page, server, "manager", "manager-demo")
        pages.append(page)
    order = ["연간 분석", "오늘의 산단", "RE100", "햇빛소득", "입주기업 거래"]
    for round_ in range(6):
        for page in pages:
            nav = page.locator("[data-testid='stSidebarNav']")
            for title in order[round_ % 2:] + order[:round_ % 2]:
                nav.get_by_text(title, exact=True).click(no_wait_after=True)
    # A dead server refuses the connection at once; a live one busy with sixty queued reruns on a
    # loaded 2-core machine may take longer than 10 s to answer (seen in a full parallel run).
    with urllib.request.urlopen(f"{server}/_stcore/health", timeout=60) as answer:
        assert answer.status == 200
    page = pages[0]
    page.locator("[data-testid='stSidebarNav']").get_by_text("오늘의 산단", exact=True).click()
    _wait_for_title(page, "오늘의 산단")
    page.get_by_text("운영일 상태").first.wait_for(timeout=30_000)
    assert not page.locator("[data-testid='stException']").count()
    page.screenshot(path=str(shots / "after-quick-clicks.png"))
    for page in pages:
        page.close()


@pytest.mark.parametrize("width,height", [(1440, 900), (390, 844)])
def test_manager_day_at_both_widths(server, browser, shots, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    _login(page, server, "manager", "manager-demo")
    _wait_for_title(page, "오늘의 산단")
    page.get_by_role("button", name="최근 급전일 보기").click()
    page.get_by_text("시간별 급전계획").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1500)
    body = _body(page)
    assert "운영일 상태" in body and "경보" in body and "계획 CSV 내려받기" in body and "정산" in body
    page.screenshot(path=str(shots / f"manager-day-{width}.png"), full_page=True)
    page.reload()  # the cookie keeps the manager logged in
    _wait_for_title(page, "오늘의 산단")
    page.close()
