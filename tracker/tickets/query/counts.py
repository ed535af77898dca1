"""Exact ticket counts without counting every ticket: ``ticket_counts`` holds the tickets and estimated hours
per (WG, status, tracker, private), and ``ticket_due_counts`` the same per due date too, both kept by triggers on
``tickets`` (migrations 0270_scale_indexes and 0310_due_date_counts), so that inserts, deletes and updates from
any path (the ticket service, the importer's bulk inserts, SQL) stay counted.

A list filtered only by WG, status and tracker (the default list, a WG's list, "open", a tracker) gets its total
from the first table's rows, whatever the size; one filtered by due date as well (the 期限切れ and 今週が期日
chips) from the second's, whose rows number the due dates in use times those combinations, however many tickets
share them. A ticket without a due date has no row there, so "no due date" (``!*``) is counted from the tickets. The visibility rule is applied to them exactly: in a WG where the user
views tickets, every public ticket, and the private ones where they may view private tickets; the private
tickets they see only as author or assignee are counted in ``tickets`` through two small partial indexes."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Date, Integer, Numeric, func, or_, select, true, union_all
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql import visitors

from tracker.core.policy import is_signed_in
from tracker.extensions import db
from tracker.tickets.models import Ticket
from tracker.wg import policy as wg_policy

COUNTED_FILTERS = {"status_id", "tracker_id", "project_id"}
# Counted by ticket_due_counts, with any operator but "none", which asks for the tickets that table leaves out.
DUE_DATE_FILTER = "due_date"


class _Counter:
    """The columns of both counter tables: the key, and what is counted."""

    wg_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tracker_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    is_private: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    tickets: Mapped[int] = mapped_column(Integer, sort_order=10)
    estimated_hours: Mapped[Decimal] = mapped_column(Numeric(), sort_order=10)


class TicketCount(_Counter, db.Model):
    """Maintained by triggers (see the module's docstring); never written by the application."""

    __tablename__ = "ticket_counts"


class TicketDueCount(_Counter, db.Model):
    """``ticket_counts`` per due date as well, for tickets that have one; maintained by triggers too."""

    __tablename__ = "ticket_due_counts"

    due_date: Mapped[date] = mapped_column(Date, primary_key=True, sort_order=5)


_KEY = ("wg_id", "status_id", "tracker_id", "is_private")


def _columns_of(counter) -> dict:
    names = _KEY + (("due_date",) if counter is TicketDueCount else ())
    return {Ticket.__table__.c[name]: counter.__table__.c[name] for name in names}


def countable(filters: dict) -> bool:
    """Whether the counters answer a list with these filters (name -> (operator, values))."""
    if any(name not in COUNTED_FILTERS and name != DUE_DATE_FILTER for name in filters):
        return False
    return DUE_DATE_FILTER not in filters or filters[DUE_DATE_FILTER][0] != "!*"


def counted_totals(user, clauses: list, filters: dict) -> tuple[int, Decimal] | None:
    """(tickets, estimated hours) the user sees that match ``clauses`` (conditions on the counted columns
    only), or None when a filter is not one the counters know. ``filters``: the list's filters, name ->
    (operator, values)."""
    if not countable(filters):
        return None
    dated = DUE_DATE_FILTER in filters
    if not is_signed_in(user):
        return 0, Decimal(0)
    counter = TicketDueCount if dated else TicketCount
    on_counter = _columns_of(counter)
    # The same conditions, over the counter's columns of the same names.
    on_counts = [visitors.replacement_traverse(c, {}, lambda element: on_counter.get(element)) for c in clauses]
    if user.is_admin:
        parts = [select(func.sum(counter.tickets), func.sum(counter.estimated_hours)).where(true(), *on_counts)]
    else:
        viewed = wg_policy.ids_with_permission(user, "view_issues")
        private_seen = wg_policy.ids_with_permission(user, "view_private_issues")
        parts = [
            select(func.sum(counter.tickets), func.sum(counter.estimated_hours)).where(
                counter.wg_id.in_(viewed),
                or_(counter.is_private.is_(False), counter.wg_id.in_(private_seen)), *on_counts),
            # Written with "= true" (not IS): the form the partial indexes' predicate has.
            select(func.count(), func.sum(Ticket.estimated_hours)).where(
                Ticket.is_private == true(), or_(Ticket.author_id == user.id, Ticket.assigned_to_id == user.id),
                Ticket.wg_id.in_(viewed), Ticket.wg_id.not_in(private_seen), *clauses),
        ]
    rows = db.session.execute(union_all(*parts) if len(parts) > 1 else parts[0]).all()
    count = sum(int(row[0] or 0) for row in rows)
    hours = sum((Decimal(str(row[1] or 0)) for row in rows), Decimal(0))
    return count, hours
