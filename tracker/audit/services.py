"""What changes the audit log: recording that it was exported, and removing entries past retention."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from tracker.audit.policy import EXPORT_ACTION, PRUNE_ACTION
from tracker.audit.queries import AuditFilter
from tracker.core import audit
from tracker.core.audit import AuditEntry
from tracker.core.db import utcnow
from tracker.extensions import db

PRUNE_BATCH = 10_000


def record_export(actor, audit_filter: AuditFilter, rows: int) -> None:
    """One entry saying who took which part of the log away (the request's commit writes it)."""
    audit.record(EXPORT_ACTION.name, actor=actor, details={"filter": audit_filter.params, "rows": rows})


@dataclass
class PruneResult:
    cutoff: datetime
    removed: int
    dry_run: bool


def retention_cutoff(now: datetime | None = None, days: int | None = None) -> datetime:
    days = current_app.config["AUDIT_RETENTION_DAYS"] if days is None else days
    return (now or utcnow()) - timedelta(days=days)


def prune(*, dry_run: bool = False, now: datetime | None = None, days: int | None = None,
          batch_size: int = PRUNE_BATCH) -> PruneResult:
    """Delete the entries older than the retention period, ``batch_size`` at a time, committing each batch (a
    first prune of years of entries neither holds one long lock nor one huge transaction).

    This is the only path that removes entries: a Core DELETE on the session's connection, which the
    Session's append-only guard (tracker.core.audit) does not see. Everything else goes through the Session
    and is refused."""
    cutoff = retention_cutoff(now, days)
    table = AuditEntry.__table__
    old = table.c.created_at < cutoff
    if dry_run:
        return PruneResult(cutoff, db.session.scalar(select(func.count()).select_from(table).where(old)), True)
    removed = 0
    while True:
        oldest = select(table.c.id).where(old).order_by(table.c.id).limit(batch_size)
        result = db.session.connection().execute(delete(table).where(table.c.id.in_(oldest.scalar_subquery())))
        db.session.commit()
        removed += result.rowcount
        if result.rowcount < batch_size:
            break
    if removed:
        # The log says that it was shortened, and up to when.
        audit.record(PRUNE_ACTION.name, details={"removed": removed, "before": cutoff.isoformat(),
                                                 "retention_days": current_app.config["AUDIT_RETENTION_DAYS"]
                                                 if days is None else days})
        db.session.commit()
    return PruneResult(cutoff, removed, False)
