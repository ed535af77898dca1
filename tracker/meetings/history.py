"""What a meeting's history records: its fields, who attended and its action items."""
from tracker.core import history
from tracker.core.translation import lazy_gettext as _l
from tracker.meetings.models import Meeting

history.journaled(
    Meeting, "meeting", _l("Meeting"),
    {"title": _l("Title"), "held_on": _l("Date"), "starts_at": _l("Starts at"), "ends_at": _l("Ends at"),
     "location": _l("Location"), "attendees": _l("Attendees"), "agenda": _l("Agenda"), "minutes": _l("Minutes"),
     "decisions": _l("Decisions"), "action_items": _l("Action items")},
    values={"attendees": lambda m: [u.name for u in m.attendees],
            "action_items": lambda m: [a.title for a in m.action_items]},
)
