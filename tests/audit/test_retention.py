"""Retention: ``tracker audit prune`` removes entries past TRACKER_AUDIT_RETENTION_DAYS, and nothing else may
edit or delete an entry."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select, update

from tracker.audit import services
from tracker.cli import main
from tracker.config import TestConfig as _TestConfig
from tracker.core.audit import AuditEntry, AuditEntryIsAppendOnly
from tracker.core.db import utcnow


def _count(db, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(*where))


def test_retention_defaults_to_five_years(monkeypatch):
    assert _TestConfig().AUDIT_RETENTION_DAYS == 1827
    monkeypatch.setenv("TRACKER_AUDIT_RETENTION_DAYS", "30")
    assert _TestConfig().AUDIT_RETENTION_DAYS == 30


@pytest.fixture
def aged(entry, db):
    now = utcnow()
    old = [entry(at=now - timedelta(days=1828 + n)).id for n in range(5)]
    kept = [entry(at=now - timedelta(days=1826)).id, entry().id]
    db.session.commit()
    return old, kept


def test_dry_run_counts_and_keeps_everything(app, db, aged):
    old, kept = aged
    total = _count(db)
    result = app.test_cli_runner().invoke(main, ["audit", "prune", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "5 audit entries older than 1827 days" in result.output and "would be removed" in result.output
    assert _count(db) == total


def test_prune_removes_only_entries_past_retention_in_batches(app, db, aged):
    old, kept = aged
    result = services.prune(batch_size=2)
    assert result.removed == 5 and not result.dry_run
    assert _count(db, AuditEntry.id.in_(old)) == 0
    assert _count(db, AuditEntry.id.in_(kept)) == 2
    trail = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "audit.prune"))
    assert trail.details["removed"] == 5 and trail.details["retention_days"] == 1827


def test_prune_command_says_how_many_were_removed(app, db, aged):
    result = app.test_cli_runner().invoke(main, ["audit", "prune"])
    assert result.exit_code == 0, result.output
    assert "Removed 5 audit entries older than 1827 days" in result.output
    again = app.test_cli_runner().invoke(main, ["audit", "prune"])
    assert "Removed 0 audit entries" in again.output


def test_an_orm_update_or_delete_of_an_entry_is_refused(db, entry):
    recorded = entry()
    recorded.notes = "rewritten"
    with pytest.raises(AuditEntryIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    recorded = entry()
    db.session.delete(recorded)
    with pytest.raises(AuditEntryIsAppendOnly):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("statement", [
    update(AuditEntry).values(notes="rewritten"),
    delete(AuditEntry),
    delete(AuditEntry.__table__).where(AuditEntry.__table__.c.id > 0),
    update(AuditEntry.__table__).values(actor_login="someone"),
])
def test_bulk_update_or_delete_through_the_session_is_refused(db, entry, statement):
    entry()
    before = _count(db)
    with pytest.raises(AuditEntryIsAppendOnly):
        db.session.execute(statement)
    assert _count(db) == before
