"""The audit log's search page and its CSV export, for auditors and administrators (view_audit_log)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, abort, render_template, request, stream_with_context, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.routing import BuildError

from tracker.audit import exports, services
from tracker.audit.policy import VIEW_AUDIT_LOG
from tracker.audit.queries import (AuditFilter, AuditQuery, Labels, actions_by_category, actor_names, latest_id,
                                   local_time, object_types)
from tracker.core.audit import AuditEntry
from tracker.core.layout import AdminTab, NavItem
from tracker.core.org_permissions import has_org_permission
from tracker.core.requests import perform
from tracker.core.translation import lazy_gettext as _l
from tracker.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")
blueprints = [bp]
nav_items = [NavItem("audit.index", _l("Audit log"), order=95, section="/admin/audit",
                     visible=lambda user: has_org_permission(user, VIEW_AUDIT_LOG))]
admin_tabs = [AdminTab("audit", _l("Audit log"), "audit.index", order=90,
                       description=_l("Who changed what and when; search and export"))]

# Object type → the page of that object, from its id and its WG's identifier (None: no page to link to).
OBJECT_PAGES = {
    "kpi": lambda object_id, wg: url_for("kpi.show", kpi_id=object_id),
    "tickets": lambda object_id, wg: url_for("tickets.show", ticket_id=object_id),
    "wg": lambda object_id, wg: url_for("wg.show", identifier=wg) if wg else None,
    "working_groups": lambda object_id, wg: url_for("wg.show", identifier=wg) if wg else None,
    "meeting": lambda object_id, wg: url_for("meetings.show", identifier=wg, meeting_id=object_id) if wg else None,
    "risk": lambda object_id, wg: url_for("risks.edit", identifier=wg, risk_id=object_id) if wg else None,
}


@dataclass
class ShownEntry:
    entry: AuditEntry
    time: str
    actor: str
    action: str
    object_label: str
    object_url: str | None
    changes: str


def _require_permission() -> None:
    if not has_org_permission(current_user, VIEW_AUDIT_LOG):
        abort(403)


def _wg_identifiers(entries) -> dict[int, str]:
    from tracker.wg.models import WorkingGroup

    ids = {e.wg_id for e in entries if e.wg_id} | {e.object_id for e in entries if e.object_type in ("wg", "working_groups") and e.object_id}
    if not ids:
        return {}
    return dict(db.session.execute(select(WorkingGroup.id, WorkingGroup.identifier).where(WorkingGroup.id.in_(ids))).all())


def _object_url(entry: AuditEntry, identifiers: dict[int, str]) -> str | None:
    builder = OBJECT_PAGES.get(entry.object_type or "")
    if builder is None or not entry.object_id:
        return None
    wg_id = entry.object_id if entry.object_type in ("wg", "working_groups") else entry.wg_id
    try:
        return builder(entry.object_id, identifiers.get(wg_id))
    except BuildError:
        return None


def _shown(entries) -> list[ShownEntry]:
    names = actor_names(e.actor_id for e in entries)
    identifiers = _wg_identifiers(entries)
    labels = Labels()
    shown = []
    for e in entries:
        name = names.get(e.actor_id)
        actor = f"{name} ({e.actor_login})" if name and e.actor_login else (name or e.actor_login or "")
        kind = labels.object_type(e.object_type)
        label = f"{kind} #{e.object_id}" if e.object_id else kind
        shown.append(ShownEntry(e, local_time(e.created_at), actor, labels.action(e.action), label,
                                _object_url(e, identifiers), labels.changes(e.object_type, e.changes)))
    return shown


def _render(audit_filter: AuditFilter, page=None):
    from tracker.accounts.models import User

    users = db.session.execute(select(User.login, User.name).order_by(User.login)).all()
    return render_template(
        "audit/index.html", filter=audit_filter, raw=audit_filter.raw, page=page,
        entries=_shown(page.entries) if page else [], action_groups=actions_by_category(),
        object_types=object_types(), users=users,
    ), (422 if audit_filter.errors else 200)


@bp.get("")
@login_required
def index():
    _require_permission()
    audit_filter = AuditFilter.from_args(request.args)
    page = None if audit_filter.errors else AuditQuery(audit_filter).page()
    return _render(audit_filter, page)


@bp.post("/export.csv")
@login_required
def export_csv():
    """The entries of the filter as CSV. A POST: the export is itself recorded in the log, and a GET never writes."""
    _require_permission()
    audit_filter = AuditFilter.from_args(request.form)
    audit_filter.before = None  # the export is the whole selection, not one page of it
    if audit_filter.errors:
        return _render(audit_filter)
    # The rows up to now: the count in the log's entry is the number of rows in the file.
    query = AuditQuery(audit_filter, upto_id=latest_id())
    rows = query.count()
    perform(lambda: services.record_export(current_user, audit_filter, rows))
    return Response(stream_with_context(exports.csv_chunks(query)), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'})
