"""Downloads of files on private tickets are in the audit log (issue 12): who, which file, which ticket — one
INSERT in the GET, and nothing for files on public tickets or for refused downloads."""
from __future__ import annotations

from sqlalchemy import event, select

from tracker.core.audit import AuditEntry
from tracker.tickets import services
from tracker.tickets.attachments import Upload


def _ticket_with_file(db, make, team, private: bool):
    tracker = make.tracker()
    ticket = services.create_ticket(team.leader, team.wg, {
        "subject": "個人情報を含む申請書の様式", "tracker_id": tracker.id, "is_private": private},
        uploads=[Upload("申請書.pdf", b"%PDF-1.4 test", "application/pdf")])
    db.session.commit()
    return ticket, ticket.attachments[0]


def _downloads(db):
    db.session.expire_all()
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == "attachment.download")).all()


def test_a_download_from_a_private_ticket_is_one_audit_row(client, db, make, login, team):
    ticket, attachment = _ticket_with_file(db, make, team, private=True)
    login(team.leader)
    writes = []

    def record(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            writes.append(statement.split()[2])

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = client.get(f"/attachments/download/{attachment.id}/{attachment.filename}")
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 200 and response.data == b"%PDF-1.4 test"
    assert writes == ["audit_entries"]
    [entry] = _downloads(db)
    assert entry.actor_id == team.leader.id and entry.wg_id == team.wg.id
    assert (entry.object_type, entry.object_id) == ("attachment", attachment.id)
    assert entry.details == {"filename": "申請書.pdf", "ticket_id": ticket.id}


def test_a_download_from_a_public_ticket_is_not_recorded(client, db, make, login, team):
    _ticket, attachment = _ticket_with_file(db, make, team, private=False)
    login(team.member)
    assert client.get(f"/attachments/download/{attachment.id}").status_code == 200
    assert _downloads(db) == []


def test_a_refused_download_is_not_recorded(client, db, make, login, team):
    _ticket, attachment = _ticket_with_file(db, make, team, private=True)
    login(team.outsider)
    assert client.get(f"/attachments/download/{attachment.id}").status_code == 404
    assert _downloads(db) == []
