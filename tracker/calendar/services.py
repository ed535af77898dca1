"""Dragging a ticket to another day of the calendar: a due date change through the ticket service (workflow
and field rules, ``lock_version``, journal, notification, followers rescheduled by the precedes rule)."""
from __future__ import annotations

from datetime import date

from tracker.board.board import is_read_only
from tracker.core.services import ServiceError
from tracker.core.translation import gettext as _
from tracker.tickets import services as ticket_services


def parse_day(raw) -> date | None:
    try:
        return date.fromisoformat(str(raw or "").strip())
    except ValueError:
        return None


def reschedule(ticket, user, due_date, lock_version=None):
    """Set ``ticket``'s due date to ``due_date`` (a date or YYYY-MM-DD); returns the journal (None: no change).
    Raises ServiceError when refused, StaleTicketError when the ticket changed since it was shown."""
    day = due_date if isinstance(due_date, date) else parse_day(due_date)
    if day is None:
        raise ServiceError(_("Dates are written YYYY-MM-DD."))
    if lock_version not in (None, "") and str(lock_version).isdigit() and int(lock_version) != ticket.lock_version:
        raise ticket_services.StaleTicketError(ticket)
    if is_read_only(user, ticket.wg):
        raise ServiceError(_("This WG is closed: its tickets can no longer be rescheduled."))
    if not ticket.editable_by(user):
        raise ServiceError(_("You may not change the due date of #%(id)s.", id=ticket.id))
    if day == ticket.due_date:
        return None
    return ticket_services.update_ticket(ticket, user, {"due_date": day.isoformat()}, lock_version=lock_version)
