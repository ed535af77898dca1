"""A WG member works the ticket list and a ticket page as a person would (issue 14, points 3 and 4): adds a
filter with the add-filter control, uses the quick chips, sorts by a column header, changes the status in
place and sees the journal, picks an assignee by typing, previews Markdown, mentions a colleague and drops a
file onto the notes form. Screenshots go to /tmp/shots-ticketui/."""
import io
import os
import re
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import browser_login
from tests.conftest import TEST_PASSWORD
from tracker.accounts.models import User
from tracker.accounts.passwords import hash_password
from tracker.extensions import db

SHOTS = "/tmp/shots-ticketui"


def _shot(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.fixture
def wg_with_tickets(live_server):
    from sqlalchemy import select

    from tracker.core.i18n import local_today
    from tracker.tickets.models import IssuePriority, IssueStatus, Ticket, Tracker
    from tracker.wg.models import Role
    from tracker.wg.services import add_member, create_wg

    with live_server.app.app_context():
        people = []
        for login, name in (("izumi", "泉 由美"), ("suzuki", "鈴木 翔太")):
            user = User(login=login, name=name, email=f"{login}@example.lg.jp", password_hash=hash_password(TEST_PASSWORD))
            db.session.add(user)
            people.append(user)
        db.session.flush()
        wg = create_wg(identifier="mynumber-card", name="マイナンバーカード普及・活用WG", description="")
        leader_role = db.session.scalar(select(Role).where(Role.name == "WG責任者"))
        for user in people:
            add_member(None, wg, user, [leader_role])
        today = local_today()
        tracker = db.session.scalar(select(Tracker).order_by(Tracker.position))
        status = db.session.scalar(select(IssueStatus).where(IssueStatus.name == "新規"))
        normal = db.session.scalar(select(IssuePriority).where(IssuePriority.name == "通常"))
        izumi, suzuki = people
        for subject, assignee, due in (("窓口の改善", izumi, today - timedelta(days=3)), ("周知・PR強化", suzuki, None),
                                       ("980か所の訪問", None, today + timedelta(days=40))):
            db.session.add(Ticket(wg=wg, author=izumi, tracker=tracker, status=status, priority=normal, subject=subject,
                                  description="", assigned_to=assignee, due_date=due))
        db.session.commit()
    return live_server


def _subjects(page):
    return page.locator("table.issues td.subject a").all_inner_texts()


def test_filter_chips_and_sort_on_the_ticket_list(wg_with_tickets, page):
    server = wg_with_tickets
    browser_login(page, server, "izumi", TEST_PASSWORD)
    page.goto(f"{server.url}/projects/mynumber-card/issues")
    assert page.locator(".filter-row").count() == 1  # only the active filter (status: open)
    page.evaluate("window.stayed = true")
    page.select_option("#add_filter", label="期日")
    page.click("[data-add-filter]")
    page.wait_for_selector("#filter-due_date")
    assert page.evaluate("window.stayed")  # the row came without a reload
    assert page.locator("#filter-due_date input[type=date]").first.is_visible()
    page.select_option("#filter-due_date select.filter-op", value="<t+")
    assert not page.locator("#filter-due_date input[type=date]").first.is_visible()
    page.fill("#filter-due_date input.days", "60")
    page.select_option("#add_filter", label="件名")
    page.click("[data-add-filter]")
    page.wait_for_selector("#filter-subject")
    page.click("#filter-subject [data-remove-filter]")  # changed my mind: the row goes
    assert page.locator("#filter-subject").count() == 0
    _shot(page, "list-add-filter")
    with page.expect_navigation():
        page.click("#query-form button.primary")
    query = dict(parse_qsl(urlsplit(page.url).query))
    assert query == {"set_filter": "1", "status_id": "o", "due_date": "<t+60"}
    assert len(page.url) < 200
    assert _subjects(page) == ["980か所の訪問"]

    page.goto(f"{server.url}/projects/mynumber-card/issues")
    with page.expect_navigation():
        page.click("a.chip:has-text('自分の担当')")
    assert _subjects(page) == ["窓口の改善"]
    assert "日超過" in page.inner_text("table.issues td.due_date")
    with page.expect_navigation():
        page.click("a.chip:has-text('未割当')")
    assert _subjects(page) == ["980か所の訪問"]
    with page.expect_navigation():
        page.click("a.chip:has-text('未割当')")  # a second click clears it
    assert len(_subjects(page)) == 3

    with page.expect_navigation():
        page.click("table.issues th.subject a")
    assert page.get_attribute("table.issues th.subject", "aria-sort") == "ascending"
    ascending = _subjects(page)
    assert ascending == sorted(ascending)
    with page.expect_navigation():
        page.click("table.issues th.subject a")
    assert page.get_attribute("table.issues th.subject", "aria-sort") == "descending"
    assert _subjects(page) == list(reversed(ascending))
    assert page.input_value("select[name=sort_key]") == "subject"
    _shot(page, "list-sorted")


def _open_ticket(page, server, subject):
    page.goto(f"{server.url}/projects/mynumber-card/issues")
    with page.expect_navigation():
        page.click(f"table.issues a:text-is('{subject}')")


def test_status_in_place_assignee_by_typing_and_preview(wg_with_tickets, page):
    server = wg_with_tickets
    browser_login(page, server, "izumi", TEST_PASSWORD)
    _open_ticket(page, server, "周知・PR強化")
    page.evaluate("window.stayed = true")
    status_form = page.locator("form[data-inline-edit=status_id]")
    status_form.locator("select").select_option(label="進行中")
    status_form.locator("button").click()
    page.wait_for_selector("#history :text('進行中')")
    assert page.evaluate("window.stayed")
    assert "進行中" in page.inner_text("#ticket-head")

    assignee = page.locator("form[data-inline-edit=assigned_to]")
    assignee.locator(".ts-control").click()
    page.keyboard.type("泉")
    page.wait_for_selector(".ts-dropdown .option:has-text('泉 由美')")
    page.keyboard.press("Enter")
    page.locator("form[data-inline-edit=assigned_to] button").click()
    page.wait_for_selector("#history :text('泉 由美')")
    assert page.evaluate("window.stayed")
    _shot(page, "ticket-inline-saved")

    page.fill("textarea[name=notes]", "## 確認事項\n- **交付**の予約")
    page.click("[data-preview-button]")
    page.wait_for_selector(".markdown-preview h2")
    assert page.inner_text(".markdown-preview h2") == "確認事項"
    assert page.inner_text(".markdown-preview strong") == "交付"
    assert page.evaluate("window.stayed")

    area = page.locator("textarea[name=notes]")
    area.press("End")
    area.type(" @suz")
    page.wait_for_selector(".tribute-container li:has-text('鈴木 翔太')")
    page.keyboard.press("Enter")
    # Tribute writes the choice in a timer after the key: read the text once it has (a read straight after the
    # key could come first on a busy machine).
    expect(area).to_have_value(re.compile(r"@suzuki"))
    _shot(page, "ticket-preview-mention")


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (20, 120, 60)).save(buffer, "PNG")
    return buffer.getvalue()


def test_drop_a_file_onto_the_notes_form(wg_with_tickets, page):
    server = wg_with_tickets
    browser_login(page, server, "izumi", TEST_PASSWORD)
    _open_ticket(page, server, "窓口の改善")
    page.fill("textarea[name=notes]", "窓口の写真です")
    data = list(_png())
    transfer = page.evaluate_handle("""bytes => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(bytes)], "窓口.png", {type: "image/png"}));
        return transfer;
    }""", data)
    page.dispatch_event("#notes-form", "dragover", {"dataTransfer": transfer})
    assert "dragging" in page.get_attribute("[data-drop-zone]", "class")
    page.dispatch_event("#notes-form", "drop", {"dataTransfer": transfer})
    assert "窓口.png" in page.inner_text("[data-dropped]")
    # a screenshot pasted into the notes becomes a second file, not text
    page.evaluate("""bytes => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(bytes)], "image.png", {type: "image/png"}));
        document.querySelector("textarea[name=notes]").dispatchEvent(
            new ClipboardEvent("paste", {clipboardData: transfer, bubbles: true, cancelable: true}));
    }""", data)
    assert page.locator("[data-dropped] li").count() == 2
    assert "pasted-" in page.inner_text("[data-dropped]")
    assert page.input_value("textarea[name=notes]") == "窓口の写真です"
    with page.expect_navigation():
        page.click("#notes-form button.primary")
    page.locator("img.thumbnail").first.scroll_into_view_if_needed()
    for _attempt in range(50):  # wait_for_function would evaluate a string, which the CSP refuses
        if page.evaluate("() => Array.from(document.querySelectorAll('img.thumbnail')).every(i => i.naturalWidth > 0)"):
            break
        page.wait_for_timeout(100)
    assert page.evaluate("() => Array.from(document.querySelectorAll('img.thumbnail')).map(i => i.naturalWidth)") == [240, 240]
    assert "窓口.png" in page.inner_text("ul.attachments") and "pasted-" in page.inner_text("ul.attachments")
    assert "窓口の写真です" in page.inner_text("#history")
    _shot(page, "ticket-dropped-file")


def test_parent_ticket_by_typing_its_subject(wg_with_tickets, page):
    server = wg_with_tickets
    browser_login(page, server, "izumi", TEST_PASSWORD)
    _open_ticket(page, server, "980か所の訪問")
    with page.expect_navigation():
        page.click(".ticket-actions a.primary")  # 編集
    page.locator(".field:has(#parent_id) .ts-control").click()
    page.keyboard.type("窓口")
    option = page.locator(".ts-dropdown .option", has_text="窓口の改善")
    option.wait_for()
    assert option.inner_text().startswith("#")  # "#1 窓口の改善"
    option.click()
    _shot(page, "ticket-parent-autocomplete")
    with page.expect_navigation():
        page.click("#ticket-edit button.primary")
    assert "窓口の改善" in page.inner_text("article.ticket")


def test_assignee_filter_by_typing_part_of_a_name(wg_with_tickets, page):
    server = wg_with_tickets
    browser_login(page, server, "izumi", TEST_PASSWORD)
    page.goto(f"{server.url}/projects/mynumber-card/issues")
    page.select_option("#add_filter", label="担当者")
    page.click("[data-add-filter]")
    page.wait_for_selector("#filter-assigned_to_id .ts-wrapper")
    # The checkbox list is behind the search box, which is the one control a person sees.
    assert not page.locator("#filter-assigned_to_id .filter-choices").is_visible()
    page.click("#filter-assigned_to_id .ts-control")
    page.keyboard.type("鈴木")
    option = page.locator("#filter-assigned_to_id .ts-dropdown .option", has_text="鈴木 翔太")
    option.wait_for()
    expect(page.locator("#filter-assigned_to_id .ts-dropdown .option", has_text="泉 由美")).to_have_count(0)
    option.click()
    assert page.locator("#filter-assigned_to_id .ts-control .item").all_inner_texts()[0].startswith("鈴木 翔太")
    _shot(page, "list-assignee-typed")
    with page.expect_navigation():
        page.click("#query-form button.primary")
    assert _subjects(page) == ["周知・PR強化"]
    assert page.locator("#filter-assigned_to_id .ts-control .item", has_text="鈴木 翔太").count() == 1  # kept
    # The search box and the chosen name pass axe (a label, and contrast of the chosen name's chip).
    from tests.browser.test_accessibility import AXE, AXE_SCRIPT

    page.add_script_tag(url=f"{server.url}/static/vendor/{AXE.parent.name}/axe.min.js")
    assert page.evaluate(AXE_SCRIPT) == []


def test_assignee_filter_without_script_is_a_checkbox_list(wg_with_tickets, browser):
    server = wg_with_tickets
    context = browser.new_context(locale="ja-JP", java_script_enabled=False)
    page = context.new_page()
    browser_login(page, server, "izumi", TEST_PASSWORD)
    page.goto(f"{server.url}/projects/mynumber-card/issues?set_filter=1&f[]=assigned_to_id&op[assigned_to_id]=%3D")
    assert page.locator(".ts-wrapper").count() == 0
    page.check("#filter-assigned_to_id label:has-text('鈴木 翔太') input")
    with page.expect_navigation():
        page.click("#query-form button.primary")
    assert _subjects(page) == ["周知・PR強化"]
    context.close()
