"""The planning board in a real browser: drag a note into a group (HTML5 drag and drop), then schedule it."""
from sqlalchemy import select

from tests.browser.conftest import browser_login
from tests.conftest import TEST_PASSWORD
from tests.factories import Factories
from tracker.extensions import db
from tracker.planning.models import Note, NoteGroup


def _board(server):
    with server.app.app_context():
        make = Factories(db)
        member = make.user(login="izumi", name="泉 由美")
        wg = make.wg(identifier="mynumber-card", name="マイナンバーカード普及・活用WG", members={member: "メンバー"})
        db.session.add(NoteGroup(wg_id=wg.id, name="交付", position=0))
        db.session.add(Note(wg_id=wg.id, text="出張申請の人員を確保する", author_id=member.id))
        db.session.commit()
        return member.id


def test_drag_a_note_into_a_group_and_schedule_it(live_server, page):
    member_id = _board(live_server)
    browser_login(page, live_server, "izumi", TEST_PASSWORD)
    page.goto(f"{live_server.url}/projects/mynumber-card/planning")
    note = page.locator(".sticky", has_text="出張申請の人員を確保する")
    assert not page.locator(".move-fallback").first.is_visible()  # dragging replaces the move form ...
    note.focus()
    assert page.locator(".move-fallback").first.is_visible()  # ... which keyboard users still get
    page.evaluate("document.activeElement.blur()")
    lane = page.locator("section.lane", has=page.locator("h2", has_text="交付"))
    with page.expect_response(lambda r: r.url.endswith("/move")) as moved:
        note.drag_to(lane)
    assert moved.value.ok
    page.wait_for_selector("section.lane:has(h2:text('交付')) .sticky[data-moved='1']")

    page.reload()
    assert lane.locator(".sticky", has_text="出張申請の人員を確保する").count() == 1
    lane.locator(".sticky input[type=checkbox]").check()
    page.select_option("select[name=assignee_id]", str(member_id))
    page.fill("input[name=due_date]", "2026-12-25")
    with page.expect_navigation():
        page.click("#decide-form button.primary")
    assert "スケジュールに入れました" in page.inner_text(".flashes")
    assert page.locator(".sticky.decided", has_text="出張申請の人員を確保する").count() == 1
    with live_server.app.app_context():
        saved = db.session.scalar(select(Note))
        group = db.session.scalar(select(NoteGroup))
        assert saved.group_id == group.id and saved.assignee_id == member_id and saved.due_date.isoformat() == "2026-12-25"
        assert saved.ticket_id is not None
    assert page.locator(f".sticky.decided a[href='/issues/{saved.ticket_id}']").count() == 1
