"""Plain input (ids, ISO dates, strings — from the web form or the REST API) set on a ticket, field by field.

``apply`` runs one setter per given field, in the order of ``SETTERS`` (the status after the tracker, whose
default status and workflow it needs), and returns the problems; the caller discards everything then. Who
may set which field is decided before, by ``rules``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Callable

from sqlalchemy import select

from tracker.accounts.models import Section, User
from tracker.core.memo import per_request
from tracker.core.text import same_text
from tracker.core.translation import gettext as _
from tracker.extensions import db
from tracker.tickets import relations
from tracker.tickets.fields import customfields, rules, workflow
from tracker.tickets.models import IssueCategory, IssuePriority, Ticket, Tracker, Version
from tracker.wg.models import Member, WorkingGroup


# -- reading plain values --------------------------------------------------------------------------

def int_or_none(value, label, problems) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        problems.append(_("%(field)s is not valid.", field=label))
        return None


def date_or_none(value, label, problems) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        problems.append(_("%(field)s must be a date (YYYY-MM-DD).", field=label))
        return None


def as_bool(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on", "y"}
    return bool(value)


def split_assignee(key: str | None) -> tuple[int | None, int | None]:
    """"user:3" -> (3, None), "section:5" -> (None, 5), "" -> (None, None); for form selects."""
    kind, _sep, number = (key or "").partition(":")
    if not number.isdigit():
        return None, None
    return (int(number), None) if kind == "user" else (None, int(number)) if kind == "section" else (None, None)


def assignable_users(wg: WorkingGroup) -> list[User]:
    return per_request(("assignable_users", wg.id), lambda: list(
        db.session.scalars(
            select(User).join(Member, Member.user_id == User.id)
            .where(Member.wg_id == wg.id, User.active.is_(True)).order_by(User.name_kana, User.name)
        )
    ))


def active_priorities() -> list[IssuePriority]:
    return per_request(("active_priorities",), lambda: list(db.session.scalars(
        select(IssuePriority).where(IssuePriority.active.is_(True)).order_by(IssuePriority.position))))


# -- one setter per field ----------------------------------------------------------------------------

@dataclass
class Input:
    ticket: Ticket
    user: object
    values: dict
    creating: bool
    problems: list[str] = field(default_factory=list)

    def get(self, key):
        return self.values.get(key)

    def label(self, name: str) -> str:
        return str(rules.RULES[name].label)


def _tracker(c: Input) -> None:
    tracker = db.session.get(Tracker, int_or_none(c.get("tracker_id"), c.label("tracker_id"), c.problems) or 0)
    if tracker is None:
        c.problems.append(_("Choose a tracker."))
        return
    c.ticket.tracker_id = tracker.id
    if c.creating:
        c.ticket.tracker = tracker  # loaded: the answer and the events need it, without a query


def _subject(c: Input) -> None:
    subject = (c.get("subject") or "").strip()
    if not subject:
        c.problems.append(_("The subject is required."))
    elif len(subject) > 255:
        c.problems.append(_("The subject is too long (up to 255 characters)."))
    c.ticket.subject = subject


def _description(c: Input) -> None:
    description = c.get("description") or ""
    if not same_text(c.ticket.description, description):  # one stored with CRLF (before 2026-12) is the same text
        c.ticket.description = description


def _priority(c: Input) -> None:
    priority_id = int_or_none(c.get("priority_id"), c.label("priority_id"), c.problems)
    priority = db.session.get(IssuePriority, priority_id) if priority_id else None
    if priority is None and c.creating and not c.get("priority_id"):
        priority = db.session.scalar(select(IssuePriority).where(IssuePriority.is_default.is_(True)))
    if priority is None or priority.type != "IssuePriority":
        c.problems.append(_("Choose a priority."))
        return
    c.ticket.priority_id = priority.id
    if c.creating:
        c.ticket.priority = priority


def _status(c: Input) -> None:
    ticket = c.ticket
    status_id = int_or_none(c.get("status_id"), c.label("status_id"), c.problems)
    tracker = db.session.get(Tracker, ticket.tracker_id) if ticket.tracker_id else None
    if status_id is None and c.creating and tracker is not None:
        status_id = tracker.default_status_id
    if status_id is not None and status_id != ticket.status_id:
        allowed = {s.id: s for s in workflow.allowed_statuses(
            c.user, ticket.wg_id, ticket.tracker_id, None if c.creating else ticket.status_id
        )} if ticket.tracker_id else {}
        if status_id not in allowed:
            c.problems.append(_("You may not change the status to this one."))
        else:
            ticket.status_id = status_id
            if c.creating:
                ticket.status = allowed[status_id]
    if ticket.status_id is None:
        c.problems.append(_("Choose a status."))


def _assignee(c: Input) -> None:
    ticket, problems = c.ticket, c.problems
    user_id = int_or_none(c.get("assigned_to_id"), c.label("assigned_to_id"), problems)
    section_id = int_or_none(c.get("assigned_section_id"), c.label("assigned_section_id"), problems)
    if user_id and section_id:
        problems.append(_("Assign the ticket to a user or to a section, not both."))
    if user_id:
        assignee = db.session.get(User, user_id)
        is_member = assignee is not None and db.session.scalar(
            select(Member.id).where(Member.wg_id == ticket.wg_id, Member.user_id == assignee.id)
        )
        if assignee is None or not assignee.active or not is_member:
            problems.append(_("The assignee must be an active member of the WG."))
    if section_id and db.session.get(Section, section_id) is None:
        problems.append(_("Choose an existing section."))
    ticket.assigned_to_id, ticket.assigned_section_id = user_id, section_id


def _category(c: Input) -> None:
    category_id = int_or_none(c.get("category_id"), c.label("category_id"), c.problems)
    if category_id:
        category = db.session.get(IssueCategory, category_id)
        if category is None or category.wg_id != c.ticket.wg_id:
            c.problems.append(_("Choose a category of this WG."))
    c.ticket.category_id = category_id


def _milestone(c: Input) -> None:
    version_id = int_or_none(c.get("fixed_version_id"), c.label("fixed_version_id"), c.problems)
    if version_id and version_id != c.ticket.fixed_version_id:
        version = db.session.get(Version, version_id)
        if version is None or version.wg_id != c.ticket.wg_id:
            c.problems.append(_("Choose a milestone of this WG."))
        elif version.status != "open":
            c.problems.append(_("The milestone %(name)s is closed or locked.", name=version.name))
    c.ticket.fixed_version_id = version_id


def _date(name: str) -> Callable[[Input], None]:
    def set_date(c: Input) -> None:
        setattr(c.ticket, name, date_or_none(c.get(name), c.label(name), c.problems))
    return set_date


def _estimate(c: Input) -> None:
    raw = c.get("estimated_hours")
    if raw in (None, ""):
        c.ticket.estimated_hours = None
        return
    try:
        hours = Decimal(str(raw).strip())
        if hours < 0 or hours > Decimal("99999999"):
            raise InvalidOperation
        c.ticket.estimated_hours = hours.quantize(Decimal("0.01"))
    except InvalidOperation:
        c.problems.append(_("The estimated time must be a number of hours of 0 or more."))


def _progress(c: Input) -> None:
    done = int_or_none(c.get("done_ratio"), c.label("done_ratio"), c.problems) or 0
    if not 0 <= done <= 100:
        c.problems.append(_("Progress must be between 0 and 100."))
    c.ticket.done_ratio = done


def _parent(c: Input) -> None:
    parent_id = int_or_none(str(c.get("parent_id") or "").lstrip("#"), c.label("parent_id"), c.problems)
    if parent_id != c.ticket.parent_id:
        c.problems.extend(relations.check_parent(c.ticket, parent_id, c.user))
        c.ticket.parent_id = parent_id


def _private(c: Input) -> None:
    c.ticket.is_private = as_bool(c.get("is_private"))


@dataclass(frozen=True)
class Setter:
    keys: tuple[str, ...]  # it runs when any of these is given ...
    run: Callable[[Input], None]
    on_create: bool = False  # ... and on every creation (it sets the default then)


SETTERS = (
    Setter(("tracker_id",), _tracker, on_create=True),
    Setter(("subject",), _subject, on_create=True),
    Setter(("description",), _description),
    Setter(("priority_id",), _priority, on_create=True),
    Setter(("status_id",), _status, on_create=True),
    Setter(("assigned_to_id", "assigned_section_id"), _assignee),
    Setter(("category_id",), _category),
    Setter(("fixed_version_id",), _milestone),
    Setter(("start_date",), _date("start_date")),
    Setter(("due_date",), _date("due_date")),
    Setter(("estimated_hours",), _estimate),
    Setter(("done_ratio",), _progress),
    Setter(("parent_id",), _parent),
    Setter(("is_private",), _private),
)


def apply(ticket: Ticket, user, values: dict, creating: bool) -> list[str]:
    """Set the given fields on ``ticket``; returns the problems (the caller discards everything then)."""
    wg = ticket.wg or db.session.get(WorkingGroup, ticket.wg_id)
    has_children = bool(ticket.id) and db.session.scalar(select(Ticket.id).where(Ticket.parent_id == ticket.id).limit(1))
    v = dict(values)
    if "assigned_to" in v:  # the combined form value
        v["assigned_to_id"], v["assigned_section_id"] = split_assignee(v.pop("assigned_to"))
    given = Input(ticket, user, v, creating)
    for setter in SETTERS:
        if has_children and all(rules.RULES[key].derived for key in setter.keys):
            continue  # rolled up from the subtasks
        if (setter.on_create and creating) or any(key in v for key in setter.keys):
            setter.run(given)
    problems = given.problems
    if ticket.start_date and ticket.due_date and ticket.due_date < ticket.start_date:
        problems.append(_("The due date must not be before the start date."))
    if creating or "custom_fields" in v or "tracker_id" in v:
        problems += apply_custom_fields(ticket, v.get("custom_fields") or {}, creating)
    if wg is not None and not wg.allows(user, rules.CREATE if creating else rules.EDIT):
        problems.insert(0, _("You may not change tickets in this WG."))
    return problems


def apply_status_only(ticket: Ticket, user, status_id) -> list[str]:
    """A status change by a user without the edit permission: the workflow decides."""
    if status_id in (None, ""):
        return []
    problems: list[str] = []
    status_id = int_or_none(status_id, rules.RULES["status_id"].label, problems)
    if status_id is not None and status_id != ticket.status_id:
        if status_id not in {s.id for s in workflow.allowed_for(user, ticket)}:
            problems.append(_("You may not change the status to this one."))
        else:
            ticket.status_id = status_id
    return problems


def apply_custom_fields(ticket: Ticket, given: dict, creating: bool) -> list[str]:
    """Set the custom field values; each change is kept in ``ticket._cf_changes`` for the journal."""
    problems = []
    given = {str(k): val for k, val in (given or {}).items()}
    ticket._cf_changes = getattr(ticket, "_cf_changes", [])
    fields = customfields.fields_for(ticket.wg_id, ticket.tracker_id)
    ticket._applicable_fields = fields  # the same list for the API's answer (saves a query per creation)
    for custom in fields:
        key = str(custom.id)
        if key not in given:
            if creating and custom.default_value:
                given[key] = custom.default_value
            elif creating and custom.is_required:
                problems.append(_("%(field)s is required.", field=custom.name))
                continue
            else:
                continue
        values, problem = customfields.normalize(custom, given[key])
        if problem:
            problems.append(problem)
            continue
        removed, added = customfields.assign(ticket, custom, values)
        if custom.multiple:
            ticket._cf_changes += [(custom.id, v, None) for v in removed] + [(custom.id, None, v) for v in added]
        elif removed or added:
            ticket._cf_changes.append((custom.id, removed[0] if removed else None, added[0] if added else None))
    return problems
