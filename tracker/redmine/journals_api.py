"""``PUT /journals/:id.json``: edit a journal's notes as Redmine does (204; emptied and without details:
deleted)."""
from __future__ import annotations

from tracker.api.helpers import no_content
from tracker.extensions import db
from tracker.redmine.common import body, bp, forbidden, not_found, user
from tracker.redmine.issues import commit
from tracker.tickets import notes
from tracker.tickets.models import Journal

# Redmine's clients send the flag as true/false, or as "1"/"0" (form-style).
FLAGS = {"1": True, "0": False, "true": True, "false": False}


@bp.put("/journals/<int:journal_id>.json")
def journal_update(journal_id: int):
    me = user()
    journal = db.session.get(Journal, journal_id)
    if journal is None or not notes.visible_to(journal, me):
        not_found()
    if not notes.editable_by(journal, me):
        forbidden()
    data = body("journal")
    private = data.get("private_notes")
    private = FLAGS.get(str(private).lower(), private) if isinstance(private, (str, int)) and not isinstance(private, bool) else private
    commit(lambda: notes.update_notes(journal, me, data.get("notes", journal.notes), private))
    return no_content()
