"""Ticket permissions, declared in the WG permission registry and granted to roles (migrations 0010, 0080)."""
from __future__ import annotations

from tracker.core.translation import lazy_gettext as _l

from tracker.wg.permissions import register

TICKET_PERMISSIONS = [
    ("view_issues", _l("View tickets"), True),
    ("add_issues", _l("Create tickets"), False),
    ("edit_issues", _l("Edit tickets"), False),
    ("add_issue_notes", _l("Add notes to tickets"), False),
    ("delete_issues", _l("Delete tickets"), False),
    ("view_private_issues", _l("View private tickets"), False),
    ("edit_issue_notes", _l("Edit notes"), False),
    ("edit_own_issue_notes", _l("Edit own notes"), False),
    ("view_private_notes", _l("View private notes"), False),
    ("set_notes_private", _l("Write private notes"), False),
    ("manage_issue_relations", _l("Manage subtasks and related tickets"), False),
    ("add_issue_watchers", _l("Manage watchers"), False),
    ("view_time_entries", _l("View spent time"), True),
    ("log_time", _l("Log spent time"), False),
    ("manage_categories", _l("Manage categories and milestones"), False),
    ("save_queries", _l("Save ticket queries"), False),
    ("manage_public_queries", _l("Save ticket queries public to the WG"), False),
]

# the role form's fieldset of each (the rest are "tickets")
_GROUPS = {"add_issue_notes": "notes", "edit_issue_notes": "notes", "edit_own_issue_notes": "notes",
           "view_private_notes": "notes", "set_notes_private": "notes", "view_time_entries": "time",
           "log_time": "time", "save_queries": "queries", "manage_public_queries": "queries"}

for _name, _label, _read_only in TICKET_PERMISSIONS:
    register(_name, _label, read_only=_read_only, group=_GROUPS.get(_name, "tickets"))
