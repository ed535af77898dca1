"""The Kanban board and the calendar in a real browser: drag a card to another status and see it journaled, a
column the workflow refuses does not take the drop, the keyboard move menu, and dragging a ticket to
another day of the calendar. Screenshots go to /tmp/shots-board/."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from tests.browser.conftest import browser_login
from tests.conftest import TEST_PASSWORD
from tests.factories import Factories
from tracker.accounts.models import User
from tracker.extensions import db
from tracker.tickets.models import Ticket

SHOTS = Path("/tmp/shots-board")


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _team(server, forbid_closing: bool = False) -> dict:
    """A WG with a member and a few tickets; ``forbid_closing``: members may not move 新規 → 終了."""
    with server.app.app_context():
        from tracker.tickets.fields import workflow
        from tracker.wg.models import Role

        make = Factories(db)
        member = make.user(login="kanban", name="看板 花子")
        leader = make.user(login="kanban-lead", name="看板 太郎")
        wg = make.wg(identifier="kanban-wg", name="窓口DX WG", members={member: "メンバー", leader: "WG責任者"})
        tickets = {
            "form": make.ticket(wg, author=member, subject="申請書の様式を見直す", assigned_to=member,
                                due_date=date(2026, 12, 10), priority=make.priority("高")),
            "late": make.ticket(wg, author=member, subject="窓口アンケートを集計する", assigned_to=leader,
                                due_date=date(2026, 11, 20)),
            "doing": make.ticket(wg, author=member, subject="オンライン予約を試行する", status=make.status("進行中")),
        }
        if forbid_closing:
            role = db.session.scalar(select(Role).where(Role.name == "メンバー"))
            tracker = make.tracker()
            matrix = workflow.matrix(role.id, tracker.id)
            workflow.save_matrix(role.id, tracker.id, matrix - {(make.status("新規").id, make.status("終了").id)})
        db.session.commit()
        return {name: t.id for name, t in tickets.items()} | {
            "new": make.status("新規").id, "doing_status": make.status("進行中").id, "closed": make.status("終了").id}


def _drag(page, source, target) -> None:
    """A mouse drag in steps (SortableJS's fallback mode follows pointer moves, as a hand would)."""
    box, goal = source.bounding_box(), target.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 12)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 5, box["y"] + 20, steps=3)
    page.mouse.move(goal["x"] + goal["width"] / 2, goal["y"] + 30, steps=12)


def _column(page, status_id: int):
    return page.locator(f'.kanban-cards[data-column="{status_id}"]')


def test_drag_a_card_to_another_status_and_see_the_journal(live_server, page):
    ids = _team(live_server)
    browser_login(page, live_server, "kanban", TEST_PASSWORD)
    page.goto(f"{live_server.url}/projects/kanban-wg/board")
    page.wait_for_selector("[data-board][data-ready='1']")
    card = page.locator(f"#card-{ids['form']}")
    assert "申請書の様式を見直す" in card.inner_text() and "看板 花子" in card.inner_text()
    assert page.locator(f"#card-{ids['late']} .due.overdue").count() == 1  # red when overdue
    _shot(page, "board-before")
    with page.expect_response(lambda r: r.url.endswith("/api/v1/board/moves")) as answer:
        _drag(page, card, _column(page, ids["doing_status"]))
        page.mouse.up()
    assert answer.value.status == 200
    page.wait_for_selector(f"#card-{ids['form']}[data-moved='1']")
    assert _column(page, ids["doing_status"]).locator(f"#card-{ids['form']}").count() == 1
    assert page.locator(f'[data-count="{ids["doing_status"]}"]').inner_text() == "2"
    _shot(page, "board-after-drop")
    with page.expect_navigation():  # a click on the card's link (no drag) still opens the ticket
        page.click(f"#card-{ids['form']} a[href='/issues/{ids['form']}']")
    journal = page.locator("#history, .journal").first.inner_text() if page.locator("#history, .journal").count() else page.inner_text("body")
    assert "進行中" in journal and "看板 花子" in journal
    _shot(page, "board-ticket-journal")
    with live_server.app.app_context():
        assert db.session.get(Ticket, ids["form"]).status_id == ids["doing_status"]


def test_a_column_the_workflow_refuses_does_not_take_the_drop(live_server, page):
    ids = _team(live_server, forbid_closing=True)
    browser_login(page, live_server, "kanban", TEST_PASSWORD)
    page.goto(f"{live_server.url}/projects/kanban-wg/board")
    page.wait_for_selector("[data-board][data-ready='1']")
    card = page.locator(f"#card-{ids['form']}")
    posted = []
    page.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)
    _drag(page, card, _column(page, ids["closed"]))
    assert _column(page, ids["closed"]).get_attribute("data-drop") == "refused"
    assert _column(page, ids["doing_status"]).get_attribute("data-drop") == "allowed"
    _shot(page, "board-refused-while-dragging")
    page.mouse.up()
    assert _column(page, ids["new"]).locator(f"#card-{ids['form']}").count() == 1
    assert _column(page, ids["closed"]).locator(".kanban-card").count() == 0
    assert not posted
    with live_server.app.app_context():
        assert db.session.get(Ticket, ids["form"]).status_id == ids["new"]


def test_the_keyboard_move_menu(live_server, page):
    ids = _team(live_server, forbid_closing=True)
    browser_login(page, live_server, "kanban", TEST_PASSWORD)
    page.goto(f"{live_server.url}/projects/kanban-wg/board")
    menu = page.locator(f"#card-{ids['form']} .move-menu")
    menu.locator("summary").focus()
    page.keyboard.press("Enter")  # opens the menu
    options = menu.locator("select option").all_inner_texts()
    assert "進行中" in options and "終了" not in options  # only the workflow's targets
    menu.locator("select").focus()
    menu.locator("select").select_option(label="フィードバック")
    _shot(page, "board-move-menu")
    with page.expect_navigation():
        menu.locator("button").press("Enter")
    assert f"#{ids['form']}" in page.inner_text(".flashes")
    assert page.locator(".kanban-colhead", has_text="フィードバック").count() == 1
    feedback = page.locator(".kanban-cards", has=page.locator(f"#card-{ids['form']}"))
    with live_server.app.app_context():
        status_id = db.session.get(Ticket, ids["form"]).status_id
    assert feedback.get_attribute("data-column") == str(status_id)
    _shot(page, "board-after-menu")


def test_drag_a_ticket_to_another_day_on_the_calendar(live_server, page):
    ids = _team(live_server)
    browser_login(page, live_server, "kanban", TEST_PASSWORD)
    page.goto(f"{live_server.url}/projects/kanban-wg/calendar?date=2026-12-01")
    page.wait_for_selector("[data-calendar][data-ready='1']")
    event = page.locator(f"#due-{ids['form']}-due")
    assert page.locator('.cal-events[data-date="2026-12-10"]').locator(f"#due-{ids['form']}-due").count() == 1
    _shot(page, "calendar-before")
    target = page.locator('.cal-events[data-date="2026-12-17"]')
    with page.expect_response(lambda r: r.url.endswith("/api/v1/calendar/moves")) as answer:
        _drag(page, event, target)
        page.mouse.up()
    assert answer.value.status == 200
    page.wait_for_selector(f"#due-{ids['form']}-due[data-moved='1']")
    assert target.locator(f"#due-{ids['form']}-due").count() == 1
    assert "2026-12-17" in page.inner_text("[data-board-status]")
    _shot(page, "calendar-after-drop")
    with live_server.app.app_context():
        assert db.session.get(Ticket, ids["form"]).due_date == date(2026, 12, 17)
    page.goto(f"{live_server.url}/projects/kanban-wg/calendar?view=week&date=2026-12-17")
    assert page.locator('.cal-events[data-date="2026-12-17"]').inner_text().count("申請書の様式を見直す") == 1
    _shot(page, "calendar-week")


def test_a_leader_sets_a_wip_limit_and_the_board_across_wgs_warns(live_server, page):
    ids = _team(live_server)
    with live_server.app.app_context():
        make = Factories(db)
        leader = db.session.scalar(select(User).where(User.login == "kanban-lead"))
        other = make.wg(identifier="kanban-other", name="文書管理WG", members={leader: "WG責任者"})
        make.ticket(other, author=leader, subject="電子決裁の対象を広げる", assigned_to=leader, priority=make.priority("急いで"))
        db.session.commit()
    browser_login(page, live_server, "kanban-lead", TEST_PASSWORD)
    page.goto(f"{live_server.url}/projects/kanban-wg/board")
    page.click(".wip-settings summary")
    page.fill(f'input[name="wip[{ids["new"]}]"]', "1")
    with page.expect_navigation():
        page.click(".wip-settings button")
    head = page.locator(f'[data-column-head="{ids["new"]}"]')
    assert "over-limit" in head.get_attribute("class") and head.locator("[data-wip-warning]").is_visible()
    assert "/ 1" in head.inner_text()
    _shot(page, "board-wip-warning")
    page.goto(f"{live_server.url}/board?set_filter=1&status_id=o&lane_by=project")
    page.wait_for_selector("[data-board][data-ready='1']")
    lanes = page.locator(".kanban-lane-title").all_inner_texts()
    assert any("窓口DX WG" in t for t in lanes) and any("文書管理WG" in t for t in lanes)
    _shot(page, "board-across-wgs-lanes")


def test_the_personal_calendar_and_its_subscription_address(live_server, page):
    _team(live_server)
    with live_server.app.app_context():
        from tracker.meetings.services import save_meeting
        from tracker.tickets.models import Version
        from tracker.wg.models import WorkingGroup

        make = Factories(db)
        wg = db.session.scalar(select(WorkingGroup).where(WorkingGroup.identifier == "kanban-wg"))
        member = db.session.scalar(select(User).where(User.login == "kanban"))
        save_meeting(member, None, wg, title="第5回定例会", held_on=date(2026, 12, 8))
        db.session.add(Version(wg_id=wg.id, name="試行版リリース", effective_date=date(2026, 12, 18)))
        db.session.commit()
    browser_login(page, live_server, "kanban", TEST_PASSWORD)
    page.goto(f"{live_server.url}/calendar?date=2026-12-01")
    assert "第5回定例会" in page.locator('.cal-events[data-date="2026-12-08"]').inner_text()
    assert "試行版リリース" in page.locator('.cal-events[data-date="2026-12-18"]').inner_text()
    assert "申請書の様式を見直す" in page.locator('.cal-events[data-date="2026-12-10"]').inner_text()
    with page.expect_navigation():
        page.click(".cal-subscribe button")
    address = page.locator(".cal-subscribe input.feed-url").input_value()
    assert "/my/calendar.ics?key=" in address
    _shot(page, "calendar-personal")
    feed = page.request.get(address)
    assert feed.ok and "申請書の様式を見直す" in feed.text() and "BEGIN:VCALENDAR" in feed.text()
