"""On a phone (390×844): the WG tabs are one row that scrolls sideways, no page scrolls sideways, lists are cards
whose cells say what they are, and every control is at least 24 px (WCAG 2.5.8) — the thumb's size here is 44 px."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import browser_login
from tracker.core.seeding import load_demo

SHOTS = Path("/tmp/shots-visual")
PHONE = {"width": 390, "height": 844}

# Pages a WG member opens on the way: the WG's home, its meetings, the WG list, notifications, the ticket list.
PAGES = ["/projects/mynumber-card", "/projects/mynumber-card/meetings", "/projects", "/my/notifications",
         "/projects/mynumber-card/issues", "/ideas", "/my/account"]

TAB_ROWS = """() => {
  const tabs = Array.from(document.querySelectorAll('.wg-header .tabs a'));
  return {count: tabs.length, rows: new Set(tabs.map((a) => Math.round(a.getBoundingClientRect().top))).size,
          scrolls: document.querySelector('.wg-header .tabs').scrollWidth > document.querySelector('.wg-header .tabs').clientWidth};
}"""
SMALL_CONTROLS = """() => Array.from(document.querySelectorAll(
    'header button, header input, header select, main button, main select, main input:not([type=hidden]), main textarea, .tabs a, .mainnav a'))
  .filter((e) => e.offsetParent !== null)
  .map((e) => [e.outerHTML.slice(0, 80), e.getBoundingClientRect()])
  .filter(([html, box]) => box.height < 24 || box.width < 24)
  .map(([html, box]) => `${html} ${Math.round(box.width)}×${Math.round(box.height)}`)"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="ja-JP", viewport=PHONE, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def _load(server):
    with server.app.app_context():
        load_demo()
        return server.app.config["DEMO_PASSWORD"]


def test_wg_tabs_take_one_row_and_nothing_scrolls_sideways(live_server, phone):
    password = _load(live_server)
    SHOTS.mkdir(exist_ok=True)
    browser_login(phone, live_server, "izumi", password)
    phone.goto(f"{live_server.url}/projects/mynumber-card")
    tabs = phone.evaluate(TAB_ROWS)
    phone.screenshot(path=str(SHOTS / "phone-wg-home.png"))
    assert tabs["count"] >= 8 and tabs["rows"] == 1 and tabs["scrolls"]
    # The tab row is the height of one tab, so the content starts on the first screen.
    assert phone.locator(".wg-header .tabs").bounding_box()["height"] < 70

    for path in PAGES:
        phone.goto(f"{live_server.url}{path}")
        name = path.strip("/").replace("/", "-")
        phone.screenshot(path=str(SHOTS / f"phone-{name}.png"), full_page=True)
        overflow = phone.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow} px"
        assert phone.evaluate(SMALL_CONTROLS) == [], path


def test_lists_become_cards_whose_cells_say_what_they_are(live_server, phone):
    password = _load(live_server)
    browser_login(phone, live_server, "izumi", password)
    phone.goto(f"{live_server.url}/projects/mynumber-card/meetings")
    first = phone.locator("table.cards tbody tr").first
    assert phone.locator("table.cards thead").bounding_box()["height"] <= 1  # the header row is read, not shown
    # Each cell is on its own line with its label: 日付 … 件名 …
    cells = first.locator("td")
    tops = [cells.nth(i).bounding_box()["y"] for i in range(cells.count())]
    assert tops == sorted(tops) and len(set(tops)) == len(tops)
    label = phone.evaluate("(td) => getComputedStyle(td, '::before').content", first.locator("td").first.element_handle())
    assert "日付" in label
    first.screenshot(path=str(SHOTS / "phone-meeting-card.png"))


def test_on_a_wide_screen_lists_use_the_full_width_and_stay_tables(live_server, browser):
    password = _load(live_server)
    context = browser.new_context(locale="ja-JP", viewport={"width": 1920, "height": 1000})
    page = context.new_page()
    browser_login(page, live_server, "izumi", password)
    page.goto(f"{live_server.url}/projects")
    page.screenshot(path=str(SHOTS / "wide-projects.png"))
    table = page.locator("main table.list").bounding_box()
    assert table["width"] > 1920 - 80  # no 200 px empty margins
    cells = page.locator("main table.list tbody tr").first.locator("td")
    assert len({round(cells.nth(i).bounding_box()["y"]) for i in range(cells.count())}) == 1  # one row, not a card
    # A WG's name and a date are not broken in the middle of a word.
    name = page.locator("main table.list tbody a", has_text="マイナンバーカード普及・活用WG")
    assert name.bounding_box()["height"] < 30
    context.close()


CARD_ROWS = """(selector) => Array.from(document.querySelectorAll(selector)).map((tr) => {
  const cells = Array.from(tr.querySelectorAll('td')).filter((td) => td.offsetParent !== null);
  return {width: tr.getBoundingClientRect().width,
          subject: tr.querySelector('td.subject') ? tr.querySelector('td.subject').getBoundingClientRect().width : 0,
          labels: cells.map((td) => getComputedStyle(td, '::before').content).filter((c) => c && c !== 'none')};
})"""


@pytest.mark.parametrize("path, rows, labels", [
    ("/projects/mynumber-card/issues", "table.issues tr.issue", ["ステータス", "担当者"]),
    ("/issues", "table.issues tr.issue", ["ステータス", "期日"]),
    ("/projects/mynumber-card/time_entries", "table.time-entries tbody tr", ["日付", "時間"]),
    ("/talent?q=RPA", "main table.cards tr.result", ["所属", "適合度"]),
])
def test_ticket_time_and_talent_lists_are_cards_on_a_phone(live_server, phone, path, rows, labels):
    password = _load(live_server)
    SHOTS.mkdir(exist_ok=True)
    browser_login(phone, live_server, "izumi", password)
    phone.goto(f"{live_server.url}{path}")
    phone.screenshot(path=str(SHOTS / f"phone-cards-{path.strip('/').replace('/', '-')}.png"), full_page=True)
    overflow = phone.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{path} scrolls sideways by {overflow} px"
    cards = phone.evaluate(CARD_ROWS, rows)
    assert cards, f"no rows on {path}"
    for card in cards:
        assert card["width"] > 300  # a card across the screen, not a squeezed table row
        if "issue" in rows:
            assert card["subject"] > 200  # 件名 reads as a line, not two characters
        for label in labels:
            assert any(label in shown for shown in card["labels"]), (label, card["labels"])
