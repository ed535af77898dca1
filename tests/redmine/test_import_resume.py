"""The importer for large servers against a live synthetic Redmine (bench/redmine_server.py, small size):
batches, an interrupted run resumed with no duplicates and the same result, attachment digests, custom
fields enabled per project."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bench.redmine_server import API_KEY, SyntheticRedmine
from tracker.redmine.client import RedmineClient
from tracker.redmine.importer import Importer
from tracker.redmine.issue_batches import IssueBatches
from tracker.redmine.models import RedmineIdMap, RedmineImportRun
from tracker.tickets import attachments as files
from tracker.tickets.models import Attachment, CustomField, CustomValue, Journal, Ticket, TicketRelation, Watcher
from tracker.wg.models import WorkingGroup

ISSUES, JOURNALS, PROJECTS, PAGE = 60, 2, 3, 10


class Interrupted(Exception):
    """Stands for Ctrl-C or a lost connection half-way through."""


@pytest.fixture
def servers():
    """Two servers with the same data at two addresses: two sources, imported side by side."""
    started = []

    def start(**sizes):
        server = SyntheticRedmine(**{"issues": ISSUES, "journals_per_issue": JOURNALS, "projects": PROJECTS,
                                     "attachment_every": 25, "users": 6, **sizes})
        server.start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def run(server, **options):
    messages: list[str] = []
    client = RedmineClient(server.url, API_KEY, page_size=PAGE, backoff=0)
    summary = Importer(client, progress=messages.append, **options).run()
    return summary, messages


def mapped(db, server, kind: str) -> dict[int, int]:
    return dict(db.session.execute(select(RedmineIdMap.redmine_id, RedmineIdMap.local_id).where(
        RedmineIdMap.source == server.url, RedmineIdMap.kind == kind)).all())


def snapshot(db, server) -> dict:
    """What was imported from ``server``, by Redmine id: what a user would see of each issue."""
    db.session.expire_all()
    issues = mapped(db, server, "issue")
    by_local = {local: rid for rid, local in issues.items()}
    result = {}
    for rid, local in sorted(issues.items()):
        ticket = db.session.get(Ticket, local)
        result[rid] = (
            ticket.subject, ticket.wg.identifier, ticket.status.name, ticket.assigned_to.login,
            by_local.get(ticket.parent_id),
            [(j.user.login, j.notes, [(d.prop_key, d.old_value, d.value) for d in j.details])
             for j in db.session.scalars(select(Journal).where(Journal.ticket_id == local).order_by(Journal.id))],
            sorted(v.value for v in db.session.scalars(select(CustomValue).where(CustomValue.ticket_id == local))),
            sorted(w.user.login for w in db.session.scalars(select(Watcher).where(Watcher.ticket_id == local))),
            sorted((by_local[r.issue_from_id], by_local[r.issue_to_id]) for r in db.session.scalars(
                select(TicketRelation).where(TicketRelation.issue_from_id == local))),
            [a.filename for a in ticket.attachments],
        )
    return result


def count(db, model, **where) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name).in_(value))
    return db.session.scalar(query)


def test_a_full_run_imports_every_issue_in_batches(app, db, servers):
    server = servers()
    summary, messages = run(server)
    assert summary.created["issue"] == ISSUES and summary.created["journal"] == ISSUES * JOURNALS
    tickets = list(mapped(db, server, "issue").values())
    assert count(db, Ticket, id=tickets) == ISSUES
    assert count(db, Journal, ticket_id=tickets) == ISSUES * JOURNALS
    ten = db.session.get(Ticket, mapped(db, server, "issue")[10])
    assert ten.parent_id == mapped(db, server, "issue")[9] and ten.subject == "交付通知の検討 10"
    # every project's state says it finished; the progress line has a rate and an ETA
    states = db.session.scalars(select(RedmineImportRun).where(RedmineImportRun.source == server.url)).all()
    issue_states = [s for s in states if s.resource.startswith("issues:")]
    assert len(issue_states) == PROJECTS and all(s.finished and s.done == ISSUES // PROJECTS for s in issue_states)
    assert messages[-1].startswith(f"issues {ISSUES}/{ISSUES} (100.0%)") and "/s" in messages[-1]
    # one page of the list per batch (20 issues a project, 10 a page), each issue read once
    assert server.requests < ISSUES + PROJECTS * 4 + 40


def test_interrupted_after_some_batches_then_resumed(app, db, servers):
    reference, interrupted = servers(), servers()
    run(reference)

    def stop_after_three(batches):
        if batches == 3:
            raise Interrupted

    with pytest.raises(Interrupted):
        run(interrupted, after_batch=stop_after_three)
    assert len(mapped(db, interrupted, "issue")) == 3 * PAGE  # three committed batches stay
    requests_before = interrupted.requests
    _summary, messages = run(interrupted, resume=True)

    assert any(m.startswith(f"Resuming: {3 * PAGE} of {ISSUES}") for m in messages)
    assert snapshot(db, interrupted) == snapshot(db, reference)
    tickets = list(mapped(db, interrupted, "issue").values())
    assert len(tickets) == ISSUES and count(db, Ticket, id=tickets) == ISSUES  # no duplicates
    assert count(db, Journal, ticket_id=tickets) == ISSUES * JOURNALS
    # done work was skipped: the issues imported before were not read again
    assert interrupted.requests - requests_before < ISSUES - 3 * PAGE + 40


def test_a_failure_half_way_through_a_batch_leaves_nothing_of_it(app, db, servers, monkeypatch):
    reference, failing = servers(), servers()
    run(reference)
    write = IssueBatches._journals
    calls = {"n": 0}

    def fail_in_the_fourth_batch(self, issues, wg_id):
        calls["n"] += 1
        if calls["n"] == 4:  # the tickets of this batch are inserted, their journals not yet
            raise Interrupted
        return write(self, issues, wg_id)

    monkeypatch.setattr(IssueBatches, "_journals", fail_in_the_fourth_batch)
    with pytest.raises(Interrupted):
        run(failing)
    monkeypatch.setattr(IssueBatches, "_journals", write)
    assert len(mapped(db, failing, "issue")) == 3 * PAGE
    tickets = list(mapped(db, failing, "issue").values())
    assert count(db, Journal, ticket_id=tickets) == 3 * PAGE * JOURNALS  # no ticket without its journals

    run(failing, resume=True)
    assert snapshot(db, failing) == snapshot(db, reference)
    # resuming a finished import finds nothing to do
    summary, _messages = run(failing, resume=True)
    assert summary.created["issue"] == 0 and summary.updated["issue"] == 0


def test_an_attachment_whose_checksum_does_not_match_is_downloaded_again(app, db, servers):
    server = servers()
    server.corrupt_downloads = {25: 2, 50: 5}  # 25: two bad transfers then a good one; 50: always bad
    summary, _messages = run(server)

    assert server.downloads[25] == 3
    attachment = db.session.get(Attachment, mapped(db, server, "attachment")[25])
    assert files.disk_path(attachment).read_bytes() == SyntheticRedmine.attachment_bytes(25)
    assert 50 not in mapped(db, server, "attachment") and server.downloads[50] == 3
    assert any(kind == "attachment" and rid == 50 and "checksum" in reason for kind, rid, reason in summary.skipped)


def test_custom_fields_are_enabled_in_the_projects_that_enable_them(app, db, servers):
    server = servers()  # the synthetic server enables 担当課 in projects 1 and 3, not 2
    run(server)
    field = db.session.get(CustomField, mapped_field(db, server))
    assert not field.is_for_all
    assert sorted(w.identifier for w in field.wgs) == ["wg-1", "wg-3"]
    wg2 = db.session.scalar(select(WorkingGroup).where(WorkingGroup.identifier == "wg-2"))
    assert wg2 not in field.wgs


def mapped_field(db, server) -> int:
    return db.session.scalar(select(RedmineIdMap.local_id).where(
        RedmineIdMap.source == server.url, RedmineIdMap.kind == "custom_field", RedmineIdMap.redmine_id == 1))


def test_the_command_line_resumes(app, db, servers):
    from tracker.cli import main

    server = servers()
    with pytest.raises(Interrupted):
        run(server, after_batch=lambda batches: (_ for _ in ()).throw(Interrupted) if batches == 2 else None)
    result = app.test_cli_runner().invoke(
        main, ["import", "redmine", "--url", server.url, "--key", API_KEY, "--resume"])
    assert result.exit_code == 0, result.output
    assert f"Resuming: {2 * PAGE} of {ISSUES} issues" in result.stderr and "ETA" in result.stderr
    assert "Import finished." in result.output
    tickets = list(mapped(db, server, "issue").values())
    assert len(tickets) == ISSUES and count(db, Ticket, id=tickets) == ISSUES
