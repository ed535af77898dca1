"""What a planning note's history records: its text, its group (the column of the board: reordering within a
column changes nothing journaled) and the decision (who by when, the ticket it became)."""
from tracker.core import history
from tracker.core.translation import lazy_gettext as _l, lazy_pgettext as _lp
from tracker.extensions import db
from tracker.planning.models import Note, NoteGroup


def _group_name(group_id) -> str:
    group = db.session.get(NoteGroup, int(group_id))
    return group.name if group is not None else f"#{group_id}"


history.journaled(
    Note, "planning_note", _l("Planning note"),
    {"text": _lp("planning", "Note"), "group_id": _l("Group"), "assignee_id": _l("Assignee"), "due_date": _l("Due date"),
     "ticket_id": _l("Ticket")},
    display={"group_id": _group_name, "assignee_id": history.user_name, "ticket_id": lambda value: f"#{value}"},
)
