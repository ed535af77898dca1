"""Subtasks: a ticket's parent must be in its WG and not below it; a parent's dates, estimate and done ratio
are rolled up from its children (Redmine's derived attributes), journaled like any change."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from tracker.core import history
from tracker.core.translation import gettext as _
from tracker.extensions import db
from tracker.tickets import history as _ticket_history  # noqa: F401 (declares how a ticket is journaled)
from tracker.tickets.models import Ticket


def ancestors(ticket: Ticket) -> list[Ticket]:
    found, node, seen = [], ticket.parent, set()
    while node is not None and node.id not in seen:
        seen.add(node.id)
        found.append(node)
        node = node.parent
    return found


def descendant_ids(ticket_id: int) -> set[int]:
    found: set[int] = set()
    frontier = {ticket_id}
    while frontier:
        children = set(db.session.scalars(select(Ticket.id).where(Ticket.parent_id.in_(frontier))))
        children -= found
        found |= children
        frontier = children
    return found


def check_parent(ticket: Ticket, parent_id: int | None, user) -> list[str]:
    if parent_id is None:
        return []
    parent = db.session.get(Ticket, parent_id)
    if parent is None or not parent.visible_to(user):
        return [_("Parent ticket #%(id)s does not exist or you may not see it.", id=parent_id)]
    if parent.wg_id != ticket.wg_id:
        return [_("The parent ticket must be in the same WG.")]
    if ticket.id and (parent.id == ticket.id or parent.id in descendant_ids(ticket.id)):
        return [_("A ticket cannot be its own parent or the parent of its parent (circular subtasks).")]
    return []


def rollup(ticket: Ticket, user) -> None:
    """Recompute a parent's dates, estimate and done ratio from its children, then its parent's ..."""
    node, seen = ticket, set()
    while node is not None and node.id not in seen:
        seen.add(node.id)
        if db.session.get_bind().dialect.name != "sqlite" and node not in db.session.dirty:
            # Subtasks created at the same time roll up into the same parent: lock its row first and read
            # it again, so each sees the others' committed children and the current lock_version (on
            # SQLite the write lock already serialises them). FOR NO KEY UPDATE: it does not wait for the
            # key-share lock the new child's foreign key holds on the parent (FOR UPDATE would deadlock).
            db.session.refresh(node, with_for_update={"key_share": True})
        children = list(db.session.scalars(select(Ticket).where(Ticket.parent_id == node.id)))
        if children:
            with history.recording(user, node):
                _roll_up_from(node, children)
        node = node.parent


def _roll_up_from(node: Ticket, children: list[Ticket]) -> None:
    """The parent's dates, estimate and done ratio from its children (Redmine's derived attributes)."""
    starts = [c.start_date for c in children if c.start_date]
    dues = [c.due_date for c in children if c.due_date]
    estimates = [c.estimated_hours for c in children if c.estimated_hours is not None]
    node.start_date = min(starts) if starts else None
    node.due_date = max(dues) if dues else None
    node.estimated_hours = sum(estimates, Decimal(0)) if estimates else None
    average = (sum(estimates, Decimal(0)) / len(estimates)) if estimates else Decimal(1)
    weights = [(c.estimated_hours if c.estimated_hours is not None else average) or Decimal(1) for c in children]
    progress = [100 if c.is_closed else (c.done_ratio or 0) for c in children]
    total = sum(weights)
    node.done_ratio = int(round(sum(w * p for w, p in zip(weights, progress)) / total)) if total else 0
