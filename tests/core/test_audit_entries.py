"""The audit table is append-only and an entry is one INSERT in the request's transaction."""
import pytest
from sqlalchemy import event, select

from tracker.core import audit
from tracker.core.audit import AuditEntry, AuditEntryIsAppendOnly

audit.register_action("test.poke", "poke", "admin")


def test_record_adds_one_row_with_actor_snapshot(db, make):
    user = make.user(login="sato")
    statements = []
    listener = lambda conn, cursor, sql, *args: statements.append(sql)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        audit.record("test.poke", actor=user, details={"n": 1})
        db.session.flush()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert [s for s in statements if s.lstrip().upper().startswith("INSERT")] == [statements[0]]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "test.poke"))
    assert (entry.actor_id, entry.actor_login, entry.details) == (user.id, "sato", {"n": 1})


def test_unregistered_action_is_refused(db):
    with pytest.raises(LookupError):
        audit.record("nobody.registered.this")


def test_entries_cannot_be_edited_or_deleted(db, make):
    entry = audit.record("test.poke", actor=make.user())
    db.session.flush()
    entry.notes = "rewritten"
    with pytest.raises(AuditEntryIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    entry = audit.record("test.poke")
    db.session.flush()
    db.session.delete(entry)
    with pytest.raises(AuditEntryIsAppendOnly):
        db.session.flush()
