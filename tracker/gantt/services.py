"""Moving or resizing a bar: a change of the ticket's start and due dates through the ticket service
(``update_ticket``: permissions, lock_version, journal, notification), which reschedules the followers with
their delay (``relations.reschedule_followers``) and rolls the dates up into the parents. Before that, the
refusals a Gantt user needs in words: a finished WG, a parent whose dates follow its subtasks, dates the
wrong way round."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tracker.charter.models import Charter, FINISHED_PHASES
from tracker.core import policy
from tracker.core.services import ServiceError
from tracker.core.translation import gettext as _
from tracker.extensions import db
from tracker.tickets import services as ticket_services
from tracker.tickets.models import Ticket, TicketRelation


def _day(value, label: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise ServiceError(_("%(field)s must be a date written YYYY-MM-DD.", field=label)) from None


def affected_ids(ticket: Ticket) -> set[int]:
    """The ticket, every ticket that follows it (transitively) and their parents: whose dates a move may change."""
    found, frontier = {ticket.id}, {ticket.id}
    while frontier:
        frontier = set(db.session.scalars(select(TicketRelation.issue_to_id).where(
            TicketRelation.issue_from_id.in_(frontier), TicketRelation.relation_type == "precedes"))) - found
        found |= frontier
    parents, frontier = set(), set(found)
    while frontier:
        frontier = set(db.session.scalars(select(Ticket.parent_id).where(
            Ticket.id.in_(frontier), Ticket.parent_id.is_not(None)))) - parents - found
        parents |= frontier
    return found | parents


def reschedule(ticket: Ticket, user, start_date, due_date, lock_version) -> list[Ticket]:
    """Give ``ticket`` new dates; returns the tickets whose dates changed (itself first) that the user may see."""
    if db.session.scalar(select(Charter.phase).where(Charter.wg_id == ticket.wg_id)) in FINISHED_PHASES:
        raise ServiceError(_("This WG is closed: its schedule can no longer be changed."))
    if not ticket.wg.allows(user, "edit_issues"):
        raise ServiceError(_("You may not change the dates of tickets in this WG."))
    if db.session.scalar(select(Ticket.id).where(Ticket.parent_id == ticket.id).limit(1)) is not None:
        raise ServiceError(_("The dates of a parent ticket follow its subtasks: move the subtasks instead."))
    start, due = _day(start_date, _("Start date")), _day(due_date, _("Due date"))
    if due < start:
        raise ServiceError(_("The due date must not be before the start date."))
    if lock_version in (None, ""):
        raise ServiceError(_("The chart is out of date: reload it and try again."))
    ids = affected_ids(ticket)
    before = dict(db.session.execute(select(Ticket.id, Ticket.lock_version).where(Ticket.id.in_(ids))).all())
    ticket_services.update_ticket(ticket, user, {"start_date": start.isoformat(), "due_date": due.isoformat()},
                                  lock_version=lock_version)
    db.session.flush()
    changed = [t for t in db.session.scalars(select(Ticket).where(Ticket.id.in_(ids)))
               if t.id == ticket.id or t.lock_version != before.get(t.id)]
    changed.sort(key=lambda t: (t.id != ticket.id, t.id))
    return [t for t in changed if policy.can(user, "view", t)]
