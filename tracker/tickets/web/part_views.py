"""The parts of one ticket, each changed by its own form on the ticket page: watchers, relations, files,
spent time and notes."""
from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from tracker.accounts.models import User
from tracker.core.requests import authorize, load, redirect_to
from tracker.core.services import commit_or_flash
from tracker.core.translation import gettext as _
from tracker.extensions import db
from tracker.tickets import attachments as files
from tracker.tickets import notes as journal_notes, relations, services, timelog
from tracker.tickets.blueprint import bp
from tracker.tickets.models import Attachment, Journal, TicketRelation, TimeEntry
from tracker.tickets.web.forms import JournalNotesForm, RelationForm, TimeEntryForm
from tracker.tickets.web.issue_views import load_ticket


@bp.post("/issues/<int:ticket_id>/watch")
@login_required
def watch(ticket_id: int):
    ticket = load_ticket(ticket_id)
    target = current_user
    if request.form.get("user_id", "").isdigit():
        target = db.session.get(User, int(request.form["user_id"])) or abort(404)
    watching = request.form.get("watch") == "1"
    commit_or_flash(lambda: services.set_watching(ticket, current_user, target, watching),
                    _("Watchers were updated."))
    return redirect(url_for(".show", ticket_id=ticket.id))


@bp.post("/issues/<int:ticket_id>/relations")
@login_required
def add_relation(ticket_id: int):
    ticket = load_ticket(ticket_id, "manage_issue_relations")
    form = RelationForm()
    form.relation_type.choices = [(k, str(v)) for k, v in relations.RELATION_LABELS.items()]
    if form.validate_on_submit():
        commit_or_flash(
            lambda: relations.add_relation(ticket, current_user, form.relation_type.data, form.issue_to_id.data, form.delay.data),
            _("The relation was added."),
        )
    return redirect(url_for(".show", ticket_id=ticket.id) + "#relations")


@bp.post("/relations/<int:relation_id>/delete")
@login_required
def delete_relation(relation_id: int):
    relation = db.session.get(TicketRelation, relation_id) or abort(404)
    ticket = load_ticket(int(request.form.get("ticket_id") or relation.issue_from_id))
    if ticket.id not in (relation.issue_from_id, relation.issue_to_id):
        abort(404)
    if not ticket.wg.allows(current_user, "manage_issue_relations"):
        abort(403)
    commit_or_flash(lambda: relations.remove_relation(relation, current_user), _("The relation was removed."))
    return redirect(url_for(".show", ticket_id=ticket.id) + "#relations")


@bp.get("/attachments/download/<int:attachment_id>/<path:filename>")
@bp.get("/attachments/download/<int:attachment_id>")
@login_required
def download(attachment_id: int, filename: str | None = None):
    attachment = load(Attachment, attachment_id)  # AttachmentPolicy
    return files.download(attachment, current_user)


@bp.post("/attachments/<int:attachment_id>/delete")
@login_required
def delete_attachment(attachment_id: int):
    attachment = load(Attachment, attachment_id)
    ticket = attachment.ticket
    if ticket is None:
        abort(404)
    authorize("delete", attachment)
    commit_or_flash(lambda: services.delete_attachment(attachment, current_user), _("The file was deleted."))
    return redirect(url_for(".show", ticket_id=ticket.id))


@bp.post("/issues/<int:ticket_id>/time_entries")
@login_required
def log_time(ticket_id: int):
    ticket = load_ticket(ticket_id, "log_time")
    form = TimeEntryForm()
    form.activity_id.choices = [(str(a.id), a.name) for a in timelog.activities()]
    if form.validate_on_submit():
        commit_or_flash(
            lambda: timelog.log_time(current_user, {
                "spent_on": form.spent_on.data, "hours": form.hours.data, "activity_id": form.activity_id.data,
                "comments": form.comments.data,
            }, ticket=ticket),
            _("The time was logged."),
        )
    return redirect(url_for(".show", ticket_id=ticket.id) + "#time")


@bp.post("/time_entries/<int:entry_id>/delete")
@login_required
def delete_time_entry(entry_id: int):
    entry = db.session.get(TimeEntry, entry_id) or abort(404)
    if entry.ticket is not None and not entry.ticket.visible_to(current_user):
        abort(404)
    commit_or_flash(lambda: timelog.delete_time_entry(entry, current_user), _("The time entry was deleted."))
    return redirect_to(request.form.get("back"), url_for(".show", ticket_id=entry.ticket_id))


@bp.get("/journals/<int:journal_id>")
@login_required
def journal(journal_id: int):
    entry = db.session.get(Journal, journal_id) or abort(404)
    ticket = load_ticket(entry.ticket_id)
    return redirect(url_for(".show", ticket_id=ticket.id) + f"#note-{entry.id}")


@bp.route("/journals/<int:journal_id>/edit", methods=["GET", "POST"])
@login_required
def edit_journal(journal_id: int):
    """Edit a note afterwards (Redmine's journals/edit); emptying a note without details deletes it."""
    entry = db.session.get(Journal, journal_id)
    if entry is None or not journal_notes.visible_to(entry, current_user):
        abort(404)
    if not journal_notes.editable_by(entry, current_user):
        abort(403)
    ticket = entry.ticket
    form = JournalNotesForm()
    if request.method == "GET":
        form.notes.data = entry.notes
        form.private_notes.data = entry.private_notes
    can_private = ticket.wg.allows(current_user, "set_notes_private")
    if form.validate_on_submit():
        private = bool(form.private_notes.data) if can_private else None
        if commit_or_flash(lambda: journal_notes.update_notes(entry, current_user, form.notes.data or "", private),
                           _("The notes were saved.")):
            anchor = f"#note-{journal_id}" if db.session.get(Journal, journal_id) is not None else ""
            return redirect(url_for(".show", ticket_id=ticket.id) + anchor)
    return render_template("tickets/journal_edit.html", ticket=ticket, wg=ticket.wg, journal=entry, form=form,
                           can_private=can_private)
