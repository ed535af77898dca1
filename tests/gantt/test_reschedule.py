"""Dragging a bar: the move goes through the ticket service (journal, notification, followers rescheduled with
their delay); a refused move says why and changes nothing."""
from datetime import date

from sqlalchemy import select

from tests.conftest import csrf_token
from tracker.tickets.models import Journal, JournalDetail


def _move(client, ticket, start, due, lock=None):
    token = csrf_token(client, "/gantt")
    return client.post(f"/api/v1/gantt/issues/{ticket.id}/schedule", headers={"X-CSRFToken": token}, json={
        "start_date": start, "due_date": due, "lock_version": ticket.lock_version if lock is None else lock})


def _details(db, ticket, key):
    return list(db.session.scalars(select(JournalDetail).join(Journal).where(
        Journal.ticket_id == ticket.id, JournalDetail.prop_key == key)))


def test_moving_a_bar_reschedules_its_followers_with_their_delay(client, login, plan, db, emitted):
    login(plan.leader)
    response = _move(client, plan.design, "2026-04-06", "2026-04-15")
    assert response.status_code == 200, response.get_json()
    changed = {t["id"]: t for t in response.get_json()["tickets"]}
    assert response.get_json()["tickets"][0]["id"] == plan.design.id
    # 設計 now ends on 4/15; 開発 follows 2 days later (4/18) and keeps its 18 days; 試験 follows 開発 directly.
    assert changed[plan.build.id]["start_date"] == "2026-04-18" and changed[plan.build.id]["due_date"] == "2026-05-05"
    assert changed[plan.check.id]["start_date"] == "2026-05-06" and changed[plan.check.id]["due_date"] == "2026-05-20"
    assert plan.loose.id not in changed
    db.session.expire_all()
    assert plan.design.start_date == date(2026, 4, 6) and plan.build.start_date == date(2026, 4, 18)
    moved = _details(db, plan.design, "due_date")
    assert [(d.old_value, d.value) for d in moved] == [("2026-04-10", "2026-04-15")]
    assert [(d.old_value, d.value) for d in _details(db, plan.build, "start_date")] == [("2026-04-13", "2026-04-18")]
    assert any(e.kind == "ticket.updated" and e.data["ticket_id"] == plan.design.id for e in emitted)


def test_a_stale_bar_is_refused_and_nothing_changes(client, login, plan, db):
    login(plan.leader)
    response = _move(client, plan.design, "2026-04-06", "2026-04-15", lock=plan.design.lock_version + 5)
    assert response.status_code == 409
    assert "changed" in " ".join(response.get_json()["errors"]) or "変更" in " ".join(response.get_json()["errors"])
    db.session.expire_all()
    assert plan.design.due_date == date(2026, 4, 10) and plan.build.start_date == date(2026, 4, 13)


def test_a_closed_wg_refuses_the_move_and_says_why(client, login, plan, make, db):
    make.charter(plan.wg, phase="closed")
    login(plan.leader)
    response = _move(client, plan.design, "2026-04-06", "2026-04-15")
    assert response.status_code == 422
    message = response.get_json()["errors"][0]
    assert "closed" in message or "終了" in message
    db.session.expire_all()
    assert plan.design.due_date == date(2026, 4, 10)
    page = client.get("/projects/gantt-wg/gantt").get_data(as_text=True)
    assert 'class="bar editable' not in page and "read-only-note" in page


def test_an_observer_may_not_move_bars(client, login, plan, db):
    login(plan.observer)
    response = _move(client, plan.design, "2026-04-06", "2026-04-15")
    assert response.status_code == 422
    assert response.get_json()["errors"]
    db.session.expire_all()
    assert plan.design.due_date == date(2026, 4, 10)


def test_dates_the_wrong_way_round_are_refused(client, login, plan):
    login(plan.leader)
    response = _move(client, plan.design, "2026-04-20", "2026-04-15")
    assert response.status_code == 422
    response = _move(client, plan.design, "4/20", "2026-04-25")
    assert response.status_code == 422


def test_a_parent_follows_its_subtasks(client, login, plan, make, db):
    child = make.ticket(wg=plan.wg, author=plan.leader, subject="子", parent=plan.loose,
                        start_date=date(2026, 4, 1), due_date=date(2026, 4, 5))
    login(plan.leader)
    assert _move(client, plan.loose, "2026-04-06", "2026-04-15").status_code == 422
    response = _move(client, child, "2026-04-03", "2026-04-09")
    assert response.status_code == 200
    db.session.expire_all()
    assert plan.loose.due_date == date(2026, 4, 9)  # rolled up


def test_the_people_of_a_rescheduled_follower_hear_that_its_dates_moved(client, login, plan, make, db):
    """The follower's assignee gets the in-app notification of its new dates, linked to the journal of that
    change; the observer, who chose nothing, hears nothing."""
    from tracker.notify.models import Notification

    assignee = make.user(login="gantt-assignee")
    make.member(plan.wg, assignee, roles="メンバー")
    plan.check.assigned_to_id = assignee.id
    db.session.flush()
    login(plan.leader)
    assert _move(client, plan.design, "2026-04-06", "2026-04-15").status_code == 200
    heard = list(db.session.scalars(select(Notification).where(Notification.user_id == assignee.id)))
    journal = db.session.scalars(select(Journal).where(Journal.ticket_id == plan.check.id)
                                 .order_by(Journal.id.desc())).first()
    assert [(n.kind, n.url.rsplit("/", 1)[-1]) for n in heard] == [
        ("ticket.updated", f"{plan.check.id}#note-{journal.id}")]
    assert not list(db.session.scalars(select(Notification).where(Notification.user_id == plan.observer.id)))
