"""The ticket vocabulary an administrator keeps (trackers, statuses, priorities and activities, custom fields)
in the audit log: created, changed (each field old → new) and deleted, by whom.

A service of ``admin_services`` is wrapped with ``@recorded("its object parameter")``: the wrapper compares the
object's fields before and after the call, so what the service does in between (queries that flush, lists of
trackers) needs no bookkeeping. A service that raises records nothing (its change is rolled back)."""
from __future__ import annotations

import inspect
from functools import wraps

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import inspect as orm_inspect

from tracker.core import audit, history
from tracker.core.translation import lazy_gettext as _l
from tracker.tickets.models import (
    CustomField, IssueCategory, IssuePriority, IssueStatus, TimeEntryActivity, Tracker, Version,
)

CREATED = audit.register_action("admin.ticket_setting_created", _l("Ticket setting created"), "admin").name
CHANGED = audit.register_action("admin.ticket_setting_changed", _l("Ticket setting changed"), "admin").name
DELETED = audit.register_action("admin.ticket_setting_deleted", _l("Ticket setting deleted"), "admin").name

_KINDS = {Tracker: "tracker", IssueStatus: "issue_status", IssuePriority: "issue_priority",
          TimeEntryActivity: "time_entry_activity", CustomField: "custom_field",
          IssueCategory: "issue_category", Version: "version"}
# Read as shown, not as stored: the order of a list's choices matters; trackers and WGs by name.
_VALUES = {
    CustomField: {
        "possible_values": lambda f: "\n".join(f.possible_values or []),
        "trackers": lambda f: [t.name for t in f.trackers],
        "wgs": lambda f: [w.identifier for w in f.wgs],
    },
}


def _spec(model) -> history.Journaled:
    columns = [c.key for c in orm_inspect(model).column_attrs if c.key not in ("id", "type")]
    values = _VALUES.get(model, {})
    return history.Journaled(model, _KINDS[model], _KINDS[model], {name: name for name in [*columns, *values]},
                             values=values)


def _snapshot(obj) -> dict:
    return history.snapshot(obj, _spec(type(obj))) if obj is not None and type(obj) in _KINDS else {}


def _actor():
    return current_user._get_current_object() if has_request_context() and current_user.is_authenticated else None


def record_deletion(obj, before: dict | None = None) -> None:
    before = _snapshot(obj) if before is None else before
    audit.record(DELETED, actor=_actor(), obj=obj, details={"kind": _KINDS[type(obj)], "name": obj.name},
                 changes=[[name, value, None] for name, value in before.items() if value is not None])


def recorded(parameter: str):
    """Record what the wrapped service does to the object passed as ``parameter`` (None: it creates one and
    returns it). A service that returns nothing deleted the object."""

    def decorate(service):
        signature = inspect.signature(service)

        @wraps(service)
        def wrapped(*args, **kwargs):
            obj = signature.bind(*args, **kwargs).arguments.get(parameter)
            before = _snapshot(obj)
            created = obj is None or obj.id is None
            result = service(*args, **kwargs)
            if result is None:
                record_deletion(obj, before)
                return result
            if result.id is None:
                from tracker.extensions import db

                db.session.flush()  # the entry names the new row's id
            changes = history.diff(before, _snapshot(result))
            if created:
                changes = [change for change in changes if change[2] is not None]
            if created or changes:
                audit.record(CREATED if created else CHANGED, actor=_actor(), obj=result, changes=changes,
                             details={"kind": _KINDS[type(result)], "name": result.name})
            return result

        return wrapped

    return decorate
