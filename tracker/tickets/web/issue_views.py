"""One ticket: new, show, edit (with the conflict screen), copy, delete. Its parts (watchers, relations, files,
time, notes) have their forms in ``part_views``."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from tracker.core.translation import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from tracker.accounts.models import User
from tracker.accounts.organisation import all_sections
from tracker.core import policy
from tracker.core.requests import load
from tracker.core.i18n import local_today
from tracker.core.services import ServiceError, commit_or_flash
from tracker.extensions import db
from tracker.tickets import attachments as files
from tracker.tickets import notes as journal_notes, relations, services, thumbnails, timelog
from tracker.tickets.fields import customfields, rules, values as field_values, workflow
from tracker.tickets.blueprint import bp
from tracker.tickets.web.forms import RelationForm, TicketForm, TimeEntryForm
from tracker.tickets.journals import visible_journals
from tracker.tickets.web.presenters import DetailFormatter
from tracker.tickets.models import (
    IssueCategory, IssuePriority, Ticket, TimeEntry, Tracker, Version,
)
from tracker.wg.models import WorkingGroup
from tracker.wg.views import load_wg


def load_ticket(ticket_id: int, permission: str | None = None) -> Ticket:
    """The ticket: 404 when missing or hidden (TicketPolicy); 403 without ``permission`` in its WG."""
    ticket = load(Ticket, ticket_id, options=Ticket.with_references())
    if permission is not None and not ticket.wg.allows(current_user, permission):
        abort(403)
    return ticket


# -- the form --------------------------------------------------------------------------------------

def _choices(wg: WorkingGroup, ticket: Ticket | None, form: TicketForm, tracker_id: int | None) -> None:
    blank = [("", "")]
    form.tracker_id.choices = [(str(t.id), t.name) for t in db.session.scalars(select(Tracker).order_by(Tracker.position))]
    current_status = ticket.status_id if ticket is not None and ticket.id else None
    tracker_id = tracker_id or (int(form.tracker_id.choices[0][0]) if form.tracker_id.choices else 0)
    form.status_id.choices = [(str(s.id), s.name) for s in workflow.allowed_statuses(current_user, wg.id, tracker_id, current_status)]
    form.priority_id.choices = [(str(p.id), p.name) for p in field_values.active_priorities()]
    form.assigned_to.choices = blank + [(f"user:{u.id}", u.name) for u in field_values.assignable_users(wg)] + [
        (f"section:{s.id}", f"{s.name}（{_('section')}）") for s in all_sections()
    ]
    form.category_id.choices = blank + [
        (str(c.id), c.name) for c in db.session.scalars(select(IssueCategory).where(IssueCategory.wg_id == wg.id).order_by(IssueCategory.name))
    ]
    versions = db.session.scalars(select(Version).where(Version.wg_id == wg.id).order_by(Version.effective_date, Version.name))
    form.fixed_version_id.choices = blank + [
        (str(v.id), v.name) for v in versions if v.status == "open" or (ticket is not None and v.id == ticket.fixed_version_id)
    ]


def _form_for(wg: WorkingGroup, ticket: Ticket | None) -> TicketForm:
    form = TicketForm()
    if request.method == "GET" and ticket is not None:
        form.tracker_id.data = str(ticket.tracker_id or "")
        form.subject.data = ticket.subject
        form.description.data = ticket.description
        form.status_id.data = str(ticket.status_id or "")
        form.priority_id.data = str(ticket.priority_id or "")
        form.assigned_to.data = ticket.assignee_key
        form.category_id.data = str(ticket.category_id or "")
        form.fixed_version_id.data = str(ticket.fixed_version_id or "")
        form.parent_id.data = str(ticket.parent_id or "")
        form.start_date.data = ticket.start_date.isoformat() if ticket.start_date else ""
        form.due_date.data = ticket.due_date.isoformat() if ticket.due_date else ""
        form.estimated_hours.data = "" if ticket.estimated_hours is None else str(ticket.estimated_hours.normalize())
        form.done_ratio.data = str(ticket.done_ratio or 0)
        form.is_private.data = ticket.is_private
        if ticket.id:
            form.lock_version.data = str(ticket.lock_version)
            form.last_journal_id.data = str(ticket.journals[-1].id if ticket.journals else 0)
    tracker_id = form.tracker_id.data if str(form.tracker_id.data or "").isdigit() else None
    _choices(wg, ticket, form, int(tracker_id) if tracker_id else (ticket.tracker_id if ticket else None))
    if request.method == "GET" and ticket is None:
        default = db.session.scalar(select(IssuePriority).where(IssuePriority.is_default.is_(True)))
        form.priority_id.data = str(default.id) if default else None
    return form


def _custom_field_inputs(wg_id: int, tracker_id: int | None, ticket: Ticket | None) -> list[tuple]:
    """(field, chosen values) for the form; after a refused POST the typed values are kept."""
    if not tracker_id:
        return []
    stored = customfields.values_of(ticket) if ticket is not None and ticket.id else {}
    inputs = []
    for field in customfields.fields_for(wg_id, tracker_id):
        if request.method == "POST":
            chosen = [v for v in request.form.getlist(f"cf_{field.id}") if v != ""]
        elif ticket is not None:
            chosen = stored.get(field.id, []) or (getattr(ticket, "_copied_cf", {}) or {}).get(str(field.id), [])
        else:
            chosen = [field.default_value] if field.default_value else []
        inputs.append((field, chosen))
    return inputs


def _values_from(form: TicketForm, wg: WorkingGroup, tracker_id: int | None, has_children: bool = False) -> dict:
    values = {
        "tracker_id": form.tracker_id.data, "subject": form.subject.data, "description": form.description.data,
        "status_id": form.status_id.data, "priority_id": form.priority_id.data, "assigned_to": form.assigned_to.data,
        "category_id": form.category_id.data, "fixed_version_id": form.fixed_version_id.data,
        "parent_id": form.parent_id.data, "is_private": form.is_private.data,
    }
    if not has_children:  # a parent's derived fields are rolled up from its subtasks
        values.update({name: getattr(form, name).data for name in rules.DERIVED})
    if tracker_id:
        values["custom_fields"] = {
            str(f.id): [v for v in request.form.getlist(f"cf_{f.id}") if v != ""]
            for f in customfields.fields_for(wg.id, tracker_id)
        }
    return values


def _uploads() -> list:
    return [u for u in (files.upload_from_storage(s) for s in request.files.getlist("attachments")) if u is not None]


def _users_by_id(ids) -> dict:
    ids = {int(i) for i in ids if str(i).isdigit()}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}


# -- new ---------------------------------------------------------------------------------------------

def _creatable_wgs() -> list[WorkingGroup]:
    return list(db.session.scalars(
        select(WorkingGroup).where(WorkingGroup.with_permission(current_user, "add_issues")).order_by(WorkingGroup.name)
    ))


@bp.route("/issues/new", methods=["GET", "POST"])
@bp.route("/projects/<identifier>/issues/new", methods=["GET", "POST"])
@login_required
def new(identifier: str | None = None):
    if identifier is None:
        wgs = _creatable_wgs()
        if not wgs:
            abort(403)
        chosen = request.values.get("project_id")
        wg = next((w for w in wgs if str(w.id) == chosen or w.identifier == chosen), wgs[0])
    else:
        wg = load_wg(identifier, "add_issues")
        wgs = None
    copy_from = None
    if request.values.get("copy_from", "").isdigit():
        copy_from = load_ticket(int(request.values["copy_from"]))
    prefill = None
    if request.method == "GET" and copy_from is not None:
        prefill = Ticket(**{k: v for k, v in services.values_of(copy_from).items() if k != "custom_fields"})
        prefill._copied_cf = services.values_of(copy_from)["custom_fields"]
        prefill.subject = copy_from.subject
        prefill.done_ratio = copy_from.done_ratio
        if prefill.status_id and prefill.status_id not in {s.id for s in workflow.allowed_statuses(
                current_user, wg.id, copy_from.tracker_id, None)}:
            prefill.status_id = None
    form = _form_for(wg, prefill)
    if request.method == "GET":
        if request.args.get("parent_id", "").isdigit():
            form.parent_id.data = request.args["parent_id"]
        if request.args.get("tracker_id", "").isdigit():
            form.tracker_id.data = request.args["tracker_id"]
            _choices(wg, prefill, form, int(request.args["tracker_id"]))
    tracker_id = int(form.tracker_id.data) if str(form.tracker_id.data or "").isdigit() else None
    if request.method == "POST" and "1" not in request.form.getlist("refresh") and form.validate_on_submit():
        values = _values_from(form, wg, tracker_id)
        watcher_ids = [i for i in request.form.getlist("watcher_ids") if i.isdigit()]
        if copy_from is not None:
            change = lambda: services.copy_ticket(  # noqa: E731
                copy_from, current_user, wg, values, copy_attachments=bool(request.form.get("copy_attachments")),
                copy_subtasks=bool(request.form.get("copy_subtasks")), link=bool(request.form.get("link_copy")),
            )
        else:
            change = lambda: services.create_ticket(current_user, wg, values, uploads=_uploads(), watcher_ids=watcher_ids)  # noqa: E731
        ticket = commit_or_flash(change, _("The ticket was created."))
        if ticket:
            if request.form.get("continue"):
                return redirect(url_for(".new", identifier=wg.identifier, tracker_id=ticket.tracker_id))
            return redirect(url_for(".show", ticket_id=ticket.id))
    return render_template(
        "tickets/new.html", wg=wg, wgs=wgs, form=form, copy_from=copy_from,
        custom_inputs=_custom_field_inputs(wg.id, tracker_id, prefill), users=_users_by_id([]),
        members=field_values.assignable_users(wg), max_mb=current_app.config["MAX_ATTACHMENT_BYTES"] // (1024 * 1024),
    )


# -- show ----------------------------------------------------------------------------------------------

def _visible_ancestors(ticket: Ticket, user) -> list[Ticket]:
    shown = []
    for ancestor in relations.ancestors(ticket):
        if not policy.can(user, "view", ancestor):
            break
        shown.append(ancestor)
    return shown


def _show_context(ticket: Ticket) -> dict:
    from tracker.tickets.web.inline_views import current_value, inline_choices
    from tracker.tickets.web.list_views import options_html

    user = current_user
    wg = ticket.wg
    journals = visible_journals(ticket, user)
    cf_values = customfields.values_of(ticket)
    fields = customfields.fields_for(ticket.wg_id, ticket.tracker_id)
    cf_users = _users_by_id([v for f in fields if f.field_format == "user" for v in cf_values.get(f.id, [])])
    spent = timelog.spent_hours([ticket.id]).get(ticket.id)
    children = [c for c in db.session.scalars(select(Ticket).where(Ticket.parent_id == ticket.id).order_by(Ticket.id))
                if c.visible_to(user)]
    relation_form = RelationForm(formdata=None)
    relation_form.relation_type.choices = [(k, str(v)) for k, v in relations.RELATION_LABELS.items()]
    time_form = TimeEntryForm(formdata=None)
    time_form.activity_id.choices = [(str(a.id), a.name) for a in timelog.activities()]
    time_form.spent_on.data = local_today().isoformat()
    return {
        "ticket": ticket, "wg": wg, "journals": journals, "formatter": DetailFormatter(journals),
        "editable_notes": journal_notes.editable_ids(journals, wg, user),
        "custom_fields": [(f, customfields.display(f, cf_values.get(f.id, []), cf_users)) for f in fields],
        "spent_hours": spent, "children": children,
        "relations": relations.visible_relations_of(ticket, user),
        "relation_form": relation_form, "time_form": time_form,
        "time_entries": list(db.session.scalars(
            select(TimeEntry).where(TimeEntry.ticket_id == ticket.id).order_by(TimeEntry.spent_on.desc()).limit(20))),
        "watching": services.is_watching(ticket, user),
        "watchers": [w.user for w in ticket.watchers],
        "members": field_values.assignable_users(wg),
        # a hidden ancestor (a private parent) is not named, nor anything above it
        "ancestors": list(reversed(_visible_ancestors(ticket, user))),
        "relation_labels": relations.RELATION_LABELS,
        "inline_choices": inline_choices(ticket, user), "current_value": current_value, "options_html": options_html,
        "inline": None, "preview": None, "can_preview": thumbnails.can_preview, "max_mb": current_app.config["MAX_ATTACHMENT_BYTES"] // (1024 * 1024),
        "can": {
            "edit": ticket.editable_by(user), "note": ticket.notable_by(user),
            "delete": wg.allows(user, "delete_issues"), "relate": wg.allows(user, "manage_issue_relations"),
            "watchers": wg.allows(user, "add_issue_watchers"), "log_time": wg.allows(user, "log_time"),
            "view_time": wg.allows(user, "view_time_entries"), "private_notes": wg.allows(user, "set_notes_private"),
            "add": wg.allows(user, "add_issues"),
            "status": len(workflow.allowed_for(user, ticket)) > 1,
        },
    }


@bp.get("/issues/<int:ticket_id>")
@login_required
def show(ticket_id: int):
    ticket = load_ticket(ticket_id)
    context = _show_context(ticket)
    context.update(form=TicketForm(formdata=None))  # the notes form at the bottom
    return render_template("tickets/show.html", **context)


# -- edit ----------------------------------------------------------------------------------------------

@bp.route("/issues/<int:ticket_id>/edit", methods=["GET", "POST"])
@login_required
def edit(ticket_id: int):
    ticket = load_ticket(ticket_id)
    if not (ticket.editable_by(current_user) or ticket.notable_by(current_user)
            or len(workflow.allowed_for(current_user, ticket)) > 1):
        abort(403)
    form = _form_for(ticket.wg, ticket)
    tracker_id = int(form.tracker_id.data) if str(form.tracker_id.data or "").isdigit() else ticket.tracker_id
    conflict = None
    status = 200
    previews = None
    if request.method == "POST" and request.form.get("preview") == "1":
        # プレビュー without script: the same form again, nothing saved, the text kept and shown rendered
        if request.form.get("notes_only") == "1":
            from tracker.tickets.web.inline_views import render_show

            return render_show(ticket, form=form, preview=form.notes.data or "")
        previews = {"description": form.description.data or "", "notes": form.notes.data or ""}
    elif request.method == "POST" and "1" not in request.form.getlist("refresh") and form.validate_on_submit():
        has_children = bool(ticket.children)
        if ticket.editable_by(current_user) and request.form.get("notes_only") != "1":
            values = _values_from(form, ticket.wg, tracker_id, has_children)
        elif request.form.get("notes_only") != "1" and form.status_id.data:
            values = {"status_id": form.status_id.data}
        else:
            values = {}
        lock_version = form.lock_version.data or None
        if request.form.get("conflict_resolution") == "add_notes":
            values, lock_version = {}, None
        try:
            journal = services.update_ticket(
                ticket, current_user, values, notes=form.notes.data, private_notes=form.private_notes.data,
                lock_version=lock_version, uploads=_uploads(),
            )
            db.session.commit()
        except (services.StaleTicketError, StaleDataError):
            # Someone saved the ticket after this form was opened, or while this request was writing it.
            db.session.rollback()
            conflict = _conflict(ticket, form)
            status = 409
        except ServiceError as error:
            db.session.rollback()
            for message in error.messages:
                flash(message, "error")
            status = 422
        else:
            flash(_("The ticket was updated.") if journal else _("Nothing was changed."), "success" if journal else "info")
            return redirect(url_for(".show", ticket_id=ticket.id) + (f"#note-{journal.id}" if journal else ""))
    return render_template(
        "tickets/edit.html", ticket=ticket, wg=ticket.wg, form=form, conflict=conflict, previews=previews,
        custom_inputs=_custom_field_inputs(ticket.wg_id, tracker_id, ticket),
        can={"edit": ticket.editable_by(current_user), "private_notes": ticket.wg.allows(current_user, "set_notes_private")},
        max_mb=current_app.config["MAX_ATTACHMENT_BYTES"] // (1024 * 1024), has_children=bool(ticket.children),
    ), status


def _conflict(ticket: Ticket, form: TicketForm) -> dict:
    """What the other person changed since the form was opened; the form keeps what this user typed and
    now carries the current version, so saving again is a deliberate choice."""
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket.id)
    since = int(form.last_journal_id.data) if str(form.last_journal_id.data or "").isdigit() else 0
    journals = [j for j in visible_journals(ticket, current_user) if j.id > since]
    form.lock_version.data = str(ticket.lock_version)
    form.last_journal_id.data = str(ticket.journals[-1].id if ticket.journals else 0)
    return {"journals": journals, "formatter": DetailFormatter(journals)}


# -- copy, delete ---------------------------------------------------------------------------------------

@bp.get("/issues/<int:ticket_id>/copy")
@login_required
def copy(ticket_id: int):
    ticket = load_ticket(ticket_id, "add_issues")
    return redirect(url_for(".new", identifier=ticket.wg.identifier, copy_from=ticket.id))


@bp.post("/issues/<int:ticket_id>/delete")
@login_required
def delete(ticket_id: int):
    ticket = load_ticket(ticket_id, "delete_issues")
    identifier = ticket.wg.identifier
    if commit_or_flash(lambda: services.delete_ticket(ticket, current_user), _("The ticket was deleted.")):
        return redirect(url_for(".project_index", identifier=identifier))
    return redirect(url_for(".show", ticket_id=ticket_id))
