"""What a calendar shows between two days: tickets' start and due dates (through the ticket query), 定例会,
milestones (milestones' = versions' due dates, and the charter's schedule) and gate decisions, each read
through its access policy.

A WG calendar shows the WG's; the personal calendar shows the tickets assigned to the user and the
meetings, milestones and gate decisions of the WGs they are a member of."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import to_user_timezone
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from tracker.board.board import is_read_only
from tracker.charter.models import Charter, GateDecision, Milestone
from tracker.core import policy
from tracker.core.translation import gettext as _
from tracker.extensions import db
from tracker.meetings.models import Meeting
from tracker.tickets.models import Ticket, Version
from tracker.wg import policy as wg_policy
from tracker.wg.models import Member, WorkingGroup

MAX_TICKETS = 2000  # per calendar page: a month of a large WG, far beyond what a grid can show legibly
WEEK_START = 6  # Sunday (date.weekday()), as Japanese wall calendars and Outlook in Japanese


@dataclass
class Event:
    kind: str  # due, start, meeting, version, milestone, gate
    day: date
    title: str
    url: str
    wg: WorkingGroup | None = None
    ticket: Ticket | None = None
    movable: bool = False  # a ticket's due date the user may change by dragging (or its move form)
    at: time | None = None
    overdue: bool = False
    source: object = None  # the meeting, milestone, version or gate decision shown

    @property
    def sort_key(self) -> tuple:
        order = {"gate": 0, "version": 1, "milestone": 1, "meeting": 2, "start": 3, "due": 4}[self.kind]
        return (order, self.at or time.min, -(self.ticket.priority.position if self.ticket else 0), self.title)


@dataclass
class Span:
    view: str  # month / week
    anchor: date
    start: date
    end: date  # inclusive

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    @property
    def weeks(self) -> list[list[date]]:
        days = self.days
        return [days[i:i + 7] for i in range(0, len(days), 7)]

    @property
    def previous(self) -> date:
        return (self.anchor.replace(day=1) - timedelta(days=1)).replace(day=1) if self.view == "month" else self.anchor - timedelta(days=7)

    @property
    def next(self) -> date:
        return (self.anchor.replace(day=28) + timedelta(days=4)).replace(day=1) if self.view == "month" else self.anchor + timedelta(days=7)


def _week_start(day: date) -> date:
    return day - timedelta(days=(day.weekday() - WEEK_START) % 7)


def span_for(view: str, anchor: date) -> Span:
    if view == "week":
        start = _week_start(anchor)
        return Span("week", anchor, start, start + timedelta(days=6))
    first = anchor.replace(day=1)
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    start = _week_start(first)
    end = _week_start(last) + timedelta(days=6)
    return Span("month", anchor, start, end)


@dataclass
class Calendar:
    span: Span
    events: dict[date, list[Event]] = field(default_factory=dict)
    truncated: bool = False
    wg: WorkingGroup | None = None

    def on(self, day: date) -> list[Event]:
        return self.events.get(day, [])

    @property
    def all_events(self) -> list[Event]:
        return [e for day in sorted(self.events) for e in self.events[day]]


def my_wg_ids(user):
    return select(Member.wg_id).where(Member.user_id == user.id)


def _in_range(column, span: Span):
    return and_(column >= span.start, column <= span.end)


def _movable_ids(user, tickets: list[Ticket]) -> set[int]:
    """The tickets whose due date ``user`` may change here: edit permission, a WG that is not closed, and
    no subtasks (a parent's dates are rolled up from its children)."""
    if not tickets:
        return set()
    # The tickets come from the ticket query (visible ones), so editing is the WG's question: asked once per WG.
    wgs = {t.wg_id: t.wg for t in tickets}
    may_edit = {wg_id: wg.allows(user, "edit_issues") and not is_read_only(user, wg) for wg_id, wg in wgs.items()}
    editable = {t.id for t in tickets if may_edit[t.wg_id]}
    if not editable:
        return set()
    parents = set(db.session.scalars(select(Ticket.parent_id).where(Ticket.parent_id.in_(editable)).distinct()))
    return editable - parents


def build_calendar(user, query, span: Span, wg: WorkingGroup | None) -> Calendar:
    """``query`` (a TicketQuery) selects the tickets; ``wg`` None is the personal calendar."""
    from tracker.core.i18n import overdue_days

    user = getattr(user, "_get_current_object", lambda: user)()  # not the proxy: asked once per ticket
    calendar = Calendar(span, wg=wg)
    events: list[Event] = []
    ids = list(db.session.scalars(query.ids_statement().where(or_(
        _in_range(Ticket.start_date, span), _in_range(Ticket.due_date, span))).limit(MAX_TICKETS + 1)))
    calendar.truncated = len(ids) > MAX_TICKETS
    tickets = query.load(ids[:MAX_TICKETS])
    movable = _movable_ids(user, tickets)
    for t in tickets:
        if t.start_date and span.start <= t.start_date <= span.end and t.start_date != t.due_date:
            events.append(Event("start", t.start_date, f"#{t.id} {t.subject}", t.url, t.wg, t))
        if t.due_date and span.start <= t.due_date <= span.end:
            events.append(Event("due", t.due_date, f"#{t.id} {t.subject}", t.url, t.wg, t, movable=t.id in movable,
                                overdue=not t.status.is_closed and overdue_days(t.due_date) > 0))
    scope = [wg.id] if wg is not None else my_wg_ids(user)
    meetings = db.session.scalars(select(Meeting).options(joinedload(Meeting.wg)).where(
        Meeting.wg_id.in_(scope), policy.visible(Meeting, user), _in_range(Meeting.held_on, span)))
    for m in meetings:
        events.append(Event("meeting", m.held_on, m.title, f"/projects/{m.wg.identifier}/meetings/{m.id}", m.wg, at=m.starts_at, source=m))
    versions = db.session.execute(select(Version, WorkingGroup).join(WorkingGroup, WorkingGroup.id == Version.wg_id).where(
        Version.wg_id.in_(scope), Version.wg_id.in_(wg_policy.ids_with_permission(user, "view_issues")),
        _in_range(Version.effective_date, span)))
    for version, version_wg in versions:
        events.append(Event("version", version.effective_date, version.name,
                            f"/projects/{version_wg.identifier}/issues?set_filter=1&status_id=*&fixed_version_id={version.id}",
                            version_wg, source=version))
    milestones = db.session.execute(select(Milestone, WorkingGroup).join(Charter, Charter.id == Milestone.charter_id)
                                    .join(WorkingGroup, WorkingGroup.id == Charter.wg_id).where(
        Charter.wg_id.in_(scope), policy.visible(Charter, user), _in_range(Milestone.due_date, span)))
    for milestone, milestone_wg in milestones:
        events.append(Event("milestone", milestone.due_date, milestone.title, f"/projects/{milestone_wg.identifier}/charter",
                            milestone_wg, source=milestone))
    # decided_at is UTC: widen by a day each side in SQL, then keep the decisions whose local day is in the span
    gates = db.session.scalars(select(GateDecision).where(
        GateDecision.wg_id.in_(scope), policy.visible(GateDecision, user),
        GateDecision.decided_at >= datetime.combine(span.start - timedelta(days=1), time.min),
        GateDecision.decided_at <= datetime.combine(span.end + timedelta(days=1), time.max)))
    for gate in gates:
        day = to_user_timezone(gate.decided_at).date()
        if span.start <= day <= span.end:
            gate_wg = db.session.get(WorkingGroup, gate.wg_id)
            events.append(Event("gate", day, _("Gate decision: %(decision)s", decision=_gate_label(gate.decision)),
                                f"/projects/{gate_wg.identifier}/charter", gate_wg, source=gate))
    for event in sorted(events, key=lambda e: (e.day, e.sort_key)):
        calendar.events.setdefault(event.day, []).append(event)
    return calendar


def _gate_label(decision: str) -> str:
    from tracker.charter.labels import DECISION_LABELS

    return str(DECISION_LABELS.get(decision, decision))


def event_json(event: Event) -> dict:
    data = {"kind": event.kind, "date": event.day.isoformat(), "title": event.title, "url": event.url,
            "wg": event.wg.identifier if event.wg else None, "movable": event.movable, "overdue": event.overdue,
            "time": event.at.strftime("%H:%M") if event.at else None}
    if event.ticket is not None:
        data.update(ticket_id=event.ticket.id, lock_version=event.ticket.lock_version,
                    start_date=event.ticket.start_date.isoformat() if event.ticket.start_date else None)
    return data


def calendar_json(calendar: Calendar) -> dict:
    return {"view": calendar.span.view, "start": calendar.span.start.isoformat(), "end": calendar.span.end.isoformat(),
            "truncated": calendar.truncated, "events": [event_json(e) for e in calendar.all_events]}
