"""The audit log: one append-only table of who did what, when, from where.

It holds two kinds of entry, modelled on indico's event log:

- *events*: sign-ins, failed sign-ins, lockouts, password/2FA changes, API keys, ended sessions, permission and
  membership changes, admin actions, exports and downloads of private attachments;
- *changes*: every journaled change of an object (``changes`` holds ``[field, old, new]`` triples), written by
  the one history recorder (``tracker.core.history``). For objects other than tickets this row *is* the
  object's history (its 履歴 section reads it); tickets keep Redmine's journals as well.

One entry is one INSERT, added to the request's session and committed with the request's one commit. Nothing
in the app updates or deletes an entry; only ``tracker audit prune`` removes entries past retention.

The columns copy what they need (the actor's login, the WG id) rather than pointing at rows by foreign key, so
that deleting a user or a WG neither edits nor removes the record of what they did.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import has_request_context, request
from sqlalchemy import JSON, BigInteger, Boolean, Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from tracker.core.db import UTCDateTime, utcnow
from tracker.extensions import db

# SQLite only makes INTEGER PRIMARY KEY an alias of the rowid; PostgreSQL gets a 64-bit key for years of entries.
AuditId = BigInteger().with_variant(Integer, "sqlite")


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_object", "object_type", "object_id", "id"),
        Index("ix_audit_entries_actor_created", "actor_id", "created_at"),
        Index("ix_audit_entries_action_created", "action", "created_at"),
        # The audit log's search pages newest first by id (keyset): each filter seeks its value, then walks ids.
        Index("ix_audit_entries_actor_id", "actor_id", "id"),
        Index("ix_audit_entries_login_id", "actor_login", "id"),
        Index("ix_audit_entries_action_id", "action", "id"),
        Index("ix_audit_entries_type_id", "object_type", "id"),
        # With a date range the search walks created_at; an object type alone is the one filter without an
        # (…, created_at) index otherwise, and SQLite (no ANALYZE statistics) would sort a whole type's entries.
        Index("ix_audit_entries_type_created", "object_type", "created_at"),
    )

    id: Mapped[int] = mapped_column(AuditId, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # No foreign keys: the entry outlives the user, the WG and the object it names.
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_login: Mapped[str] = mapped_column(String(255), default="")
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column(Integer)
    wg_id: Mapped[int | None] = mapped_column(Integer, index=True)
    address: Mapped[str | None] = mapped_column(String(45))
    changes: Mapped[list | None] = mapped_column(JSON)
    notes: Mapped[str | None] = mapped_column(Text)
    private: Mapped[bool] = mapped_column(Boolean, default=False)
    details: Mapped[dict | None] = mapped_column(JSON)


@dataclass(frozen=True)
class AuditAction:
    name: str
    label: object
    category: str  # "auth", "admin", "export", "download", "change"


_ACTIONS: dict[str, AuditAction] = {}


def register_action(name: str, label, category: str) -> AuditAction:
    """Declare an action name once, with the label the audit log's search shows for it."""
    action = AuditAction(name, label, category)
    _ACTIONS[name] = action
    return action


def actions() -> dict[str, AuditAction]:
    return dict(_ACTIONS)


# Journaled models are named by their history name ("user", "risk"), so that a security or admin entry about a
# user shows in that user's 履歴 beside the edits (tracker.core.history declares them); others by their table.
_OBJECT_TYPES: dict[type, str] = {}


def name_object_type(model: type, name: str) -> None:
    _OBJECT_TYPES[model] = name


def object_type_of(obj) -> str:
    return _OBJECT_TYPES.get(type(obj)) or obj.__tablename__


def _request_address() -> str | None:
    # request.remote_addr is already the client's address behind TRACKER_TRUSTED_PROXIES (ProxyFix).
    return request.remote_addr if has_request_context() else None


def record(
    action: str,
    *,
    actor=None,
    login: str | None = None,
    obj=None,
    object_type: str | None = None,
    object_id: int | None = None,
    wg_id: int | None = None,
    changes: list | None = None,
    notes: str | None = None,
    private: bool = False,
    details: dict | None = None,
    address: str | None = None,
    session: Session | None = None,
) -> AuditEntry:
    """Add one entry to the current transaction (no flush, no commit: the request's commit writes it).

    ``obj`` fills ``object_type`` (its table name), ``object_id`` and ``wg_id`` when it has them. ``login``
    names an actor who has no account row (a failed sign-in with an unknown login).
    """
    if action not in _ACTIONS:
        raise LookupError(f"Unregistered audit action {action!r}; register it with register_action()")
    if obj is not None:
        object_type = object_type or object_type_of(obj)
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
        if wg_id is None:
            wg_id = getattr(obj, "wg_id", None)
    actor_id = getattr(actor, "id", None)
    entry = AuditEntry(
        created_at=utcnow(),
        actor_id=actor_id,
        actor_login=login if login is not None else (getattr(actor, "login", None) or ""),
        action=action,
        object_type=object_type,
        object_id=object_id,
        wg_id=wg_id,
        address=address if address is not None else _request_address(),
        changes=changes,
        notes=notes,
        private=private,
        details=details,
    )
    (session or db.session).add(entry)
    return entry


class AuditEntryIsAppendOnly(RuntimeError):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_edits(session, flush_context, instances) -> None:
    # The ORM path is the only way the app writes; pruning (tracker.audit.services.prune) runs a Core DELETE on
    # the session's connection, outside the Session, so it is the one way an entry leaves the table.
    for obj in session.dirty:
        if isinstance(obj, AuditEntry) and session.is_modified(obj):
            raise AuditEntryIsAppendOnly("audit entries cannot be edited")
    for obj in session.deleted:
        if isinstance(obj, AuditEntry):
            raise AuditEntryIsAppendOnly("audit entries cannot be deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_edits(state) -> None:
    # ``session.execute(update(AuditEntry))`` / ``delete(...)`` bypass the flush; refuse them here too.
    table = getattr(state.statement, "table", None)
    if (state.is_update or state.is_delete) and table is not None and AuditEntry.__table__.is_derived_from(table):
        raise AuditEntryIsAppendOnly("audit entries cannot be edited or deleted through the Session")
