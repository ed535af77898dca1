"""Gantt pages (/gantt across WGs, /projects/<id>/gantt per WG) and the DX office's portfolio timeline.
The pages are complete without script: the SVG is drawn here; ``static/js/gantt.js`` adds dragging, which
posts to ``/api/v1/gantt/issues/<id>/schedule`` and re-reads ``/api/v1/gantt`` (tracker/gantt/api.py)."""
from __future__ import annotations


from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tracker.charter.policy import VIEW_PORTFOLIO
from tracker.core.i18n import current_language
from tracker.core.layout import NavItem, WGTab
from tracker.core.org_permissions import has_org_permission
from tracker.core.translation import gettext as _, lazy_gettext as _l
from tracker.core.urls import query_with
from tracker.extensions import db
from tracker.gantt import portfolio as timeline
from tracker.gantt.chart import build_gantt
from tracker.gantt.scale import ZOOM_LABELS, ZOOMS
from tracker.gantt.svg import chart_svg, labels_svg
from tracker.tickets.models import IssueStatus, SavedQuery, Tracker, Version
from tracker.wg.models import WorkingGroup
from tracker.wg.views import load_wg

bp = Blueprint("gantt", __name__)
blueprints = [bp]
nav_items = [
    NavItem("gantt.index", _l("Gantt chart"), order=35, section="/gantt"),
    NavItem("gantt.portfolio_timeline", _l("Portfolio timeline"), order=51, section="/portfolio/timeline",
            visible=lambda user: has_org_permission(user, VIEW_PORTFOLIO)),
]
wg_tabs = [WGTab("gantt", _l("Gantt chart"), "gantt.project_gantt", order=22,
                 visible=lambda wg, user: wg.allows(user, "view_issues"))]

# Parameters of the page itself, not of the ticket query: kept when the filters change, and the other way round.
VIEW_PARAMS = ("zoom", "from", "to")


def query_args() -> MultiDict:
    """The request's parameters, or a saved query's (``query_id``) with the page's own ones on top."""
    query_id = request.args.get("query_id", "")
    if not query_id.isdigit():
        return request.args
    saved = db.session.scalar(select(SavedQuery).where(SavedQuery.id == int(query_id), SavedQuery.visible(current_user)))
    if saved is None:
        abort(404)
    args = MultiDict()
    for key, values in (saved.params or {}).items():
        for value in values if isinstance(values, list) else [values]:
            args.add(key, value)
    for key in VIEW_PARAMS:
        if key in request.args:
            args[key] = request.args[key]
    return args



def _labels() -> dict:
    return {"names": _("Tickets and milestones"), "subject": _("Ticket"), "late": _("Late"),
            "chart": _("Timeline of the tickets, from start to due date"), "today": _("Today"),
            "critical": _("critical path")}


def _render(wg: WorkingGroup | None):
    args = query_args()
    gantt = build_gantt(current_user, args, wg=wg, language=current_language())
    for message in gantt.query.errors:
        flash(message, "error")
    if gantt.truncated:
        flash(_("The chart shows the first %(shown)d of %(total)d tickets: narrow the filters to see the rest.",
                shown=len(gantt.bars), total=gantt.total), "warning")
    labels = _labels()
    api = url_for("gantt_api.project_gantt", identifier=wg.identifier) if wg else url_for("gantt_api.gantt")
    read_only = wg is not None and not wg.allows(current_user, "edit_issues")
    visible_wgs = select(WorkingGroup.id).where(WorkingGroup.with_permission(current_user, "view_issues"))
    versions = select(Version).where(Version.wg_id.in_(visible_wgs)).order_by(Version.effective_date, Version.name)
    if wg is not None:
        versions = versions.where(Version.wg_id == wg.id)
    return render_template(
        "gantt/index.html", wg=wg, gantt=gantt, zooms=ZOOMS, zoom_labels=ZOOM_LABELS, url_with=query_with,
        labels_svg=Markup(labels_svg(gantt, labels)), chart_svg=Markup(chart_svg(gantt, labels, current_language())),
        api_url=api + query_with(), read_only=read_only, list_url=(
            url_for("tickets.project_index", identifier=wg.identifier) if wg else url_for("tickets.index")) + query_with(
            zoom=None, **{"from": None, "to": None}),
        trackers=list(db.session.scalars(select(Tracker).order_by(Tracker.position))),
        statuses=list(db.session.scalars(select(IssueStatus).order_by(IssueStatus.position))),
        versions=list(db.session.scalars(versions.limit(200))), args=args,
        saved_queries=list(db.session.scalars(select(SavedQuery).where(SavedQuery.visible(current_user, wg))
                                              .order_by(SavedQuery.name))),
    ), (422 if gantt.query.errors else 200)


@bp.get("/gantt")
@login_required
def index():
    return _render(None)


@bp.get("/projects/<identifier>/gantt")
@login_required
def project_gantt(identifier: str):
    return _render(load_wg(identifier, "view_issues"))


@bp.get("/portfolio/timeline")
@login_required
def portfolio_timeline():
    if not has_org_permission(current_user, VIEW_PORTFOLIO):
        abort(403)
    board = timeline.build_timeline(current_user, request.args, language=current_language())
    for message in board.errors:
        flash(message, "error")
    return render_template("gantt/portfolio.html", board=board,
                           svg=Markup(timeline.timeline_svg(board, current_language())),
                           api_url=url_for("gantt_api.portfolio_timeline") + query_with())
