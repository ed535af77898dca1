"""Which ticket fields a user may change: one table, read by the services that the web form and the REST API
both call (Redmine's ``safe_attributes``).

A field is settable when creating by whoever may add tickets in the WG; on an existing ticket by whoever
holds its ``edit`` permission. The status has none: the workflow decides which statuses a user may move a
ticket to, so a user who may only add notes can still close a ticket when the workflow lets them. Derived
fields are computed from the subtasks of a parent and are not set on a ticket with children.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from tracker.core.translation import gettext as _, lazy_gettext as _l

EDIT = "edit_issues"
CREATE = "add_issues"


@dataclass(frozen=True)
class FieldRule:
    name: str
    label: object
    edit: str | None = EDIT  # the WG permission to change it on an existing ticket; None: the workflow decides
    derived: bool = False  # computed from the subtasks of a parent


RULES: dict[str, FieldRule] = {rule.name: rule for rule in (
    FieldRule("tracker_id", _l("Tracker")),
    FieldRule("subject", _l("Subject")),
    FieldRule("description", _l("Description")),
    FieldRule("status_id", _l("Status"), edit=None),
    FieldRule("priority_id", _l("Priority")),
    FieldRule("assigned_to_id", _l("Assignee")),
    FieldRule("assigned_section_id", _l("Assignee (section)")),
    FieldRule("category_id", _l("Category")),
    FieldRule("fixed_version_id", _l("Milestone")),
    FieldRule("start_date", _l("Start date"), derived=True),
    FieldRule("due_date", _l("Due date"), derived=True),
    FieldRule("estimated_hours", _l("Estimated time"), derived=True),
    FieldRule("done_ratio", _l("Progress"), derived=True),
    FieldRule("parent_id", _l("Parent ticket")),
    FieldRule("is_private", _l("Private")),
    FieldRule("custom_fields", _l("Custom fields")),
)}

# The plain-value keys a service accepts: the columns above (``custom_fields``: {field id: value(s)}) and the
# form's combined assignee ("user:3" / "section:5").
FIELDS = tuple(name for name in RULES if name != "custom_fields")
DERIVED = tuple(name for name, rule in RULES.items() if rule.derived)
ACCEPTED = set(RULES) | {"assigned_to"}
ALIASES = {"assigned_to": "assigned_to_id"}


def safe_attribute_names(user, wg, *, creating: bool = False) -> set[str]:
    """The fields ``user`` may set on a ticket of ``wg`` (a new one when ``creating``)."""
    if creating:
        return set(RULES) if wg.allows(user, CREATE) else set()
    granted = {permission: wg.allows(user, permission) for permission in {r.edit for r in RULES.values()} - {None}}
    return {name for name, rule in RULES.items() if rule.edit is None or granted[rule.edit]}


def given_fields(values: dict) -> dict:
    """The part of ``values`` that names fields (anything else is ignored)."""
    return {key: value for key, value in values.items() if key in ACCEPTED}


def refusals(user, wg, fields: Iterable[str], *, notes: str = "", private_notes: bool = False,
             uploads=()) -> list[str]:
    """What ``user`` may not do of an update of a ticket of ``wg``: fields outside their safe attributes,
    notes, private notes, files."""
    allowed = safe_attribute_names(user, wg)
    can_edit = wg.allows(user, EDIT)
    problems = []
    if {ALIASES.get(name, name) for name in fields} - allowed:
        problems.append(_("You may not change the fields of this ticket."))
    if notes and not (can_edit or wg.allows(user, "add_issue_notes")):
        problems.append(_("You may not add notes to this ticket."))
    if private_notes and notes and not wg.allows(user, "set_notes_private"):
        problems.append(_("You may not write private notes."))
    if uploads and not can_edit:
        problems.append(_("You may not add files to this ticket."))
    return problems
