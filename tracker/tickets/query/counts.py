"""Exact ticket counts without counting every ticket: ``ticket_counts`` holds the tickets and estimated hours
per (WG, status, tracker, private), kept by triggers on ``tickets`` (migration 0270_scale_indexes), so that
inserts, deletes and updates from any path (the ticket service, the importer's bulk inserts, SQL) stay counted.

A list filtered only by WG, status and tracker (the default list, a WG's list, "open", a tracker) gets its total
from those rows, whatever the size. The visibility rule is applied to them exactly: in a WG where the user
views tickets, every public ticket, and the private ones where they may view private tickets; the private
tickets they see only as author or assignee are counted in ``tickets`` through two small partial indexes."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Boolean, Integer, Numeric, func, or_, select, true, union_all
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql import visitors

from tracker.core.policy import is_signed_in
from tracker.extensions import db
from tracker.tickets.models import Ticket
from tracker.wg import policy as wg_policy

COUNTED_FILTERS = {"status_id", "tracker_id", "project_id"}


class TicketCount(db.Model):
    """Maintained by triggers (see the module's docstring); never written by the application."""

    __tablename__ = "ticket_counts"

    wg_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tracker_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    is_private: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    tickets: Mapped[int] = mapped_column(Integer)
    estimated_hours: Mapped[Decimal] = mapped_column(Numeric())


_ON_COUNTS = {Ticket.__table__.c[name]: TicketCount.__table__.c[name]
              for name in ("wg_id", "status_id", "tracker_id", "is_private")}


def _on_counts(clause):
    """A condition on tickets' WG, status, tracker or private flag, rewritten over ``ticket_counts``."""
    return visitors.replacement_traverse(clause, {}, lambda element: _ON_COUNTS.get(element))


def counted_totals(user, clauses: list, filter_names) -> tuple[int, Decimal] | None:
    """(tickets, estimated hours) the user sees that match ``clauses`` (conditions on the counted columns
    only), or None when a filter is not one the counters know."""
    if any(name not in COUNTED_FILTERS for name in filter_names):
        return None
    if not is_signed_in(user):
        return 0, Decimal(0)
    on_counts = [_on_counts(c) for c in clauses]
    if user.is_admin:
        parts = [select(func.sum(TicketCount.tickets), func.sum(TicketCount.estimated_hours)).where(true(), *on_counts)]
    else:
        viewed = wg_policy.ids_with_permission(user, "view_issues")
        private_seen = wg_policy.ids_with_permission(user, "view_private_issues")
        parts = [
            select(func.sum(TicketCount.tickets), func.sum(TicketCount.estimated_hours)).where(
                TicketCount.wg_id.in_(viewed),
                or_(TicketCount.is_private.is_(False), TicketCount.wg_id.in_(private_seen)), *on_counts),
            # Written with "= true" (not IS): the form the partial indexes' predicate has.
            select(func.count(), func.sum(Ticket.estimated_hours)).where(
                Ticket.is_private == true(), or_(Ticket.author_id == user.id, Ticket.assigned_to_id == user.id),
                Ticket.wg_id.in_(viewed), Ticket.wg_id.not_in(private_seen), *clauses),
        ]
    rows = db.session.execute(union_all(*parts) if len(parts) > 1 else parts[0]).all()
    count = sum(int(row[0] or 0) for row in rows)
    hours = sum((Decimal(str(row[1] or 0)) for row in rows), Decimal(0))
    return count, hours
