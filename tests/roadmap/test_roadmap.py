"""A milestone's roadmap: progress, hours, tickets by tracker, the burndown computed from the status history,
late milestones flagged, private tickets neither listed nor counted."""
from datetime import date, datetime, timezone
from decimal import Decimal

from tracker.tickets.models import Journal, JournalDetail, TimeEntry, Version
from tracker.roadmap.progress import progress_of


def _status_change(db, ticket, user, when, old, new):
    journal = Journal(ticket_id=ticket.id, user_id=user.id, notes="", created_at=when)
    journal.details = [JournalDetail(property="attr", prop_key="status_id", old_value=str(old.id), value=str(new.id))]
    db.session.add(journal)


def _utc(day, hour=3):  # 12:00 in Tokyo
    return datetime(2026, 4, day, hour, tzinfo=timezone.utc)


def _milestone(make, db):
    leader, observer = make.user(), make.user()
    wg = make.wg(identifier="roadmap-wg", members={leader: "WG責任者", observer: "オブザーバー"})
    version = Version(wg_id=wg.id, name="第1期", effective_date=date(2026, 4, 11), created_at=_utc(1))
    db.session.add(version)
    db.session.flush()
    new, closed = make.status("新規"), make.status("終了")
    tickets = [make.ticket(wg=wg, author=leader, subject=f"作業{i}", fixed_version_id=version.id, created_at=_utc(1),
                           estimated_hours=Decimal(h)) for i, h in ((1, 4), (2, 6), (3, 10))]
    # 作業1 closed on 4/3; 作業2 closed on 4/5 and reopened on 4/6; 作業3 open; 作業2 closed for good late on 4/8
    _status_change(db, tickets[0], leader, _utc(3), new, closed)
    _status_change(db, tickets[1], leader, _utc(5), new, closed)
    _status_change(db, tickets[1], leader, _utc(6), closed, new)
    _status_change(db, tickets[1], leader, _utc(8, 14), new, closed)  # 23:00 in Tokyo: still 4/8
    tickets[0].status, tickets[1].status = closed, closed
    secret = make.ticket(wg=wg, author=leader, subject="非公開の作業", fixed_version_id=version.id, created_at=_utc(2),
                         is_private=True, estimated_hours=Decimal(100))
    db.session.add(TimeEntry(wg_id=wg.id, ticket_id=tickets[2].id, user_id=leader.id, author_id=leader.id,
                             activity_id=_activity(db), hours=Decimal("2.5"), spent_on=date(2026, 4, 4)))
    db.session.flush()
    return type("M", (), {"wg": wg, "version": version, "tickets": tickets, "leader": leader, "observer": observer,
                          "secret": secret})


def _activity(db):
    from sqlalchemy import select

    from tracker.tickets.models import TimeEntryActivity

    return db.session.scalar(select(TimeEntryActivity.id).limit(1))


def test_burndown_counts_open_tickets_per_day_from_the_status_history(app, make, db):
    m = _milestone(make, db)
    with app.test_request_context():
        progress = progress_of(m.observer, m.version, today=date(2026, 4, 9))
    open_by_day = {d.day.day: d.open_tickets for d in progress.burndown if d.open_tickets is not None}
    assert open_by_day == {1: 3, 2: 3, 3: 2, 4: 2, 5: 1, 6: 2, 7: 2, 8: 1, 9: 1}
    hours = {d.day.day: d.open_hours for d in progress.burndown if d.open_hours is not None}
    assert hours[1] == Decimal(20) and hours[5] == Decimal(10) and hours[6] == Decimal(16)
    ideal = {d.day.day: d.ideal_tickets for d in progress.burndown}
    assert ideal[1] == 3 and ideal[11] == 0 and ideal[6] == 1.5  # 3 tickets to none over 4/1–4/11
    assert progress.burndown[-1].day == date(2026, 4, 11) and progress.burndown[-1].open_tickets is None
    assert (progress.total, progress.closed, progress.estimated, progress.spent) == (3, 2, Decimal(20), Decimal("2.5"))
    assert not progress.late


def test_the_leader_counts_the_private_ticket_too(app, make, db):
    m = _milestone(make, db)
    with app.test_request_context():
        progress = progress_of(m.leader, m.version, today=date(2026, 4, 9))
    assert progress.total == 4 and progress.burndown[1].open_tickets == 4  # created on 4/2


def test_a_milestone_past_its_date_with_open_tickets_is_late(client, login, make, db):
    m = _milestone(make, db)
    login(m.observer)
    page = client.get(f"/versions/{m.version.id}/roadmap").get_data(as_text=True)
    assert "badge late" in page  # today is long after 2026-04-11 and 作業3 is open
    assert '<polyline class="actual"' in page and '<polyline class="ideal"' in page
    assert "作業3" in page and "非公開の作業" not in page
    listing = client.get("/projects/roadmap-wg/roadmap").get_data(as_text=True)
    assert "第1期" in listing and "badge late" in listing
    data = client.get(f"/api/v1/versions/{m.version.id}/roadmap").get_json()
    assert data["late"] is True and data["total_tickets"] == 3 and data["closed_tickets"] == 2
    assert [g["tracker"] for g in data["trackers"]] == ["タスク"]
    assert data["burndown"][0] == {"date": "2026-04-01", "open_tickets": 3, "open_hours": 20.0,
                                   "ideal_tickets": 3.0, "ideal_hours": 20.0}
    # the roadmap list's expanded row asks for the tickets only
    brief = client.get(f"/api/v1/versions/{m.version.id}/roadmap?burndown=0").get_json()
    assert "burndown" not in brief and brief["trackers"] == data["trackers"] and brief["today"] == data["today"]
    assert client.get(f"/versions/{m.version.id}/roadmap?mode=hours").status_code == 200


def test_an_outsider_cannot_see_the_milestone_of_a_private_wg(client, login, make, db):
    m = _milestone(make, db)
    m.wg.is_public = False
    db.session.flush()
    login(make.user())
    assert client.get(f"/versions/{m.version.id}/roadmap").status_code == 404
    assert client.get(f"/api/v1/versions/{m.version.id}/roadmap").status_code == 404
    assert "第1期" not in client.get("/roadmap").get_data(as_text=True)
