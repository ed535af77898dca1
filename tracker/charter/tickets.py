"""What the lifecycle reads from and makes with tickets (the tickets feature's models and services):
scheduled tickets for the planning gate, overdue tickets as a health signal, agenda suggestions, and
tickets made from planning notes and meeting action items."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

from sqlalchemy import func, or_, select

from tracker.extensions import db
from tracker.tickets import services as ticket_services
from tracker.tickets.models import IssueStatus, Ticket, Tracker
from tracker.tickets.query.counts import TicketDueCount


def _open_statuses():
    return select(IssueStatus.id).where(IssueStatus.is_closed.is_(False))


def _open():
    return Ticket.status_id.in_(_open_statuses())


def scheduled_count(wg) -> int:
    """Tickets of the WG with an assignee (person or section) and a due date."""
    return db.session.scalar(select(func.count()).select_from(Ticket).where(
        Ticket.wg_id == wg.id, Ticket.due_date.is_not(None),
        or_(Ticket.assigned_to_id.is_not(None), Ticket.assigned_section_id.is_not(None)),
    )) or 0


def overdue_counts(wg_ids: list[int], today: date) -> dict[int, int]:
    """Health signal: open tickets past their due date, per WG (private ones too: the board shows a number,
    never a ticket), summed from the maintained per-due-date counters rather than counted ticket by ticket."""
    counter = TicketDueCount
    rows = db.session.execute(
        select(counter.wg_id, func.sum(counter.tickets))
        .where(counter.wg_id.in_(wg_ids), counter.due_date < today,
               counter.status_id.in_(_open_statuses()))
        .group_by(counter.wg_id)
    )
    return {wg_id: int(count) for wg_id, count in rows if count}


def agenda_suggestions(wg, user, since: date | None, today: date) -> list[tuple[str, str]]:
    """Tickets updated since the last meeting, then overdue ones, that ``user`` may see (label, url)."""
    visible = Ticket.visible(user)
    found: dict[int, tuple[str, str]] = {}
    if since is not None:
        start = datetime.combine(since, time.min, timezone.utc)
        for t in db.session.scalars(select(Ticket).where(Ticket.wg_id == wg.id, visible, Ticket.updated_at >= start)
                                    .order_by(Ticket.updated_at.desc()).limit(20)):
            found[t.id] = (f"#{t.id} {t.subject}（{t.status.name}）", t.url)
    for t in db.session.scalars(select(Ticket).where(Ticket.wg_id == wg.id, visible, Ticket.due_date < today, _open())
                                .order_by(Ticket.due_date).limit(20)):
        found.setdefault(t.id, (f"#{t.id} {t.subject}（{t.due_date.isoformat()}）", t.url))
    return list(found.values())


def make_ticket(wg, user, subject: str, description: str, assignee_id: int | None, due_date: date | None) -> Ticket:
    """A ticket through the tickets service (its validation, journal and notifications apply)."""
    tracker_id = db.session.scalar(select(Tracker.id).order_by(Tracker.position).limit(1))
    return ticket_services.create_ticket(user, wg, {
        "tracker_id": tracker_id, "subject": subject[:255], "description": description,
        "assigned_to_id": assignee_id, "due_date": due_date,
    })
