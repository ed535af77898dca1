"""Meetings (定例会) and their action items."""
from __future__ import annotations

from datetime import date, time

from tracker.core.translation import gettext as _

from tracker.charter.services import ensure_open
from tracker.core import history
from tracker.core.services import ServiceError
from tracker.extensions import db
from tracker.meetings.models import ActionItem, Meeting


class MeetingError(ServiceError):
    """Meeting input that cannot be accepted."""


def save_meeting(actor, meeting: Meeting | None, wg, *, title: str, held_on: date | None, starts_at: time | None = None,
                 ends_at: time | None = None, location: str = "", attendees=(), agenda: str = "", minutes: str = "",
                 decisions: str = "", action_items: list[dict] = ()) -> Meeting:
    """``action_items``: {title, assignee (user or None), due_date (date or None)}."""
    ensure_open(wg)
    problems = []
    if not (title or "").strip():
        problems.append(_("The title is required."))
    if not isinstance(held_on, date):
        problems.append(_("Give the date of the meeting."))
    if starts_at and ends_at and ends_at <= starts_at:
        problems.append(_("The meeting must end after it starts."))
    for item in action_items:
        if not (item.get("title") or "").strip():
            problems.append(_("Each action item needs a title."))
    if problems:
        raise MeetingError(list(dict.fromkeys(problems)))
    meeting = meeting or Meeting(wg_id=wg.id, wg=wg)
    with history.recording(actor, meeting):
        meeting.title, meeting.held_on, meeting.starts_at, meeting.ends_at = title.strip(), held_on, starts_at, ends_at
        meeting.location, meeting.agenda = (location or "").strip(), agenda or ""
        meeting.minutes, meeting.decisions = minutes or "", decisions or ""
        meeting.attendees = list(attendees)
        keep = {item.get("id"): item for item in action_items if item.get("id")}
        meeting.action_items = [a for a in meeting.action_items if a.id in keep]
        for existing in meeting.action_items:
            item = keep[existing.id]
            existing.title, existing.due_date = item["title"].strip(), item.get("due_date")
            existing.assignee_id = item["assignee"].id if item.get("assignee") else None
        for item in action_items:
            if not item.get("id"):
                meeting.action_items.append(ActionItem(
                    title=item["title"].strip(), due_date=item.get("due_date"),
                    assignee_id=item["assignee"].id if item.get("assignee") else None))
        db.session.add(meeting)
        db.session.flush()
    return meeting


def action_items_to_tickets(meeting: Meeting, user) -> list[int]:
    """Each action item without a ticket becomes one (assignee and due date carried over)."""
    from tracker.charter.tickets import make_ticket

    ensure_open(meeting.wg)
    pending = [a for a in meeting.action_items if not a.ticket_id]
    if not pending:
        raise MeetingError([_("Every action item already has a ticket.")])
    made = []
    for item in pending:
        ticket = make_ticket(meeting.wg, user, item.title,
                             f"{meeting.title}（{meeting.held_on.isoformat()}）のアクションアイテム",
                             item.assignee_id, item.due_date)
        item.ticket_id = ticket.id
        made.append(ticket.id)
    db.session.flush()
    return made
