"""The calendar: month and week grids of tickets' start and due dates, 定例会, milestones and gate decisions, per
WG and personal; changing a due date (drag or form) through the ticket service; the personal iCalendar feed."""
from __future__ import annotations

from datetime import date

import pytest
from icalendar import Calendar as ICal
from sqlalchemy import select

from tests.conftest import csrf_token
from tracker.calendar import services
from tracker.calendar.events import build_calendar, span_for
from tracker.core.services import ServiceError
from tracker.tickets.feeds import make_feed_key
from tracker.tickets.models import Journal, Ticket, Version
from tracker.tickets.query import TicketQuery
from tracker.tickets.services import StaleTicketError


@pytest.fixture
def team(make):
    leader, member, observer = make.user(name="責任 太郎"), make.user(name="メンバー 花子"), make.user(name="観察 次郎")
    wg = make.wg(identifier="cal-wg", name="暦WG", members={leader: "WG責任者", member: "メンバー", observer: "オブザーバー"})
    return type("Team", (), {"wg": wg, "leader": leader, "member": member, "observer": observer})


def _events(user, wg, day, view="month", args=None):
    query = TicketQuery.from_params(user, args or {}, wg=wg)
    return build_calendar(user, query, span_for(view, day), wg)


def test_month_grid_starts_on_sunday_and_covers_the_month():
    span = span_for("month", date(2026, 12, 15))
    assert span.start == date(2026, 11, 29) and span.start.weekday() == 6
    assert span.end == date(2027, 1, 2)
    assert all(len(week) == 7 for week in span.weeks)
    week = span_for("week", date(2026, 12, 3))
    assert (week.start, week.end) == (date(2026, 11, 29), date(2026, 12, 5))
    assert span.next == date(2027, 1, 1) and span.previous == date(2026, 11, 1)


def test_a_wg_calendar_shows_tickets_meetings_milestones_and_gates(make, team, db):
    from tracker.charter import services as charter_services
    from tracker.meetings.services import save_meeting

    ticket = make.ticket(team.wg, author=team.member, subject="申請書の改訂", start_date=date(2026, 12, 1),
                         due_date=date(2026, 12, 10))
    save_meeting(team.leader, None, team.wg, title="第3回定例会", held_on=date(2026, 12, 7))
    db.session.add(Version(wg_id=team.wg.id, name="第1期リリース", effective_date=date(2026, 12, 20)))
    charter = make.charter(team.wg, phase="launch", complete=True)
    charter.milestones[0].due_date = date(2026, 12, 24)
    admin = make.admin()
    charter_services.decide_gate(charter, admin, decision="hold", conditions="", comment="", today=date(2026, 12, 15))
    db.session.flush()
    calendar = _events(team.member, team.wg, date(2026, 12, 1))
    kinds = {(e.kind, e.day) for e in calendar.all_events}
    assert ("start", date(2026, 12, 1)) in kinds and ("due", date(2026, 12, 10)) in kinds
    assert ("meeting", date(2026, 12, 7)) in kinds and ("version", date(2026, 12, 20)) in kinds
    assert ("milestone", date(2026, 12, 24)) in kinds
    assert any(e.kind == "gate" for e in calendar.all_events)
    due = next(e for e in calendar.all_events if e.kind == "due")
    assert due.ticket.id == ticket.id and due.movable


def test_the_personal_calendar_has_my_tickets_and_my_wgs_meetings(make, team, db):
    from tracker.meetings.services import save_meeting

    mine = make.ticket(team.wg, author=team.leader, subject="私の担当", assigned_to=team.member, due_date=date(2026, 12, 3))
    make.ticket(team.wg, author=team.leader, subject="他人の担当", assigned_to=team.leader, due_date=date(2026, 12, 3))
    other_wg = make.wg(members={team.leader: "WG責任者"})
    save_meeting(team.leader, None, team.wg, title="自分のWGの会議", held_on=date(2026, 12, 8))
    save_meeting(team.leader, None, other_wg, title="よそのWGの会議", held_on=date(2026, 12, 8))
    query = TicketQuery.from_params(team.member, {"assigned_to_id": "me"})
    titles = [e.title for e in build_calendar(team.member, query, span_for("month", date(2026, 12, 1)), None).all_events]
    assert f"#{mine.id} 私の担当" in titles and "自分のWGの会議" in titles
    assert not any("他人の担当" in t or "よそのWGの会議" in t for t in titles)


def test_a_private_ticket_stays_off_the_calendars_of_those_who_may_not_see_it(make, team):
    make.ticket(team.wg, author=team.member, subject="秘密の期限", is_private=True, due_date=date(2026, 12, 3))
    assert any("秘密の期限" in e.title for e in _events(team.member, team.wg, date(2026, 12, 1)).all_events)
    assert not any("秘密の期限" in e.title for e in _events(team.observer, team.wg, date(2026, 12, 1)).all_events)


def test_who_may_move_a_due_date(make, team):
    ticket = make.ticket(team.wg, author=team.member, due_date=date(2026, 12, 3))
    parent = make.ticket(team.wg, author=team.member, due_date=date(2026, 12, 4))
    make.ticket(team.wg, author=team.member, parent_id=parent.id, due_date=date(2026, 12, 4))
    movable = {e.ticket.id for e in _events(team.member, team.wg, date(2026, 12, 1)).all_events if e.movable}
    assert ticket.id in movable and parent.id not in movable  # a parent's dates come from its subtasks
    assert not any(e.movable for e in _events(team.observer, team.wg, date(2026, 12, 1)).all_events)
    with pytest.raises(ServiceError):
        services.reschedule(ticket, team.observer, "2026-12-05")


def test_rescheduling_is_a_journaled_edit_and_moves_followers(make, team):
    from tracker.tickets import relations

    ticket = make.ticket(team.wg, author=team.member, due_date=date(2026, 12, 3))
    follower = make.ticket(team.wg, author=team.member, start_date=date(2026, 12, 4), due_date=date(2026, 12, 6))
    relations.add_relation(ticket, team.member, "precedes", follower.id)
    journal = services.reschedule(ticket, team.member, "2026-12-10", ticket.lock_version)
    assert ticket.due_date == date(2026, 12, 10)
    assert [(d.prop_key, d.old_value, d.value) for d in journal.details] == [("due_date", "2026-12-03", "2026-12-10")]
    assert follower.start_date == date(2026, 12, 11)  # the precedes rule, as for any edit


def test_bad_or_stale_reschedules_change_nothing(make, team):
    ticket = make.ticket(team.wg, author=team.member, start_date=date(2026, 12, 5), due_date=date(2026, 12, 8))
    with pytest.raises(ServiceError, match="YYYY-MM-DD"):
        services.reschedule(ticket, team.member, "12/9")
    with pytest.raises(ServiceError):
        services.reschedule(ticket, team.member, "2026-12-01")  # before the start date
    with pytest.raises(StaleTicketError):
        services.reschedule(ticket, team.member, "2026-12-09", ticket.lock_version + 1)
    make.charter(team.wg, phase="stopped")
    with pytest.raises(ServiceError, match="closed|終了しています"):
        services.reschedule(ticket, team.leader, "2026-12-09")


def test_the_calendar_page_and_its_form(make, team, client, login, db):
    ticket = make.ticket(team.wg, author=team.member, subject="締切のある仕事", due_date=date(2026, 12, 3))
    db.session.commit()
    login(team.member)
    page_url = f"/projects/{team.wg.identifier}/calendar?date=2026-12-01"
    page = client.get(page_url).get_data(as_text=True)
    assert "締切のある仕事" in page and 'name="due_date"' in page and 'href="/projects/cal-wg/calendar"' in page
    week = client.get(f"/projects/{team.wg.identifier}/calendar?view=week&date=2026-12-03").get_data(as_text=True)
    assert "締切のある仕事" in week and week.count('class="cal-day') == 7
    response = client.post("/calendar/move", data={
        "csrf_token": csrf_token(client, page_url), "ticket_id": ticket.id, "due_date": "2026-12-09",
        "lock_version": ticket.lock_version, "back": page_url})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).due_date == date(2026, 12, 9)
    bad = client.post("/calendar/move", data={"csrf_token": csrf_token(client, page_url), "ticket_id": ticket.id,
                                              "due_date": "someday", "back": page_url}, follow_redirects=True)
    assert bad.status_code == 200 and "YYYY-MM-DD" in bad.get_data(as_text=True)


def test_the_json_move(make, team, client, login, db):
    ticket = make.ticket(team.wg, author=team.member, due_date=date(2026, 12, 3))
    loaded = ticket.lock_version
    db.session.commit()
    login(team.member)
    data = client.get(f"/api/v1/wgs/{team.wg.identifier}/calendar?date=2026-12-01").get_json()
    event = next(e for e in data["events"] if e.get("ticket_id") == ticket.id)
    assert event["movable"] and event["date"] == "2026-12-03"
    headers = {"X-CSRFToken": csrf_token(client, "/calendar")}
    moved = client.post("/api/v1/calendar/moves", json={"ticket_id": ticket.id, "due_date": "2026-12-04",
                                                        "lock_version": loaded}, headers=headers)
    assert moved.status_code == 200 and moved.get_json()["event"]["date"] == "2026-12-04"
    stale = client.post("/api/v1/calendar/moves", json={"ticket_id": ticket.id, "due_date": "2026-12-05",
                                                        "lock_version": loaded}, headers=headers)
    assert stale.status_code == 409
    assert len(db.session.scalars(select(Journal).where(Journal.ticket_id == ticket.id)).all()) == 1


def test_the_personal_ics_with_a_feed_key(make, team, app, db):
    ticket = make.ticket(team.wg, author=team.leader, subject="Outlookに出る仕事", assigned_to=team.member,
                         due_date=date.today())
    hidden = make.ticket(team.wg, author=team.leader, subject="担当外", due_date=date.today())
    key = make_feed_key(team.member)
    db.session.commit()
    anonymous = app.test_client()
    assert anonymous.get("/my/calendar.ics").status_code == 401
    assert anonymous.get("/my/calendar.ics?key=wrong").status_code == 401
    response = anonymous.get(f"/my/calendar.ics?key={key}")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    feed = ICal.from_ical(response.data)
    summaries = [str(e["summary"]) for e in feed.walk("VEVENT")]
    assert any(f"#{ticket.id} Outlookに出る仕事" in s for s in summaries)
    assert not any(hidden.subject in s for s in summaries)


def test_the_personal_calendar_offers_the_subscription_address(make, team, client, login, db):
    db.session.commit()
    login(team.member)
    page = client.get("/calendar").get_data(as_text=True)
    assert "/my/feed_key" in page and "/my/calendar.ics?key=" not in page
    response = client.post("/my/feed_key", data={"csrf_token": csrf_token(client, "/calendar"), "back": "/calendar"})
    assert response.headers["Location"].endswith("/calendar")
    assert "/my/calendar.ics?key=" in client.get("/calendar").get_data(as_text=True)


def test_a_busy_day_in_the_month_shows_some_and_links_to_its_week(make, team, client, login, db):
    for n in range(11):
        make.ticket(team.wg, author=team.member, subject=f"締切{n:02d}", due_date=date(2026, 12, 16))
    db.session.commit()
    login(team.member)
    month = client.get(f"/projects/{team.wg.identifier}/calendar?date=2026-12-01").get_data(as_text=True)
    day = month.split('data-date="2026-12-16"')[1].split("</td>")[0]
    assert day.count('class="cal-event') == 8 and "view=week" in day and ("3 more" in day or "ほか3件" in day)
    week = client.get(f"/projects/{team.wg.identifier}/calendar?view=week&date=2026-12-16").get_data(as_text=True)
    assert week.split('data-date="2026-12-16"')[1].split("</td>")[0].count('class="cal-event') == 11
