"""Administration pages: trackers, statuses, the workflow matrix (role × tracker), priorities and
activities, custom fields; and the per-WG ticket settings (categories, milestones, custom fields)."""
from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from tracker.core.translation import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from tracker.core.confirm import confirmation_page
from tracker.core.permissions import admin_required
from tracker.core.services import commit_or_flash
from tracker.extensions import db
from tracker.tickets.admin import audit as admin_audit, services as admin
from tracker.tickets.fields import workflow
from tracker.tickets.blueprint import bp
from tracker.tickets.fields.customfields import FORMATS
from tracker.tickets.models import (
    CustomField, CustomFieldWG, Enumeration, IssueCategory, IssuePriority, IssueStatus, TimeEntryActivity, Tracker, Version,
)
from tracker.wg.models import Role, WorkingGroup
from tracker.wg.views import load_wg


class CSRFForm(FlaskForm):
    """Only the CSRF check: these small admin forms read their few fields from request.form."""


def _trackers():
    return list(db.session.scalars(select(Tracker).order_by(Tracker.position, Tracker.id)))


def _posted() -> bool:
    return request.method == "POST" and CSRFForm().validate_on_submit()


# -- trackers -----------------------------------------------------------------------------------------

def _load_item(model, item_id: int | None):
    item = db.session.get(model, item_id) if item_id else None
    if item_id and item is None:
        abort(404)
    return item


def _save_or_delete(item, save, endpoint: str, **redirect_args):
    """The POST half of a small vocabulary page: delete the item, or save it; a redirect when it worked."""
    if not _posted():
        return None
    if request.form.get("action") == "delete" and item is not None:
        asking = confirmation_page(_("Delete %(name)s?", name=item.name), action_label=_("Delete"),
                                   details=_("This cannot be undone."),
                                   cancel_url=url_for(endpoint, item_id=item.id, **redirect_args))
        if asking:
            return asking
        done = commit_or_flash(lambda: admin.delete_vocabulary(item), _("Deleted."))
    else:
        done = commit_or_flash(save, _("Saved."))
    return redirect(url_for(endpoint, **redirect_args)) if done else None


@bp.route("/trackers", methods=["GET", "POST"])
@bp.route("/trackers/<int:item_id>", methods=["GET", "POST"])
@admin_required
def admin_trackers(item_id: int | None = None):
    item = _load_item(Tracker, item_id)
    f = request.form
    done = _save_or_delete(item, lambda: admin.save_tracker(item, f.get("name"), f.get("position"), f.get("default_status_id")),
                           ".admin_trackers")
    return done or render_template("tickets/admin/trackers.html", items=_trackers(), item=item,
                                   statuses=workflow.all_statuses(), active="trackers")


# -- statuses -----------------------------------------------------------------------------------------

@bp.route("/issue_statuses", methods=["GET", "POST"])
@bp.route("/issue_statuses/<int:item_id>", methods=["GET", "POST"])
@admin_required
def admin_statuses(item_id: int | None = None):
    item = _load_item(IssueStatus, item_id)
    f = request.form
    done = _save_or_delete(item, lambda: admin.save_status(item, f.get("name"), f.get("is_closed") == "1", f.get("position"),
                                                           f.get("default_done_ratio")), ".admin_statuses")
    return done or render_template("tickets/admin/statuses.html", items=workflow.all_statuses(), item=item, active="statuses")


# -- workflow -----------------------------------------------------------------------------------------

@bp.route("/workflows/edit", methods=["GET", "POST"])
@admin_required
def admin_workflow():
    roles = list(db.session.scalars(select(Role).order_by(Role.position, Role.name)))
    trackers = _trackers()
    statuses = workflow.all_statuses()
    if not roles or not trackers:
        return render_template("tickets/admin/workflow.html", roles=roles, trackers=trackers, statuses=statuses,
                               role=None, tracker=None, transitions=set(), active="workflow")
    role_id = request.values.get("role_id", type=int) or roles[0].id
    tracker_id = request.values.get("tracker_id", type=int) or trackers[0].id
    role = next((r for r in roles if r.id == role_id), None) or abort(404)
    tracker = next((t for t in trackers if t.id == tracker_id), None) or abort(404)
    if _posted():
        status_ids = {s.id for s in statuses}
        chosen = set()
        for value in request.form.getlist("transitions"):
            old, _sep, new = value.partition("-")
            if old.isdigit() and new.isdigit() and int(old) in status_ids and int(new) in status_ids:
                chosen.add((int(old), int(new)))
        if commit_or_flash(lambda: workflow.save_matrix(role.id, tracker.id, chosen), _("The workflow was saved.")):
            return redirect(url_for(".admin_workflow", role_id=role.id, tracker_id=tracker.id))
    return render_template("tickets/admin/workflow.html", roles=roles, trackers=trackers, statuses=statuses, role=role,
                           tracker=tracker, transitions=workflow.matrix(role.id, tracker.id), active="workflow")


# -- priorities and activities ------------------------------------------------------------------------

@bp.route("/enumerations", methods=["GET", "POST"])
@bp.route("/enumerations/<int:item_id>", methods=["GET", "POST"])
@admin_required
def admin_enumerations(item_id: int | None = None):
    item = _load_item(Enumeration, item_id)
    kind = item.type if item else request.values.get("type", "IssuePriority")
    if kind not in ("IssuePriority", "TimeEntryActivity"):
        abort(404)
    f = request.form
    done = _save_or_delete(item, lambda: admin.save_enumeration(kind, item, f.get("name"), f.get("position"),
                                                                f.get("is_default") == "1", f.get("active") == "1"),
                           ".admin_enumerations")
    return done or render_template(
        "tickets/admin/enumerations.html", item=item, kind=kind, active="enumerations",
        priorities=list(db.session.scalars(select(IssuePriority).order_by(IssuePriority.position))),
        activities=list(db.session.scalars(select(TimeEntryActivity).order_by(TimeEntryActivity.position))),
    )


# -- custom fields ------------------------------------------------------------------------------------

@bp.route("/custom_fields", methods=["GET"])
@admin_required
def admin_custom_fields():
    fields = list(db.session.scalars(select(CustomField).order_by(CustomField.position, CustomField.id)))
    return render_template("tickets/admin/custom_fields.html", fields=fields, formats=FORMATS, active="custom_fields")


@bp.route("/custom_fields/new", methods=["GET", "POST"])
@bp.route("/custom_fields/<int:field_id>/edit", methods=["GET", "POST"])
@admin_required
def admin_custom_field(field_id: int | None = None):
    field = db.session.get(CustomField, field_id) if field_id else None
    if field_id and field is None:
        abort(404)
    if _posted():
        f = request.form
        if f.get("action") == "delete" and field is not None:
            asking = confirmation_page(_("Delete %(name)s?", name=field.name), action_label=_("Delete"),
                                       details=_("Every value of this field on every ticket is deleted with it. "
                                                 "This cannot be undone."),
                                       cancel_url=url_for(".admin_custom_field", field_id=field.id))
            if asking:
                return asking
            admin_audit.record_deletion(field)
            db.session.delete(field)
            db.session.commit()
            return redirect(url_for(".admin_custom_fields"))
        if commit_or_flash(lambda: admin.save_custom_field(
            field, name=f.get("name"), field_format=f.get("field_format"), possible_values=f.get("possible_values", ""),
            multiple=f.get("multiple") == "1", is_required=f.get("is_required") == "1", is_for_all=f.get("is_for_all") == "1",
            is_filter=f.get("is_filter") == "1", searchable=f.get("searchable") == "1", default_value=f.get("default_value", ""),
            description=f.get("description", ""), position=f.get("position"), tracker_ids=f.getlist("tracker_ids"),
            wg_ids=f.getlist("wg_ids"),
        ), _("The custom field was saved.")):
            return redirect(url_for(".admin_custom_fields"))
    wgs = list(db.session.scalars(select(WorkingGroup).order_by(WorkingGroup.name)))
    return render_template("tickets/admin/custom_field_form.html", field=field, formats=FORMATS, trackers=_trackers(),
                           wgs=wgs, form=request.form if request.method == "POST" else None, active="custom_fields")


# -- per WG: categories, milestones, custom fields ---------------------------------------------------------

@bp.route("/projects/<identifier>/issue_settings", methods=["GET", "POST"])
@login_required
def wg_settings(identifier: str):
    wg = load_wg(identifier, "manage_categories")
    if _posted():
        f = request.form
        action = f.get("action")
        if action == "category":
            category = db.session.get(IssueCategory, f.get("id", type=int)) if f.get("id") else None
            if category is not None and category.wg_id != wg.id:
                abort(404)
            commit_or_flash(lambda: admin.save_category(wg, category, f.get("name")), _("Saved."))
        elif action == "delete_category":
            category = db.session.get(IssueCategory, f.get("id", type=int) or 0)
            if category is None or category.wg_id != wg.id:
                abort(404)
            db.session.delete(category)
            db.session.commit()
        elif action == "version":
            version = db.session.get(Version, f.get("id", type=int)) if f.get("id") else None
            if version is not None and version.wg_id != wg.id:
                abort(404)
            commit_or_flash(lambda: admin.save_version(wg, version, f.get("name"), f.get("effective_date"),
                                                       f.get("status", "open"), f.get("description", "")), _("Saved."))
        elif action == "custom_fields" and current_user.is_admin or action == "custom_fields" and wg.allows(current_user, "manage_wg"):
            chosen = {int(i) for i in f.getlist("custom_field_ids") if i.isdigit()}
            for field in db.session.scalars(select(CustomField).where(CustomField.is_for_all.is_(False))):
                link = db.session.get(CustomFieldWG, (field.id, wg.id))
                if field.id in chosen and link is None:
                    db.session.add(CustomFieldWG(custom_field_id=field.id, wg_id=wg.id))
                elif field.id not in chosen and link is not None:
                    db.session.delete(link)
            db.session.commit()
        return redirect(url_for(".wg_settings", identifier=wg.identifier))
    enabled = set(db.session.scalars(select(CustomFieldWG.custom_field_id).where(CustomFieldWG.wg_id == wg.id)))
    return render_template(
        "tickets/wg_settings.html", wg=wg,
        categories=list(db.session.scalars(select(IssueCategory).where(IssueCategory.wg_id == wg.id).order_by(IssueCategory.name))),
        versions=list(db.session.scalars(select(Version).where(Version.wg_id == wg.id).order_by(Version.effective_date, Version.name))),
        custom_fields=list(db.session.scalars(select(CustomField).order_by(CustomField.position))), enabled=enabled,
        can_fields=current_user.is_admin or wg.allows(current_user, "manage_wg"),
    )
