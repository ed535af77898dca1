"""Planning board: write notes (発散), group them (収束), decide who does what by when (決定).

Decided notes become scheduled tickets (through the tickets service); each note keeps its ticket's id. Every
change of a note is journaled (tracker/planning/history.py) as the acting user.
"""
from __future__ import annotations

from datetime import date

from tracker.core.translation import gettext as _
from sqlalchemy import func, select

from tracker.charter.services import ensure_open
from tracker.core import history
from tracker.core.services import ServiceError
from tracker.extensions import db
from tracker.planning.models import Note, NoteGroup


class PlanningError(ServiceError):
    """Planning input that cannot be accepted."""


def _text(text: str) -> str:
    if not (text or "").strip():
        raise PlanningError([_("Write something on the note.")])
    return text.strip()


def add_note(actor, wg, text: str) -> Note:
    ensure_open(wg)
    note = Note(wg_id=wg.id, text=_text(text), author_id=actor.id)
    with history.recording(actor, note):
        db.session.add(note)
    return note


def edit_note(actor, wg, note: Note, text: str, group_id: int | None) -> Note:
    """Rewrite a note and put it in a group (the note's page)."""
    ensure_open(wg)
    text = _text(text)
    _check_group(wg, group_id)
    with history.recording(actor, note):
        note.text, note.group_id = text, group_id
        db.session.flush()
    return note


def add_group(actor, wg, name: str) -> NoteGroup:
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


def _check_group(wg, group_id: int | None) -> None:
    if group_id is not None:
        group = db.session.get(NoteGroup, group_id)
        if group is None or group.wg_id != wg.id:
            raise PlanningError([_("That group is not on this board.")])


def move_note(actor, wg, note: Note, group_id: int | None) -> None:
    """Drag and drop: a move into another column is journaled; dropping it back where it was records nothing."""
    ensure_open(wg)
    _check_group(wg, group_id)
    with history.recording(actor, note):
        note.group_id = group_id
        db.session.flush()


def decide(actor, wg, notes: list[Note], assignee, due_date: date | None) -> list[Note]:
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
        with history.recording(actor, note):
            note.assignee_id, note.due_date = assignee.id, due_date
            group = f"（{note.group.name}）" if note.group else ""
            ticket = make_ticket(wg, actor, note.text.splitlines()[0], f"{note.text}\n\n付箋ボードから{group}",
                                 assignee.id, due_date)
            note.ticket_id = ticket.id
    db.session.flush()
    return notes
