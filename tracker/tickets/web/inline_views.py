"""Changing one attribute of a ticket from its page (status, assignee, priority, due date, progress), and the
small helpers of the ticket page's script: Markdown preview and the autocomplete lists.

Each attribute is a normal POST form that works without script; the script sends the same form with
``fetch`` and swaps in the parts of the page it gets back. The change goes through the ticket service
(workflow, ``lock_version``, journal, notifications) like the edit form's."""
from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm.exc import StaleDataError

from tracker.accounts.organisation import all_sections
from tracker.core.query import like_pattern
from tracker.core.services import ServiceError
from tracker.core.translation import gettext as _
from tracker.extensions import db
from tracker.tickets import services
from tracker.tickets.blueprint import bp
from tracker.tickets.fields import values as field_values, workflow
from tracker.tickets.models import Ticket
from tracker.tickets.web.forms import DONE_RATIO_CHOICES, TicketForm
from tracker.tickets.web.issue_views import _show_context, load_ticket
from tracker.wg.views import load_wg

INLINE_FIELDS = ("status_id", "assigned_to", "priority_id", "due_date", "done_ratio")


def inline_choices(ticket: Ticket, user) -> dict:
    """What each attribute form offers this user; a field the user may not change is left out."""
    editable = ticket.editable_by(user)
    statuses = workflow.allowed_for(user, ticket)
    has_children = bool(ticket.children)
    choices = {}
    if len(statuses) > 1:
        choices["status_id"] = [(str(s.id), s.name) for s in statuses]
    if editable:
        choices["assigned_to"] = [("", _("(nobody)"))] + [
            (f"user:{u.id}", u.name) for u in field_values.assignable_users(ticket.wg)] + [
            (f"section:{s.id}", f"{s.name}（{_('section')}）") for s in all_sections()]
        choices["priority_id"] = [(str(p.id), p.name) for p in field_values.active_priorities()]
        if not has_children:  # a parent's dates and progress are rolled up from its subtasks
            choices["due_date"] = None
            choices["done_ratio"] = DONE_RATIO_CHOICES
    return choices


def current_value(ticket: Ticket, name: str) -> str:
    if name == "assigned_to":
        return ticket.assignee_key or ""
    if name == "due_date":
        return ticket.due_date.isoformat() if ticket.due_date else ""
    return str(getattr(ticket, name) or (0 if name == "done_ratio" else ""))


def render_show(ticket: Ticket, status: int = 200, **extra):
    context = _show_context(ticket)
    context.update(form=extra.pop("form", None) or TicketForm(formdata=None), **extra)
    return render_template("tickets/show.html", **context), status


@bp.post("/issues/<int:ticket_id>/attribute")
@login_required
def update_attribute(ticket_id: int):
    ticket = load_ticket(ticket_id)
    name = request.form.get("field", "")
    choices = inline_choices(ticket, current_user)
    if name not in INLINE_FIELDS or name not in choices:
        return render_show(ticket, 403, inline={"field": name, "error": _("You may not change this.")})
    value = request.form.get("value", "")
    kept = {"field": name, "value": value}
    form = TicketForm()
    if not form.validate_on_submit():  # the CSRF token
        return render_show(ticket, 400, inline={**kept, "error": _("The form has expired. Please try again.")})
    try:
        journal = services.update_ticket(ticket, current_user, {name: value}, lock_version=request.form.get("lock_version"))
        db.session.commit()
    except (services.StaleTicketError, StaleDataError):
        db.session.rollback()
        db.session.expire_all()
        ticket = load_ticket(ticket_id)
        return render_show(ticket, 409, inline={**kept, "stale": True, "error": _(
            "Someone else changed this ticket meanwhile (see the history). Your choice is kept: save it again "
            "to apply it.")})
    except ServiceError as error:
        db.session.rollback()
        return render_show(ticket, 422, inline={**kept, "error": " ".join(str(m) for m in error.messages)})
    flash(_("The ticket was updated.") if journal else _("Nothing was changed."), "success" if journal else "info")
    if request.headers.get("X-Inline-Edit"):
        return render_show(db.session.get(Ticket, ticket_id), 200, inline={"field": name, "saved": True})
    return redirect(url_for(".show", ticket_id=ticket.id) + (f"#note-{journal.id}" if journal else ""))


# -- the script's helpers ----------------------------------------------------------------------------

@bp.post("/preview/markdown")
@login_required
def markdown_preview():
    """The text as the ticket page would show it (the app's sanitised Markdown); a POST, as the text may be long."""
    form = TicketForm()
    if not form.validate_on_submit():
        return _("The form has expired. Please try again."), 400
    return render_template("tickets/_preview.html", text=request.form.get("text", ""))


@bp.get("/issues/auto_complete")
@login_required
def ticket_auto_complete():
    """Tickets the user may see whose number or subject matches ``q`` ("#123 subject"), for the parent field
    and #references; ``project_id`` narrows to one WG."""
    q = (request.args.get("q") or request.args.get("term") or "").strip().lstrip("#")
    stmt = select(Ticket.id, Ticket.subject).where(Ticket.visible(current_user))
    if request.args.get("project_id"):
        stmt = stmt.where(Ticket.wg_id == load_wg(request.args["project_id"], "view_issues").id)
    if q:
        matches = [func.lower(Ticket.subject).like(like_pattern(q), escape="\\")]
        if q.isdigit():
            matches.append(cast(Ticket.id, String).like(f"{q}%"))
        stmt = stmt.where(or_(*matches))
    rows = db.session.execute(stmt.order_by(Ticket.id.desc()).limit(10)).all()
    return jsonify([{"id": row.id, "label": f"#{row.id} {row.subject}", "subject": row.subject} for row in rows])


@bp.get("/projects/<identifier>/auto_complete/users")
@login_required
def user_auto_complete(identifier: str):
    """The WG's active members matching ``q`` by name, reading or login, for @mentions."""
    wg = load_wg(identifier, "view_issues")
    q = (request.args.get("q") or "").strip().lower()
    people = [u for u in field_values.assignable_users(wg)
              if not q or q in (u.login or "").lower() or q in (u.name or "").lower() or q in (u.name_kana or "").lower()]
    return jsonify([{"id": u.id, "login": u.login, "name": u.name} for u in people[:10]])
