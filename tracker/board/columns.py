"""What a board is laid out by: the column fields (a drop changes the card's field) and the swimlane fields.

A column is named by a string key: a status, tracker, milestone or category id, ``user:3`` / ``section:5``
for an assignee (the ticket form's combined value), ``""`` for none."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from tracker.core.translation import lazy_gettext as _l
from tracker.tickets.models import Ticket


@dataclass(frozen=True)
class ColumnField:
    name: str
    label: object
    key_of: Callable[[Ticket], str]  # the column a card is in
    values_for: Callable[[str], dict]  # a column -> the values the ticket service sets for a drop in it
    nullable: bool = True  # has a "none" column


def _id_key(value) -> str:
    return "" if value is None else str(value)


def _id_or_none(key: str):
    return int(key) if key.isdigit() else None


COLUMN_FIELDS: dict[str, ColumnField] = {f.name: f for f in (
    ColumnField("status", _l("Status"), lambda t: str(t.status_id), lambda k: {"status_id": _id_or_none(k)}, False),
    ColumnField("assigned_to", _l("Assignee"), lambda t: t.assignee_key, lambda k: {"assigned_to": k}),
    ColumnField("fixed_version", _l("Milestone"), lambda t: _id_key(t.fixed_version_id),
                lambda k: {"fixed_version_id": _id_or_none(k)}),
    ColumnField("category", _l("Category"), lambda t: _id_key(t.category_id), lambda k: {"category_id": _id_or_none(k)}),
    ColumnField("tracker", _l("Tracker"), lambda t: str(t.tracker_id), lambda k: {"tracker_id": _id_or_none(k)}, False),
)}


@dataclass(frozen=True)
class LaneField:
    """Swimlanes group cards (tracker.board.cards.Card); a card does not change lanes when dragged."""

    name: str
    label: object
    key_of: Callable[[Ticket], str]
    label_of: Callable[[Ticket], str]
    order_of: Callable[[Ticket], tuple]


LANE_FIELDS: dict[str, LaneField] = {f.name: f for f in (
    LaneField("project", _l("WG"), lambda c: str(c.wg_id), lambda c: c.wg.name, lambda c: (c.wg.name,)),
    LaneField("assigned_to", _l("Assignee"), lambda c: c.assignee_key, lambda c: c.assignee_name or "",
              lambda c: (c.assignee_name is None, c.assignee_name or "")),
    LaneField("section", _l("Section"), lambda c: _id_key(c.section_id), lambda c: c.section_name or "",
              lambda c: (c.section_id is None, c.section_position, c.section_name or "")),
    LaneField("priority", _l("Priority"), lambda c: str(c.priority_id), lambda c: c.priority.name,
              lambda c: (-c.priority.position,)),
)}

NONE_LABELS = {"assigned_to": _l("Unassigned"), "fixed_version": _l("No milestone"), "category": _l("No category")}
