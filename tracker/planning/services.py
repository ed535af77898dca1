"""Planning board: write notes (発散), group them (収束), decide who does what by when (決定).

Decided notes become scheduled tickets (through the tickets service); each note keeps its ticket's id.
"""
from __future__ import annotations

from datetime import date

from tracker.core.translation import gettext as _
from sqlalchemy import func, select

from tracker.charter.services import ensure_open
from tracker.core.services import ServiceError
from tracker.extensions import db
from tracker.planning.models import Note, NoteGroup


class PlanningError(ServiceError):
    """Planning input that cannot be accepted."""


def add_note(wg, user, text: str) -> Note:
    ensure_open(wg)
    if not (text or "").strip():
        raise PlanningError([_("Write something on the note.")])
    note = Note(wg_id=wg.id, text=text.strip(), author_id=user.id)
    db.session.add(note)
    db.session.flush()
    return note


def add_group(wg, name: str) -> NoteGroup:
    ensure_open(wg)
    name = (name or "").strip()
    if not name:
        raise PlanningError([_("The group needs a name.")])
    if len(name) > 100:
        raise PlanningError([_("The group name is too long (100 characters at most).")])
    position = db.session.scalar(select(func.count()).select_from(NoteGroup).where(NoteGroup.wg_id == wg.id)) or 0
    group = NoteGroup(wg_id=wg.id, name=name, position=position)
    db.session.add(group)
    db.session.flush()
    return group


def move_note(wg, note: Note, group_id: int | None) -> None:
    ensure_open(wg)
    if group_id is not None:
        group = db.session.get(NoteGroup, group_id)
        if group is None or group.wg_id != wg.id:
            raise PlanningError([_("That group is not on this board.")])
    note.group_id = group_id
    db.session.flush()


def decide(wg, user, notes: list[Note], assignee, due_date: date | None) -> list[Note]:
    """Turn the selected notes into scheduled work with an assignee and a due date."""
    ensure_open(wg)
    problems = []
    if not notes:
        problems.append(_("Select at least one note."))
    if assignee is None:
        problems.append(_("Choose who does it."))
    if not isinstance(due_date, date):
        problems.append(_("Give a due date."))
    if problems:
        raise PlanningError(problems)
    from tracker.charter.tickets import make_ticket

    for note in notes:
        if note.ticket_id:
            continue
        note.assignee_id, note.due_date = assignee.id, due_date
        group = f"（{note.group.name}）" if note.group else ""
        ticket = make_ticket(wg, user, note.text.splitlines()[0], f"{note.text}\n\n付箋ボードから{group}", assignee.id, due_date)
        note.ticket_id = ticket.id
    db.session.flush()
    return notes
