"""The Redmine importer against a local server answering with real Redmine 5.0.4 responses."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from tests.redmine.fake_server import API_KEY, FakeRedmine
from tracker.accounts.models import User
from tracker.redmine.client import RedmineClient
from tracker.redmine.importer import Importer
from tracker.tickets import attachments as files
from tracker.tickets.models import (
    CustomValue, IssueStatus, Journal, Ticket, TicketRelation, TimeEntry, Tracker, Watcher,
)
from tracker.wg.models import Member, WorkingGroup


@pytest.fixture
def fake():
    server = FakeRedmine()
    server.start()
    server.issues[1]["custom_fields"] = [{"id": 1, "name": "担当課", "value": "市民課"}]
    server.add_attachment(1, 11, "申請書.txt", "出張申請の様式".encode())
    server.memberships.append({"id": 9, "project": {"id": 1, "name": "WG"}, "group": {"id": 20, "name": "市民課"},
                               "roles": [{"id": 4, "name": "Developer"}]})
    yield server
    server.stop()


def run(fake, db, **options):
    messages = []
    summary = Importer(RedmineClient(fake.url, API_KEY), progress=messages.append, **options).run()
    return summary, messages


def ticket_for(db, subject_start: str) -> Ticket:
    return db.session.scalar(select(Ticket).where(Ticket.subject.startswith(subject_start)))


def test_import_brings_everything_over(app, db, fake):
    summary, messages = run(fake, db)

    honma = db.session.scalar(select(User).where(User.login == "honma"))
    assert honma.name == "本間 一郎" and honma.email == "honma@city.example.jp"
    assert honma.password_hash is None  # they set a password with "forgot password"
    wg = db.session.scalar(select(WorkingGroup).where(WorkingGroup.identifier == "mynumber-wg"))
    assert wg.name == "マイナンバーカード普及・活用WG"
    member = db.session.scalar(select(Member).where(Member.wg_id == wg.id, Member.user_id == honma.id))
    assert [r.name for r in member.roles] == ["WG責任者"]  # Redmine's Manager

    main = ticket_for(db, "出張申請")
    assert main.wg_id == wg.id
    assert main.tracker.name == "Feature" and main.status.name == "In Progress" and main.priority.name == "Normal"
    assert main.author.login == "admin" and main.assigned_to_id == honma.id
    assert main.fixed_version.name == "R4年度末"
    created = main.created_at if main.created_at.tzinfo else main.created_at.replace(tzinfo=timezone.utc)
    assert created == datetime(2026, 11, 22, 18, 30, 59, tzinfo=timezone.utc)  # Redmine's time, not the import's
    child = db.session.scalar(select(Ticket).where(Ticket.parent_id == main.id))
    assert child is not None and child.status.is_closed

    journals = db.session.scalars(select(Journal).where(Journal.ticket_id == main.id).order_by(Journal.id)).all()
    assert [j.notes for j in journals] == ["", "7月8日〜9日 東市民SC 437件受付", "元総社・清里を追加", ""]
    status_change = journals[1].details[0]
    statuses = {s.name: s.id for s in db.session.scalars(select(IssueStatus))}
    assert (status_change.prop_key, status_change.old_value, status_change.value) == (
        "status_id", str(statuses["New"]), str(statuses["In Progress"]))
    assert journals[2].details[0].value == str(honma.id)  # Redmine's user 5 is our honma

    relation = db.session.scalar(select(TicketRelation).where(TicketRelation.issue_from_id == main.id))
    assert relation.relation_type == "relates" and relation.issue_to.subject == fake.issues[3]["subject"]
    assert [w.user.login for w in db.session.scalars(select(Watcher).where(Watcher.ticket_id == main.id))] == ["admin"]
    entry = db.session.scalar(select(TimeEntry).where(TimeEntry.ticket_id == main.id))
    assert float(entry.hours) == 3.5 and entry.comments == "出張申請対応" and entry.activity.name == "Design"
    assert [a.filename for a in main.attachments] == ["申請書.txt"]
    assert files.disk_path(main.attachments[0]).read_bytes() == "出張申請の様式".encode()
    value = db.session.scalar(select(CustomValue).where(CustomValue.ticket_id == main.id))
    assert value.value == "市民課" and value.custom_field.name == "担当課"

    assert summary.created["issue"] == 5 and summary.created["user"] == 5 and summary.created["journal"] == 4
    assert summary.created["project"] == 1 and summary.created["time_entry"] == 1 and summary.created["attachment"] == 1
    reasons = " ".join(reason for _k, _id, reason in summary.skipped)
    assert "group 市民課" in reasons and "fields of user are not imported" in reasons
    assert any(m.startswith("issues 5/5 (100.0%)") and "/s" in m and "ETA" in m for m in messages)
    assert "issue" in "\n".join(summary.lines(False))


def test_second_run_updates_instead_of_duplicating(app, db, fake):
    run(fake, db)
    counts = {model: db.session.scalar(select(func.count()).select_from(model))
              for model in (Ticket, Journal, User, WorkingGroup, TicketRelation, TimeEntry, Tracker, Watcher)}
    fake.issues[1]["subject"] = "出張申請の拡充（全支所）"
    fake.issues[1]["updated_on"] = "2026-11-23T09:00:00Z"
    summary, _messages = run(fake, db)
    db.session.expire_all()
    assert counts == {model: db.session.scalar(select(func.count()).select_from(model)) for model in counts}
    assert ticket_for(db, "出張申請の拡充（全支所）") is not None
    assert summary.updated["issue"] == 5 and summary.created["issue"] == 0
    assert len(ticket_for(db, "出張申請").attachments) == 1


def test_dry_run_saves_nothing(app, db, fake):
    before = db.session.scalar(select(func.count()).select_from(Ticket))
    summary, _messages = run(fake, db, dry_run=True)
    assert summary.created["issue"] == 5
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == before
    assert "Dry run" in summary.lines(True)[0]


def test_only_the_projects_asked_for(app, db, fake):
    summary, _messages = run(fake, db, projects=["no-such-project"])
    assert summary.created["issue"] == 0
    assert ("project", "no-such-project", "not found on the Redmine server (or not visible)") in summary.skipped


def test_command_line(app, db, fake):
    from tracker.cli import main

    result = app.test_cli_runner().invoke(main, ["import", "redmine", "--url", fake.url, "--key", API_KEY,
                                                "--project", "mynumber-wg"])
    assert result.exit_code == 0, result.output
    assert "Import finished." in result.output
    bad = app.test_cli_runner().invoke(main, ["import", "redmine", "--url", fake.url, "--key", "wrong"])
    assert bad.exit_code == 1 and "401" in bad.output


def test_without_an_administrators_key_people_come_from_the_names_seen(app, db, fake):
    fake.admin_key = False
    summary, _messages = run(fake, db)
    honma = db.session.get(User, ticket_for(db, "出張申請").assigned_to_id)
    assert honma.name == "本間 一郎" and not honma.active and honma.password_hash is None
    assert any("administrator" in note for note in summary.notes)
    assert summary.created["issue"] == 5
