"""The audit log's search: one filter, read from the query string (the page) or the form (the CSV export), and
one query that pages it newest first by id (keyset: ``?before=<id>``) or walks all of it in batches.

Every filter seeks an index and then walks ids downwards (``ix_audit_entries_actor_id``, ``_login_id``,
``_action_id``, ``_object``); a date range walks ``created_at`` instead (``ix_audit_entries_created_at``, or
``_actor_created`` / ``_action_created`` with a user or an action), so a page costs the same on the first day
and after five years of entries (bench/audit_bench.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import false, func, or_, select

from tracker.core import audit, history
from tracker.core.audit import AuditEntry
from tracker.core.translation import gettext as _, lazy_gettext as _l, pgettext
from tracker.extensions import db

PAGE_SIZE = 50
EXPORT_BATCH = 2000
# Audit ids are 64-bit on PostgreSQL: a larger ``before`` names no entry.
MAX_AUDIT_ID = 2**63 - 1
MAX_OBJECT_ID = 2**31 - 1

CATEGORY_LABELS = {
    "auth": _l("Sign-in and security"),
    "admin": _l("Administration"),
    "export": _l("Exports"),
    "download": _l("Downloads"),
    "change": _l("Changes"),
}
_DIGITS = re.compile(r"^\d{1,19}$")


def actions_by_category() -> list[tuple[str, list[tuple[str, str]]]]:
    """[(category label, [(action name, label), ...]), ...] for the grouped select, in a stable order."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for action in audit.actions().values():
        groups.setdefault(action.category, []).append((action.name, str(action.label)))
    order = list(CATEGORY_LABELS)
    return [
        (str(CATEGORY_LABELS.get(category, category)), sorted(items, key=lambda item: item[1]))
        for category, items in sorted(groups.items(), key=lambda g: (order.index(g[0]) if g[0] in order else 99, g[0]))
    ]


def object_types() -> dict[str, str]:
    """Object type → label: the journaled objects by their label, then any other table an entry may name."""
    journaled = history.registered()
    types = {name: str(spec.label) for name, spec in sorted(journaled.items(), key=lambda item: str(item[1].label))}
    journaled_tables = {spec.model.__tablename__ for spec in journaled.values()}
    for table in sorted(db.metadata.tables):
        if table not in journaled_tables and table not in types and table != AuditEntry.__tablename__:
            types[table] = table
    return types


@dataclass
class AuditFilter:
    """What the auditor asked for; ``errors`` holds a message per field that could not be read."""

    user: str = ""
    date_from: date | None = None
    date_to: date | None = None
    action: str = ""
    object_type: str = ""
    object_id: int | None = None
    before: int | None = None
    errors: list[str] = field(default_factory=list)
    # As typed, to show the form again with what the user wrote.
    raw: dict[str, str] = field(default_factory=dict)

    FIELDS = ("user", "from", "to", "action", "object_type", "object_id")

    @classmethod
    def from_args(cls, args) -> "AuditFilter":
        raw = {name: (args.get(name) or "").strip() for name in cls.FIELDS}
        found = cls(raw=raw)
        found.user = raw["user"][:255]
        found.date_from = found._date(raw["from"], _("From"))
        found.date_to = found._date(raw["to"], pgettext("date range", "To"))
        if found.date_from and found.date_to and found.date_from > found.date_to:
            found.errors.append(_("The start date (%(start)s) is after the end date (%(end)s).",
                                  start=found.date_from.isoformat(), end=found.date_to.isoformat()))
        if raw["action"]:
            if raw["action"] in audit.actions():
                found.action = raw["action"]
            else:
                found.errors.append(_("Unknown action “%(action)s”.", action=raw["action"][:60]))
        if raw["object_type"]:
            if raw["object_type"] in object_types():
                found.object_type = raw["object_type"]
            else:
                found.errors.append(_("Unknown object type “%(type)s”.", type=raw["object_type"][:40]))
        if raw["object_id"]:
            if _DIGITS.match(raw["object_id"]) and 0 < int(raw["object_id"]) <= MAX_OBJECT_ID:
                found.object_id = int(raw["object_id"])
            else:
                found.errors.append(_("The object id must be a whole number from 1 to %(max)s.", max=MAX_OBJECT_ID))
            if not raw["object_type"]:
                found.errors.append(_("Choose the object type for the object id."))
        before = (args.get("before") or "").strip()
        if before:
            if _DIGITS.match(before) and 0 < int(before) <= MAX_AUDIT_ID:
                found.before = int(before)
            else:
                found.errors.append(_("The page position “%(before)s” is not valid; start again from the newest entries.",
                                      before=before[:30]))
        return found

    def _date(self, value: str, label: str) -> date | None:
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.errors.append(_("%(field)s: “%(value)s” is not a date (write it as YYYY-MM-DD).",
                                 field=label, value=value[:30]))
            return None

    @property
    def params(self) -> dict[str, str]:
        """The filter as query parameters (without the page position), for links and the export form."""
        values = {
            "user": self.user,
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "action": self.action,
            "object_type": self.object_type,
            "object_id": str(self.object_id) if self.object_id else "",
        }
        return {name: value for name, value in values.items() if value}


def _day_start(day: date) -> datetime:
    """Midnight of ``day`` in the organisation's timezone (as the ticket list's date filters)."""
    return datetime.combine(day, time.min, ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))


@dataclass
class Page:
    entries: list[AuditEntry]
    next_before: int | None  # the ``before`` of the next (older) page, None on the last page


class AuditQuery:
    """The entries ``audit_filter`` selects, newest first. ``upto_id`` fixes the set (an export counts and
    writes the same rows even while new entries arrive)."""

    def __init__(self, audit_filter: AuditFilter, upto_id: int | None = None):
        self.filter = audit_filter
        self.upto_id = upto_id
        self._conditions: list | None = None

    @property
    def by_time(self) -> bool:
        """A date range walks ``created_at`` (its index, or ``(actor_id|action, created_at)`` with a user or an
        action): newest first by time, ties by id. Otherwise newest first by id, each filter's ``(…, id)`` index."""
        # One object's entries are few: its (type, id, id) index gives them newest first, dates or not.
        return bool(self.filter.date_from or self.filter.date_to) and not self.filter.object_id

    def conditions(self) -> list:
        if self._conditions is not None:
            return list(self._conditions)
        f = self.filter
        clauses = []
        if f.user:
            from tracker.accounts.models import User

            user_id = db.session.scalar(select(User.id).where(func.lower(User.login) == f.user.lower()))
            # A known account by id (its login may have changed since); otherwise the login as it was recorded
            # (a failed sign-in with an unknown login, a deleted account).
            clauses.append(AuditEntry.actor_id == user_id if user_id is not None else AuditEntry.actor_login == f.user)
        if f.date_from:
            clauses.append(AuditEntry.created_at >= _day_start(f.date_from))
        if f.date_to:
            clauses.append(AuditEntry.created_at < _day_start(f.date_to + timedelta(days=1)))
        if f.action:
            clauses.append(AuditEntry.action == f.action)
        if f.object_type:
            clauses.append(AuditEntry.object_type == f.object_type)
            # A journaled change ("risk.update") is always recorded on its own type: another type matches nothing,
            # which the database would otherwise prove by reading every entry of the action.
            action = audit.actions().get(f.action)
            journaled = f.action.rsplit(".", 1)[0] if action is not None and action.category == "change" else None
            if journaled in history.registered() and journaled != f.object_type:
                clauses.append(false())
        if f.object_id:
            clauses.append(AuditEntry.object_id == f.object_id)
        if self.upto_id is not None:
            clauses.append(AuditEntry.id <= self.upto_id)
        self._conditions = clauses
        return list(clauses)

    def _select(self, columns, after: tuple[datetime | None, int] | None):
        """``after``: (created_at, id) of the last entry shown; the next entries are older than it."""
        clauses = self.conditions()
        if self.by_time:
            order = [AuditEntry.created_at.desc(), AuditEntry.id.desc()]
            if after is not None:
                moment, before = after
                if moment is None:  # the entry of ?before= is gone (pruned): older ids only
                    clauses.append(AuditEntry.id < before)
                else:
                    clauses += [AuditEntry.created_at <= moment,
                                or_(AuditEntry.created_at < moment, AuditEntry.id < before)]
        else:
            order = [AuditEntry.id.desc()]
            if after is not None:
                clauses.append(AuditEntry.id < after[1])
        return select(*columns).where(*clauses).order_by(*order)

    def _after(self, before: int | None):
        if before is None:
            return None
        moment = db.session.scalar(select(AuditEntry.created_at).where(AuditEntry.id == before)) if self.by_time else None
        return (moment, before)

    def page(self, size: int = PAGE_SIZE) -> Page:
        rows = list(db.session.scalars(self._select([AuditEntry], self._after(self.filter.before)).limit(size + 1)))
        more = len(rows) > size
        rows = rows[:size]
        return Page(rows, rows[-1].id if more and rows else None)

    def count(self) -> int:
        return db.session.scalar(select(func.count()).select_from(AuditEntry).where(*self.conditions()))

    def batches(self, size: int = EXPORT_BATCH):
        """Every selected entry, newest first, ``size`` rows per query (never the whole log in memory)."""
        after = None
        while True:
            rows = db.session.execute(self._select(list(AuditEntry.__table__.c), after).limit(size)).all()
            if not rows:
                return
            yield rows
            if len(rows) < size:
                return
            after = (rows[-1].created_at, rows[-1].id)


def latest_id() -> int:
    return db.session.scalar(select(func.max(AuditEntry.id))) or 0


# -- how an entry is shown ------------------------------------------------------------------------------

def actor_names(user_ids) -> dict[int, str]:
    from tracker.accounts.models import User

    user_ids = {i for i in user_ids if i is not None}
    if not user_ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(user_ids))).all())


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


class Labels:
    """Translated labels of actions, object types and journaled fields, each translated once per page or export
    (a lazy label is translated every time it is shown; ten thousand CSV rows would translate them 30,000 times)."""

    def __init__(self):
        self._actions = {name: str(action.label) for name, action in audit.actions().items()}
        self._journaled = history.registered()
        self._types: dict[str, str] = {}
        self._fields: dict[tuple[str, str], str] = {}

    def action(self, name: str) -> str:
        return self._actions.get(name, name)

    def object_type(self, name: str | None) -> str:
        if not name:
            return ""
        if name not in self._types:
            spec = self._journaled.get(name)
            self._types[name] = str(spec.label) if spec is not None else name
        return self._types[name]

    def field(self, object_type: str | None, name) -> str:
        key = (object_type or "", str(name))
        if key not in self._fields:
            spec = self._journaled.get(object_type or "")
            self._fields[key] = str(spec.fields.get(name, name)) if spec else str(name)
        return self._fields[key]

    def changes(self, object_type: str | None, changes, *, display: bool = True, width: int | None = 60) -> str:
        """"Title: old → new; Owner: …" with the journaled field labels (and display functions when ``display``)."""
        if not changes:
            return ""
        spec = self._journaled.get(object_type or "") if display else None
        parts = []
        for triple in changes:
            if not isinstance(triple, (list, tuple)) or len(triple) != 3:
                parts.append(str(triple))
                continue
            name, old, new = triple
            shower = spec.display.get(name) if spec else None
            parts.append(f"{self.field(object_type, name)}: {_show(old, shower, width)} → {_show(new, shower, width)}")
        return "; ".join(parts)


def _show(value, shower, width: int | None) -> str:
    if shower is None or value is None or value == "" or isinstance(value, list):
        text = _shown(value)
    else:
        try:
            text = str(shower(value))
        except Exception:  # a value recorded years ago that today's display function cannot read
            text = _shown(value)
    return text if width is None or len(text) <= width else text[: width - 1] + "…"


def local_time(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).strftime("%Y-%m-%d %H:%M:%S")
