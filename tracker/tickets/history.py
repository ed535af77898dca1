"""What a ticket's history records, and how: through the one recorder (``tracker.core.history``), written in
Redmine's shape — a journal (notes) with details (property attr/cf/attachment/relation, prop_key, old_value,
value), which the REST API serves — plus the one audit row every journaled change gets.

A service wraps a change::

    with history.recording(user, ticket, notes=notes, private=private_notes) as change:
        ticket.subject = ...
        change.add("cf:3", "old", "new")          # a custom field value
        change.add("attachment:12", None, "a.pdf")  # a file added
    journal = change.result                         # None when nothing changed and no notes were given

Changes of the ticket's columns are named by the column ("subject": detail attr/subject); the others by
``property:prop_key``.
"""
from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy.orm.attributes import set_committed_value

from tracker.core import history
from tracker.core.translation import lazy_gettext as _l
from tracker.extensions import db
from tracker.tickets.models import Journal, JournalDetail, Ticket

# Ticket columns that are journaled, with their labels (Redmine's attr prop_keys).
ATTRIBUTES = {
    "wg_id": _l("WG"),
    "tracker_id": _l("Tracker"),
    "subject": _l("Subject"),
    "description": _l("Description"),
    "status_id": _l("Status"),
    "priority_id": _l("Priority"),
    "assigned_to_id": _l("Assignee"),
    "assigned_section_id": _l("Assignee (section)"),
    "category_id": _l("Category"),
    "fixed_version_id": _l("Milestone"),
    "start_date": _l("Start date"),
    "due_date": _l("Due date"),
    "estimated_hours": _l("Estimated time"),
    "done_ratio": _l("Progress"),
    "parent_id": _l("Parent ticket"),
    "is_private": _l("Private"),
}


def detail_value(value) -> str | None:
    """A recorded value as Redmine's journal details store it: text, booleans as "1"/"0"."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def detail_row(name: str, old, new) -> dict:
    """A ``journal_details`` row: a column ("subject") is attr/subject, another change ``property:prop_key``."""
    prop, _sep, key = name.partition(":")
    if not key:
        prop, key = "attr", name
    return {"property": prop, "prop_key": key, "old_value": detail_value(old), "value": detail_value(new)}


def touch(ticket: Ticket, now) -> None:
    """Set the ticket's updated_at to this change's time. Done before the ticket's UPDATE, it saves a second
    UPDATE (and a second lock_version increment) when the journal is written after it."""
    if ticket.updated_at != now:
        ticket.updated_at = now


def write_journal(change: history.Recording) -> Journal | None:
    """The writer of a ticket's change: its journal(s) and details, then its one audit row.

    Private notes given with field changes get a journal of their own (as Redmine splits them), so that the
    field changes stay visible to everyone. Returns the journal holding the notes (the last one). A creation
    has no journal in Redmine; it gets only its audit row."""
    if change.created:
        history.write_audit(change)
        return None
    ticket = change.obj
    details = [detail_row(*triple) for triple in change.changes]
    notes = change.notes or ""
    fields = {"ticket": ticket, "user_id": change.actor.id, "created_at": change.now}
    if change.private and notes and details:
        journals = [Journal(**fields, notes="", private_notes=False), Journal(**fields, notes=notes, private_notes=True)]
    else:
        journals = [Journal(**fields, notes=notes, private_notes=bool(change.private and notes))]
    touch(ticket, change.now)
    db.session.add_all(journals)
    if details:
        # The details as ONE executemany statement (the ORM sends one INSERT per row on SQLite, also in its bulk mode when values are None);
        # the journal's id is needed first. Its ``details`` are read again when shown.
        db.session.flush()
        db.session.execute(insert(JournalDetail.__table__), [dict(row, journal_id=journals[0].id) for row in details])
        db.session.expire(journals[0], ["details"])
    for journal in journals:
        if journal is not journals[0] or not details:
            set_committed_value(journal, "details", [])  # none: no query to find out
    history.write_audit(change)
    return journals[-1]


history.journaled(Ticket, "ticket", _l("Ticket"), ATTRIBUTES,
                  display={"assigned_to_id": history.user_name, "is_private": history.yes_no},
                  writer=write_journal)
