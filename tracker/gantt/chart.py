"""The Gantt chart's content, read through the ticket query (``TicketQuery``: the list's filters and its
visibility rule), so a saved query or a filtered list can be drawn as a chart and no hidden ticket is drawn.

Rows come per WG: the WG, its milestones (versions, drawn as diamonds), then its tickets as a tree (a
subtask under its parent when the parent is drawn too; a subtask whose parent is filtered out or hidden is a
root, so nothing reveals a ticket the user may not see). Arrows are the precedes and blocks relations
between drawn tickets. Plain rows are read, not ORM objects: 3,000 bars in one query of a few columns."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from tracker.core.i18n import local_today
from tracker.extensions import db
from tracker.gantt import critical
from tracker.gantt.calendar_days import japanese_holidays
from tracker.gantt.scale import ZOOMS, Scale, scale_for
from tracker.tickets.models import IssueStatus, Ticket, TicketRelation, Tracker, Version
from tracker.tickets.query import TicketQuery
from tracker.wg import policy as wg_policy
from tracker.wg.models import WorkingGroup

MAX_BARS = 3000  # Redmine stops at 500. More bars than this (an organisation-wide chart) ask for narrower filters.
ARROW_KINDS = ("precedes", "blocks")


@dataclass(slots=True)
class Bar:
    id: int
    subject: str
    wg_id: int
    parent_id: int | None
    start: date | None
    due: date | None
    done_ratio: int
    lock_version: int
    is_closed: bool
    tracker: str
    status: str
    depth: int = 0
    has_children: bool = False
    editable: bool = False
    critical: bool = False
    drawn: tuple[date, date] | None = None  # the days the bar covers (see covered_days)


def covered_days(start: date | None, due: date | None) -> tuple[date, date] | None:
    """A ticket with one date is a one-day bar; one without dates has none."""
    if start is None and due is None:
        return None
    start, due = start or due, due or start
    return (start, due) if start <= due else (due, start)


@dataclass
class Milestone:
    id: int
    name: str
    wg_id: int
    effective_date: date
    status: str
    open_tickets: int
    late: bool


@dataclass
class Row:
    kind: str  # "wg", "milestone", "ticket"
    item: object


@dataclass
class Arrow:
    from_id: int
    to_id: int
    kind: str
    delay: int | None
    critical: bool = False


@dataclass
class Gantt:
    query: TicketQuery
    wg: WorkingGroup | None
    rows: list[Row]
    bars: dict[int, Bar]
    milestones: list[Milestone]
    arrows: list[Arrow]
    critical_path: list[int]
    scale: Scale
    holidays: dict[date, str]
    today: date
    total: int
    truncated: bool
    wgs: dict[int, WorkingGroup] = field(default_factory=dict)


def _range(args, errors: list) -> tuple[date | None, date | None]:
    """``from`` and ``to`` as dates; a bad one is reported (and the chart falls back to the tickets' dates)."""
    from tracker.core.translation import gettext as _

    days = []
    for name, label in (("from", _("Shown from")), ("to", _("Shown until"))):
        value = args.get(name) or ""
        try:
            days.append(date.fromisoformat(value) if value else None)
        except ValueError:
            errors.append(_("%(field)s must be a date written YYYY-MM-DD.", field=label))
            days.append(None)
    if days[0] and days[1] and days[1] < days[0]:
        errors.append(_("The end of the range must not be before its start."))
        days = [None, None]
    if args.get("zoom") and args.get("zoom") not in ZOOMS:
        errors.append(_("Choose a zoom: week, month or quarter."))
    return days[0], days[1]


def build_gantt(user, args, wg: WorkingGroup | None = None, *, language: str = "ja", today: date | None = None) -> Gantt:
    """The chart for the ticket query that ``args`` describes (the list's parameters), plus ``zoom``,
    ``from`` and ``to`` (ISO dates) for the range. Bad filters are in ``gantt.query.errors``."""
    today = today or local_today()
    query = TicketQuery.from_params(user, args, wg=wg)
    bars = _bars(query)
    truncated = len(bars) > MAX_BARS
    if truncated:
        bars = dict(list(bars.items())[:MAX_BARS])
    total = query.count() if truncated else len(bars)
    wg_ids = sorted({bar.wg_id for bar in bars.values()} | ({wg.id} if wg else set()))
    wgs = {w.id: w for w in db.session.scalars(select(WorkingGroup).where(WorkingGroup.id.in_(wg_ids)))}
    editable = wg_policy.wg_id_set(user, "edit_issues") if wgs else set()  # one read, not one per WG
    for bar in bars.values():
        bar.editable = bar.wg_id in editable and not bar.has_children
    milestones = _milestones(user, wg_ids, today)
    arrows = _arrows(bars, wg_ids)
    spans = {b.id: critical.Span(b.id, *b.drawn) for b in bars.values() if b.drawn}
    path = critical.critical_path(spans, [(a.from_id, a.to_id) for a in arrows if a.kind == "precedes"])
    on_path = set(path)
    for bar_id in path:
        bars[bar_id].critical = True
    for arrow in arrows:
        arrow.critical = arrow.kind == "precedes" and arrow.from_id in on_path and arrow.to_id in on_path and (
            path.index(arrow.to_id) == path.index(arrow.from_id) + 1)
    dates = [d for b in bars.values() if b.drawn for d in b.drawn] + [m.effective_date for m in milestones]
    first, last = _range(args, query.errors)
    scale = scale_for(dates, today, args.get("zoom") or "", first, last)
    return Gantt(
        query=query, wg=wg, rows=_rows(wgs, bars, milestones), bars=bars, milestones=milestones, arrows=arrows,
        critical_path=path, scale=scale, holidays=japanese_holidays(scale.start, scale.end, language), today=today,
        total=total, truncated=truncated, wgs=wgs,
    )


def _bars(query: TicketQuery) -> dict[int, Bar]:
    closed = {row.id: row for row in db.session.execute(select(IssueStatus.id, IssueStatus.name, IssueStatus.is_closed))}
    trackers = dict(db.session.execute(select(Tracker.id, Tracker.name)).all())
    rows = db.session.execute(
        select(Ticket.id, Ticket.subject, Ticket.wg_id, Ticket.parent_id, Ticket.start_date, Ticket.due_date,
               Ticket.done_ratio, Ticket.lock_version, Ticket.status_id, Ticket.tracker_id)
        .where(query.condition()).order_by(Ticket.id).limit(MAX_BARS + 1)
    )
    bars = {}
    for ticket_id, subject, wg_id, parent_id, start, due, done, lock, status_id, tracker_id in rows:
        status = closed.get(status_id)
        if start is None or due is None:
            drawn = covered_days(start, due)
        else:
            drawn = (start, due) if start <= due else (due, start)
        bars[ticket_id] = Bar(ticket_id, subject, wg_id, parent_id, start, due, done or 0, lock or 0,
                              bool(status and status.is_closed), trackers.get(tracker_id, ""),
                              status.name if status else "", drawn=drawn)
    for bar in bars.values():
        if bar.parent_id in bars:
            bars[bar.parent_id].has_children = True
    return bars


def _milestones(user, wg_ids: list[int], today: date) -> list[Milestone]:
    """The dated versions of the drawn WGs that the user may see, with their open (visible) tickets."""
    if not wg_ids:
        return []
    visible_wgs = select(WorkingGroup.id).where(WorkingGroup.with_permission(user, "view_issues"))
    versions = list(db.session.execute(
        select(Version.id, Version.name, Version.wg_id, Version.effective_date, Version.status)
        .where(Version.wg_id.in_(wg_ids), Version.wg_id.in_(visible_wgs), Version.effective_date.is_not(None))
        .order_by(Version.effective_date, Version.id)
    ))
    if not versions:
        return []
    open_counts = dict(db.session.execute(
        select(Ticket.fixed_version_id, func.count(Ticket.id))
        .where(Ticket.fixed_version_id.in_([v.id for v in versions]), Ticket.visible(user),
               Ticket.status_id.in_(select(IssueStatus.id).where(IssueStatus.is_closed.is_(False))))
        .group_by(Ticket.fixed_version_id)
    ).all())
    return [Milestone(v.id, v.name, v.wg_id, v.effective_date, v.status, open_counts.get(v.id, 0),
                      is_late(v.effective_date, v.status, open_counts.get(v.id, 0), today)) for v in versions]


def is_late(effective_date: date | None, status: str, open_tickets: int, today: date) -> bool:
    """A milestone is late when its date has passed and it still has open tickets (and is not closed)."""
    return bool(effective_date and effective_date < today and status != "closed" and open_tickets > 0)


def _arrows(bars: dict[int, Bar], wg_ids: list[int]) -> list[Arrow]:
    """The relations between drawn tickets: read per WG (one query, no list of thousands of ids), kept when both
    ends are drawn (an arrow to a hidden ticket would reveal it)."""
    if not bars:
        return []
    rows = db.session.execute(
        select(TicketRelation.issue_from_id, TicketRelation.issue_to_id, TicketRelation.relation_type,
               TicketRelation.delay)
        .join(Ticket, Ticket.id == TicketRelation.issue_from_id)
        .where(Ticket.wg_id.in_(wg_ids), TicketRelation.relation_type.in_(ARROW_KINDS))
    )
    return [Arrow(r.issue_from_id, r.issue_to_id, r.relation_type, r.delay) for r in rows
            if r.issue_from_id in bars and r.issue_to_id in bars]


def _sort_key(bar: Bar):
    drawn = bar.drawn
    return (drawn[0] if drawn else date.max, bar.id)


def _rows(wgs: dict[int, WorkingGroup], bars: dict[int, Bar], milestones: list[Milestone]) -> list[Row]:
    children: dict[int | None, list[Bar]] = {}
    for bar in bars.values():
        parent = bar.parent_id if bar.parent_id in bars else None
        children.setdefault(parent, []).append(bar)
    for siblings in children.values():
        siblings.sort(key=_sort_key)
    rows: list[Row] = []
    by_wg: dict[int, list[Bar]] = {}
    for root in children.get(None, []):
        by_wg.setdefault(root.wg_id, []).append(root)
    milestones_of: dict[int, list[Milestone]] = {}
    for milestone in milestones:
        milestones_of.setdefault(milestone.wg_id, []).append(milestone)
    for wg in sorted(wgs.values(), key=lambda w: (w.name, w.id)):
        rows.append(Row("wg", wg))
        rows += [Row("milestone", m) for m in milestones_of.get(wg.id, [])]
        stack = [(root, 0) for root in reversed(by_wg.get(wg.id, []))]
        while stack:  # depth first, without recursion (deep trees of subtasks)
            bar, depth = stack.pop()
            bar.depth = depth
            rows.append(Row("ticket", bar))
            stack += [(child, depth + 1) for child in reversed(children.get(bar.id, []))]
    return rows


def gantt_json(gantt: Gantt) -> dict:
    """The chart as the API answers it (and as the page's script reads it after a move)."""
    scale = gantt.scale
    return {
        "range": {"start": scale.start.isoformat(), "end": scale.end.isoformat(), "zoom": scale.zoom,
                  "px_per_day": scale.px_per_day},
        "today": gantt.today.isoformat(),
        "total_count": gantt.total,
        "truncated": gantt.truncated,
        "wgs": [{"id": w.id, "identifier": w.identifier, "name": w.name} for w in gantt.wgs.values()],
        "tickets": [
            {"id": b.id, "subject": b.subject, "wg_id": b.wg_id,
             "parent_id": b.parent_id if b.parent_id in gantt.bars else None, "depth": b.depth,
             "start_date": b.start.isoformat() if b.start else None, "due_date": b.due.isoformat() if b.due else None,
             "done_ratio": b.done_ratio, "is_closed": b.is_closed, "tracker": b.tracker, "status": b.status,
             "lock_version": b.lock_version, "editable": b.editable, "critical": b.critical}
            for row in gantt.rows if row.kind == "ticket" for b in [row.item]
        ],
        "milestones": [{"id": m.id, "name": m.name, "wg_id": m.wg_id, "effective_date": m.effective_date.isoformat(),
                        "status": m.status, "open_tickets": m.open_tickets, "late": m.late} for m in gantt.milestones],
        "relations": [{"from": a.from_id, "to": a.to_id, "type": a.kind, "delay": a.delay, "critical": a.critical}
                      for a in gantt.arrows],
        "critical_path": gantt.critical_path,
        "holidays": [{"date": d.isoformat(), "name": name} for d, name in gantt.holidays.items()],
    }
