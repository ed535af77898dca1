"""A milestone's numbers, read through the ticket query (so private tickets are neither listed nor counted
for someone who may not see them): tickets by tracker, closed against total, estimated against spent hours,
and the burndown series."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import to_user_timezone
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from tracker.core.i18n import local_today
from tracker.extensions import db
from tracker.gantt.chart import is_late
from tracker.tickets.models import IssueStatus, Journal, JournalDetail, Ticket, TimeEntry, Version
from tracker.tickets.query import TicketQuery

MAX_BURNDOWN_DAYS = 730


@dataclass
class Day:
    day: date
    open_tickets: int | None  # None: a day still to come
    open_hours: Decimal | None
    ideal_tickets: float | None
    ideal_hours: float | None


@dataclass
class Progress:
    version: Version
    tickets: list[Ticket]
    by_tracker: list[tuple[str, list[Ticket]]]
    total: int
    closed: int
    estimated: Decimal
    spent: Decimal
    late: bool
    today: date
    burndown: list[Day] = field(default_factory=list)

    @property
    def percent_closed(self) -> int:
        return round(100 * self.closed / self.total) if self.total else 0


def version_query(user, version: Version) -> TicketQuery:
    args = MultiDict({"set_filter": "1", "status_id": "*", "fixed_version_id": str(version.id)})
    return TicketQuery.from_params(user, args, wg=version_wg(version))


def version_wg(version: Version):
    from tracker.wg.models import WorkingGroup

    return db.session.get(WorkingGroup, version.wg_id)


def progress_of(user, version: Version, *, today: date | None = None, with_burndown: bool = True) -> Progress:
    today = today or local_today()
    query = version_query(user, version)
    ids = list(db.session.scalars(select(Ticket.id).where(query.condition()).order_by(Ticket.id)))
    tickets = query.load(ids)
    closed = sum(1 for t in tickets if t.is_closed)
    estimated = sum((t.estimated_hours or Decimal(0) for t in tickets), Decimal(0))
    spent = Decimal(str(db.session.scalar(
        select(func.coalesce(func.sum(TimeEntry.hours), 0)).where(TimeEntry.ticket_id.in_(ids), TimeEntry.visible(user))
    ) or 0)) if ids else Decimal(0)
    groups: dict[str, list[Ticket]] = {}
    for ticket in sorted(tickets, key=lambda t: (t.tracker.position, t.tracker.id, t.id)):
        groups.setdefault(ticket.tracker.name, []).append(ticket)
    progress = Progress(version, tickets, list(groups.items()), len(tickets), closed, estimated, spent,
                        is_late(version.effective_date, version.status, len(tickets) - closed, today), today)
    if with_burndown:
        progress.burndown = burndown(version, tickets, today)
    return progress


def _local(moment) -> date:
    return to_user_timezone(moment).date()


def closed_periods(tickets: list[Ticket]) -> dict[int, list[tuple[date, bool]]]:
    """Per ticket, its (day, closed?) states in order: at creation, then after each status change (the last
    change of a day counts for that day), from the journals' status details."""
    closed_ids = set(db.session.scalars(select(IssueStatus.id).where(IssueStatus.is_closed.is_(True))))
    changes: dict[int, list[tuple[date, str | None, str | None]]] = {}
    ids = [t.id for t in tickets]
    for chunk in range(0, len(ids), 1000):
        for ticket_id, created_at, old, new in db.session.execute(
            select(Journal.ticket_id, Journal.created_at, JournalDetail.old_value, JournalDetail.value)
            .join(JournalDetail, JournalDetail.journal_id == Journal.id)
            .where(Journal.ticket_id.in_(ids[chunk:chunk + 1000]), JournalDetail.property == "attr",
                   JournalDetail.prop_key == "status_id")
            .order_by(Journal.created_at, Journal.id, JournalDetail.id)
        ):
            changes.setdefault(ticket_id, []).append((_local(created_at), old, new))

    def is_closed(status_id) -> bool:
        return str(status_id).isdigit() and int(status_id) in closed_ids

    states = {}
    for ticket in tickets:
        history = changes.get(ticket.id, [])
        first = history[0][1] if history else ticket.status_id
        timeline = [(_local(ticket.created_at), is_closed(first))]
        timeline += [(day, is_closed(new)) for day, _old, new in history]
        states[ticket.id] = timeline
    return states


def burndown(version: Version, tickets: list[Ticket], today: date) -> list[Day]:
    """Remaining open tickets and hours at the end of each day, from the milestone's first ticket (or its
    creation) to its date (or today, if later); the ideal line goes from all its tickets (hours) on the
    first day to none on its date. Hours are the tickets' current estimates."""
    if not tickets:
        return []
    states = closed_periods(tickets)
    start = min([_local(version.created_at)] + [timeline[0][0] for timeline in states.values()])
    due = version.effective_date
    end = max(d for d in (due, today, start) if d is not None)
    if (end - start).days > MAX_BURNDOWN_DAYS:
        start = end - timedelta(days=MAX_BURNDOWN_DAYS)
    hours = {t.id: (t.estimated_hours or Decimal(0)) for t in tickets}
    total_tickets, total_hours = len(tickets), sum(hours.values(), Decimal(0))
    span = (due - start).days if due and due > start else None
    days, cursor = [], {t.id: 0 for t in tickets}
    day = start
    while day <= end:
        open_count, open_hours = None, None
        if day <= today:  # what has happened; the days to come have only the ideal line
            open_count, open_hours = 0, Decimal(0)
            for ticket in tickets:
                timeline, i = states[ticket.id], cursor[ticket.id]
                while i + 1 < len(timeline) and timeline[i + 1][0] <= day:
                    i += 1
                cursor[ticket.id] = i
                if timeline[0][0] <= day and not timeline[i][1]:
                    open_count += 1
                    open_hours += hours[ticket.id]
        if span is not None and day <= due:
            share = 1 - (day - start).days / span
            ideal_t, ideal_h = round(total_tickets * share, 2), round(float(total_hours) * share, 2)
        else:
            ideal_t = ideal_h = (0.0 if due and day > due else None)
        days.append(Day(day, open_count, open_hours, ideal_t, ideal_h))
        day += timedelta(days=1)
    return days


def progress_json(progress: Progress, with_burndown: bool = True) -> dict:
    v = progress.version
    data = {
        "version": {"id": v.id, "name": v.name, "wg_id": v.wg_id, "status": v.status,
                    "effective_date": v.effective_date.isoformat() if v.effective_date else None,
                    "description": v.description},
        "today": progress.today.isoformat(), "late": progress.late, "total_tickets": progress.total, "closed_tickets": progress.closed,
        "estimated_hours": float(progress.estimated), "spent_hours": float(progress.spent),
        "trackers": [{"tracker": name, "tickets": [
            {"id": t.id, "subject": t.subject, "status": t.status.name, "is_closed": t.is_closed,
             "due_date": t.due_date.isoformat() if t.due_date else None} for t in tickets]}
            for name, tickets in progress.by_tracker],
    }
    if with_burndown:
        data["burndown"] = [{"date": d.day.isoformat(), "open_tickets": d.open_tickets,
                             "open_hours": None if d.open_hours is None else float(d.open_hours), "ideal_tickets": d.ideal_tickets,
                             "ideal_hours": d.ideal_hours} for d in progress.burndown]
    return data
