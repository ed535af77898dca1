"""The one history recorder: who changed what, when, each field old → new, with notes.

A feature declares a model's journaled fields once::

    history.journaled(Risk, "risk", _l("Risk"), {"title": _l("Title"), "owner_id": _l("Owner")},
                      display={"owner_id": history.user_name})

and a service that changes an object wraps the change::

    with history.recording(actor, risk):
        risk.title = title

On leaving the block the recorder compares the journaled fields before and after. An edit that changes nothing
records nothing: text is compared with its line endings normalised (browsers send CRLF) and "" equals None.
What changed becomes ONE row of the audit log (``tracker.core.audit``, category "change"), which is this object's
history: its 履歴 section reads it back (``entries_for``).

A model whose history lives in tables of its own (tickets keep Redmine's journals and journal details, which the
REST API serves) declares a ``writer``: the recorder computes the change the same way and hands it to the
writer, which writes those rows and then the audit row (``write_audit``). Changes that are not a column — a
custom field value, a file, a relation — are added during the block with ``Recording.add("cf:3", old, new)``.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Callable

from sqlalchemy import select

from tracker.core import audit
from tracker.core.audit import AuditEntry
from tracker.core.db import utcnow
from tracker.core.translation import lazy_gettext as _l
from tracker.extensions import db


@dataclass
class Journaled:
    model: type
    name: str
    label: object
    fields: dict[str, object]
    display: dict[str, Callable[[object], str]] = field(default_factory=dict)
    values: dict[str, Callable[[object], object]] = field(default_factory=dict)
    field_actions: dict[str, str] = field(default_factory=dict)
    # (obj, actor_id, viewer) -> the name to show for the actor instead of theirs, or None to show theirs
    actor: Callable[[object, int | None, object], str | None] | None = None
    # Writes a finished Recording; the default writes its one audit row. Returns what the caller gets back.
    writer: Callable[["Recording"], object] | None = None


_BY_MODEL: dict[type, Journaled] = {}
_BY_NAME: dict[str, Journaled] = {}


def journaled(model: type, name: str, label, fields: dict, display: dict | None = None,
              values: dict | None = None, field_actions: dict | None = None,
              actor: Callable | None = None, writer: Callable[["Recording"], object] | None = None) -> Journaled:
    """Declare ``model``'s journaled fields (name → label), how to show a stored value (``display``) and, for a
    field that is not a plain column (a list of attendees), how to read it (``values``). ``field_actions`` names,
    for a field not everyone who sees the object may see (a profile part only HR sees), the policy action
    (``can(user, action, obj)``) its old and new values are shown to; others do not see that change at all.
    ``actor(obj, actor_id, viewer)`` may hide who made a change from some viewers (the author of an anonymous
    idea): it returns the name to show instead, or None. A model with journal tables of its own (tickets) gives
    the ``writer`` of a finished change."""
    spec = Journaled(model, name, label, dict(fields), dict(display or {}), dict(values or {}),
                     dict(field_actions or {}), actor, writer)
    _BY_MODEL[model] = spec
    _BY_NAME[name] = spec
    audit.name_object_type(model, name)
    for verb, verb_label in (("create", _l("created")), ("update", _l("changed")), ("delete", _l("deleted"))):
        audit.register_action(f"{name}.{verb}", _Label(label, verb_label), "change")
    return spec


def registered() -> dict[str, Journaled]:
    return dict(_BY_NAME)


def install(app) -> None:
    """``history_of(obj)`` in templates: the entries the signed-in user may see."""
    from flask_login import current_user

    app.jinja_env.globals["history_of"] = lambda obj: entries_for(obj, current_user)


def spec_for(obj) -> Journaled:
    try:
        return _BY_MODEL[type(obj)]
    except KeyError:
        raise LookupError(f"{type(obj).__name__} is not journaled; declare it with history.journaled()") from None


class _Label:
    """"Risk changed" as one lazy label, translated when shown."""

    def __init__(self, noun, verb):
        self.noun, self.verb = noun, verb

    def __str__(self) -> str:
        return f"{self.noun} {self.verb}"


def _plain(value):
    """A JSON-safe value, compared and stored the same way whatever the browser sent."""
    if isinstance(value, str):
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        return value or None
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, (list, tuple, set, frozenset)):
        return sorted(str(v) for v in value) or None
    return value


def snapshot(obj, spec: Journaled | None = None) -> dict:
    spec = spec or spec_for(obj)
    return {name: _plain(spec.values[name](obj) if name in spec.values else getattr(obj, name)) for name in spec.fields}


def diff(before: dict, after: dict) -> list[list]:
    return [[name, before.get(name), value] for name, value in after.items() if before.get(name) != value]


@dataclass
class Recording:
    """One change of one object in progress, then finished: what the writer gets."""

    spec: Journaled
    actor: object
    obj: object
    created: bool
    before: dict
    notes: str | None = None
    private: bool = False
    now: datetime = field(default_factory=utcnow)  # the time of this change, taken once
    added: list[list] = field(default_factory=list)
    changes: list[list] = field(default_factory=list)  # set when the block ends
    result: object = None  # what the writer returned (a ticket's journal)

    def add(self, name: str, old=None, new=None) -> None:
        """A change the block made that is not one of the journaled fields (``"cf:3"``, ``"attachment:12"``)."""
        self.added.append([name, old, new])

    def pending(self) -> list[list]:
        """What the block has changed so far (before it ends)."""
        return diff(self.before, snapshot(self.obj, self.spec)) + self.added


@contextmanager
def recording(actor, obj, *, notes: str | None = None, private: bool = False, extra: Callable[[], list] | None = None):
    """Record what the block changes on ``obj`` as one history entry. A new object (no id yet) is a creation.
    ``extra`` returns further ``[field, old, new]`` triples the block produced (e.g. a list of members).
    The block gets the ``Recording``; after the block, ``Recording.result`` is what the writer returned."""
    spec = spec_for(obj)
    created = obj.id is None
    current = Recording(spec, actor, obj, created, {} if created else snapshot(obj, spec), _plain(notes), private)
    yield current
    if obj.id is None:
        db.session.add(obj)
        db.session.flush()
    changes = diff(current.before, snapshot(obj, spec))
    if created:
        changes = [c for c in changes if c[2] is not None]
    if extra is not None:
        changes += extra()
    current.changes = changes + current.added
    if current.changes or current.notes or created:
        current.result = (spec.writer or write_audit)(current)


def write_audit(current: Recording):
    """The finished change as its one audit row (category "change")."""
    return audit.record(f"{current.spec.name}.{'create' if current.created else 'update'}", actor=current.actor,
                        obj=current.obj, object_type=current.spec.name, changes=current.changes,
                        notes=current.notes, private=current.private)


def record(actor, obj, changes: list[list], *, notes: str | None = None, private: bool = False) -> None:
    """Record changes a service computed itself (membership of a WG, a decision on a set of notes)."""
    spec = spec_for(obj)
    changes = [[f, _plain(old), _plain(new)] for f, old, new in changes if _plain(old) != _plain(new)]
    if changes or _plain(notes):
        audit.record(f"{spec.name}.update", actor=actor, obj=obj, object_type=spec.name, changes=changes,
                     notes=_plain(notes), private=private)


def record_deletion(actor, obj) -> None:
    spec = spec_for(obj)
    changes = [[name, value, None] for name, value in snapshot(obj, spec).items() if value is not None]
    audit.record(f"{spec.name}.delete", actor=actor, obj=obj, object_type=spec.name, changes=changes)


@dataclass
class ShownChange:
    label: str
    old: str
    new: str


@dataclass
class ShownEntry:
    entry: AuditEntry
    actor: str
    verb: str
    changes: list[ShownChange]


def entries_for(obj, user=None) -> list[ShownEntry]:
    """The object's history, oldest first, as the 履歴 section shows it. Private notes are left out for users
    the object's policy does not let see them, and so are changes of a field whose ``field_actions`` entry the
    user may not do on the object (as it is now); an entry left with nothing to show is left out."""
    from tracker.core.policy import can, policy_for

    spec = spec_for(obj)
    registered_actions = audit.actions()
    # Sign-ins and the like are the audit log's, not the object's history: left out in SQL, so a user's page
    # does not read five years of their sign-ins to show none of them.
    security = [name for name, action in registered_actions.items() if action.category == "security"]
    rows = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_type == spec.name, AuditEntry.object_id == obj.id, AuditEntry.action.not_in(security))
        .order_by(AuditEntry.id)
    ).all()
    try:
        policy = policy_for(type(obj))
    except LookupError:  # admin vocabulary (roles): only admins reach its pages
        policy = None
    sees_private = (user is not None and policy is not None and "view_private_notes" in policy.actions
                    and can(user, "view_private_notes", obj))
    verbs = {"create": _l("created"), "update": _l("changed"), "delete": _l("deleted")}
    allowed = {action: user is not None and can(user, action, obj) for action in set(spec.field_actions.values())}
    names = _names({row.actor_id for row in rows if row.actor_id is not None})
    shown = []
    for row in rows:
        if row.private and not sees_private:
            continue
        visible = [(name, old, new) for name, old, new in (row.changes or [])
                   if allowed.get(spec.field_actions.get(name), True)]
        if row.changes and not visible and not row.notes:
            continue
        changes = [
            ShownChange(str(spec.fields.get(name, name)), _show(spec, name, old), _show(spec, name, new))
            for name, old, new in visible
        ]
        hidden = spec.actor(obj, row.actor_id, user) if spec.actor is not None else None
        actor = hidden or names.get(row.actor_id) or row.actor_login or str(_l("System"))
        verb = verbs.get(row.action.rsplit(".", 1)[-1]) or getattr(registered_actions.get(row.action), "label", "")
        shown.append(ShownEntry(row, actor, str(verb), changes))
    return shown


def _names(user_ids: set[int]) -> dict[int, str]:
    from tracker.accounts.models import User

    if not user_ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(user_ids))).all())


def _show(spec: Journaled, name: str, value) -> str:
    if value is None or value == "":
        return "—"
    shower = spec.display.get(name)
    if isinstance(value, list):  # a list field's display, when it has one, shows each item (stored as codes)
        return "、".join(str(shower(v)) if shower else str(v) for v in value)
    return str(shower(value)) if shower else str(value)


def user_name(user_id) -> str:
    from tracker.accounts.models import User

    user = db.session.get(User, int(user_id))
    return user.name if user is not None else f"#{user_id}"


def yes_no(value) -> str:
    from tracker.core.translation import gettext

    return gettext("Yes") if value else gettext("No")


def choice(labels: dict) -> Callable[[object], str]:
    """Show a stored code by its label (``choice(CATEGORY_LABELS)``)."""
    return lambda value: str(labels.get(value, value))
