"""Editing a journal's notes afterwards (who may: JournalPolicy in tracker.tickets.policy), as Redmine does: the author (``edit_own_issue_notes``) or anyone
allowed ``edit_issue_notes``. Redmine keeps no history of note edits, so the journal is just updated; a
journal whose notes are emptied and that has no details is deleted (Redmine 5)."""
from __future__ import annotations

from tracker.core import policy, textsearch
from tracker.core.services import ServiceError
from tracker.core.translation import gettext as _
from tracker.extensions import db
from tracker.tickets.models import Journal
from tracker.tickets.policy import editable_journal_ids
from tracker.tickets.services import index_journal


def visible_to(journal: Journal, user) -> bool:
    return policy.can(user, "view", journal)


def editable_by(journal: Journal, user) -> bool:
    return policy.can(user, "edit", journal)


def editable_ids(journals: list[Journal], wg, user) -> set[int]:
    """The ids of the journals (already filtered for visibility) whose notes ``user`` may edit."""
    return editable_journal_ids(journals, wg, user)


def update_notes(journal: Journal, user, notes, private_notes=None) -> Journal | None:
    """Change the notes (and, for those allowed ``set_notes_private``, whether they are private).

    Returns the journal, or None when it was deleted (emptied and without details). Permission is checked
    by the caller (views: 403/404); here only the input."""
    if not isinstance(notes, str):
        raise ServiceError([_("Notes must be text.")])
    if private_notes is not None and not isinstance(private_notes, bool):
        raise ServiceError([_("Private notes must be true or false.")])
    notes = notes.strip()
    if not notes and not journal.details:
        textsearch.remove_document("journal", journal.id)
        db.session.delete(journal)
        db.session.flush()
        return None
    journal.notes = notes
    if private_notes is not None and journal.ticket.wg.allows(user, "set_notes_private"):
        journal.private_notes = private_notes and bool(notes)
    if not notes:
        journal.private_notes = False
    db.session.flush()
    if notes and not journal.private_notes:
        index_journal(journal)
    else:
        textsearch.remove_document("journal", journal.id)
    return journal
