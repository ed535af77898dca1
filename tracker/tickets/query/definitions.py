"""What the ticket list offers: its filters, columns, groupings and sort keys (the SQL is in ``ticket_query``)."""
from __future__ import annotations

from tracker.core.query import DATE_OPS, LIST_OPS, NUMBER_OPS, TEXT_OPS, Column, FilterDef
from tracker.core.translation import lazy_gettext as _l, lazy_pgettext as _lp
from tracker.tickets.models import Ticket

PER_PAGE_CHOICES = (25, 50, 100)

COLUMNS = {
    "project": Column("project", _l("WG")),
    "tracker": Column("tracker", _l("Tracker")),
    "parent": Column("parent", _l("Parent ticket")),
    "status": Column("status", _l("Status")),
    "priority": Column("priority", _l("Priority")),
    "subject": Column("subject", _l("Subject")),
    "author": Column("author", _l("Author")),
    "assigned_to": Column("assigned_to", _l("Assignee")),
    "category": Column("category", _l("Category")),
    "fixed_version": Column("fixed_version", _l("Milestone")),
    "start_date": Column("start_date", _l("Start date")),
    "due_date": Column("due_date", _l("Due date")),
    "estimated_hours": Column("estimated_hours", _l("Estimated time"), total=True),
    "spent_hours": Column("spent_hours", _l("Spent time"), total=True),
    "done_ratio": Column("done_ratio", _l("Progress")),
    "is_private": Column("is_private", _l("Private")),
    "created_on": Column("created_on", _l("Created")),
    "updated_on": Column("updated_on", _l("Updated")),
    "closed_on": Column("closed_on", _lp("date", "Closed")),
}
DEFAULT_COLUMNS = ["project", "tracker", "status", "priority", "subject", "assigned_to", "due_date", "updated_on"]
GROUPABLE = {
    "project": _l("WG"), "tracker": _l("Tracker"), "status": _l("Status"), "priority": _l("Priority"),
    "assigned_to": _l("Assignee"), "author": _l("Author"), "category": _l("Category"), "fixed_version": _l("Milestone"),
}


def filter_defs(custom_fields, all_wgs: bool) -> dict[str, FilterDef]:
    """The filters of a ticket list: the columns', the WG's (across WGs) and each filterable custom field's."""
    defs = [
        FilterDef("status_id", _l("Status"), "status", ["o", "c", "=", "!", "*"], Ticket.status_id),
        FilterDef("tracker_id", _l("Tracker"), "list", LIST_OPS[:2], Ticket.tracker_id),
        FilterDef("priority_id", _l("Priority"), "list", LIST_OPS[:2], Ticket.priority_id),
        FilterDef("assigned_to_id", _l("Assignee"), "assignee", LIST_OPS, Ticket.assigned_to_id),
        FilterDef("author_id", _l("Author"), "user", LIST_OPS[:2], Ticket.author_id),
        FilterDef("watcher_id", _l("Watcher"), "user", ["="], None),
    ]
    if all_wgs:
        defs.append(FilterDef("project_id", _l("WG"), "list", LIST_OPS[:2], Ticket.wg_id))
    defs += [
        FilterDef("fixed_version_id", _l("Milestone"), "list", LIST_OPS, Ticket.fixed_version_id),
        FilterDef("category_id", _l("Category"), "list", LIST_OPS, Ticket.category_id),
        FilterDef("subject", _l("Subject"), "text", TEXT_OPS[:3], Ticket.subject),
        FilterDef("text", _l("Subject or description"), "text", TEXT_OPS[:2], None),
        FilterDef("start_date", _l("Start date"), "date", DATE_OPS, Ticket.start_date),
        FilterDef("due_date", _l("Due date"), "date", DATE_OPS, Ticket.due_date),
        FilterDef("created_on", _l("Created"), "date", [o for o in DATE_OPS if o not in ("<t+", "od", "!*")], Ticket.created_at),
        FilterDef("updated_on", _l("Updated"), "date", [o for o in DATE_OPS if o not in ("<t+", "od", "!*")], Ticket.updated_at),
        FilterDef("closed_on", _lp("date", "Closed"), "date", [o for o in DATE_OPS if o not in ("<t+", "od")], Ticket.closed_on),
        FilterDef("estimated_hours", _l("Estimated time"), "number", NUMBER_OPS, Ticket.estimated_hours),
        FilterDef("done_ratio", _l("Progress"), "number", NUMBER_OPS[:4], Ticket.done_ratio),
        FilterDef("parent_id", _l("Parent ticket"), "number", ["=", "*", "!*"], Ticket.parent_id),
        FilterDef("is_private", _l("Private"), "bool", ["="], Ticket.is_private),
    ]
    for cf in custom_fields:
        kind = {"list": "cf_list", "user": "cf_user", "bool": "bool", "int": "number", "float": "number",
                "date": "date"}.get(cf.field_format, "text")
        ops = {"cf_list": LIST_OPS, "cf_user": LIST_OPS, "bool": ["="], "number": NUMBER_OPS,
               "date": ["=", ">=", "<=", "><", "*", "!*"], "text": TEXT_OPS}[kind]
        defs.append(FilterDef(f"cf_{cf.id}", cf.name, kind, ops, None, cf))
    return {d.name: d for d in defs}


GROUP_COLUMNS = {
    "project": [Ticket.wg_id], "tracker": [Ticket.tracker_id], "status": [Ticket.status_id],
    "priority": [Ticket.priority_id], "assigned_to": [Ticket.assigned_to_id, Ticket.assigned_section_id],
    "author": [Ticket.author_id], "category": [Ticket.category_id], "fixed_version": [Ticket.fixed_version_id],
}

SORT_KEYS = {
    "id": Ticket.id, "subject": Ticket.subject, "start_date": Ticket.start_date, "due_date": Ticket.due_date,
    "estimated_hours": Ticket.estimated_hours, "done_ratio": Ticket.done_ratio, "created_on": Ticket.created_at,
    "updated_on": Ticket.updated_at, "closed_on": Ticket.closed_on, "parent": Ticket.parent_id,
    "status": None, "priority": None, "tracker": None, "project": None, "assigned_to": None, "author": None,
    "category": None, "fixed_version": None, "spent_hours": None, "is_private": Ticket.is_private,
}

NOT_NULL_SORTS = {"id", "subject", "created_on", "updated_on", "done_ratio", "is_private", "status", "priority",
                  "tracker", "project", "spent_hours"}  # noqa: E501
