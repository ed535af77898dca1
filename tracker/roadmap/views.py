"""Roadmap pages: a WG's milestones (/projects/<id>/roadmap), every visible WG's open milestones (/roadmap),
and one milestone with its burndown (/versions/<id>/roadmap). The JSON is in tracker/roadmap/api.py."""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select

from tracker.core import policy
from tracker.core.i18n import local_today
from tracker.core.layout import NavItem, WGTab
from tracker.core.requests import load
from tracker.core.translation import gettext as _, lazy_gettext as _l
from tracker.extensions import db
from tracker.roadmap.chart import burndown_svg
from tracker.roadmap.progress import progress_of, version_wg
from tracker.tickets.models import Version
from tracker.wg.models import WorkingGroup
from tracker.wg.views import load_wg

bp = Blueprint("roadmap", __name__)
blueprints = [bp]
nav_items = [NavItem("roadmap.index", _l("Roadmap"), order=36, section="/roadmap")]
wg_tabs = [WGTab("roadmap", _l("Roadmap"), "roadmap.project_roadmap", order=23,
                 visible=lambda wg, user: wg.allows(user, "view_issues"))]


def versions_of(user, wg: WorkingGroup | None, include_closed: bool) -> list[Version]:
    stmt = select(Version).where(policy.visible(Version, user))
    if wg is not None:
        stmt = stmt.where(Version.wg_id == wg.id)
    if not include_closed:
        stmt = stmt.where(Version.status != "closed")
    return list(db.session.scalars(stmt.order_by(Version.effective_date.is_(None), Version.effective_date, Version.name)))


def _list(wg: WorkingGroup | None):
    include_closed = request.args.get("completed") == "1"
    today = local_today()
    rows = [progress_of(current_user, v, today=today, with_burndown=False) for v in versions_of(current_user, wg, include_closed)]
    wgs = {w.id: w for w in db.session.scalars(select(WorkingGroup).where(
        WorkingGroup.id.in_({r.version.wg_id for r in rows})))} if rows else {}
    api = url_for("roadmap_api.project_roadmap", identifier=wg.identifier) if wg else url_for("roadmap_api.roadmap")
    return render_template("roadmap/index.html", wg=wg, rows=rows, wgs=wgs, include_closed=include_closed, api_url=api)


@bp.get("/roadmap")
@login_required
def index():
    return _list(None)


@bp.get("/projects/<identifier>/roadmap")
@login_required
def project_roadmap(identifier: str):
    return _list(load_wg(identifier, "view_issues"))


@bp.get("/versions/<int:version_id>/roadmap")
@login_required
def version(version_id: int):
    version = load(Version, version_id)
    mode = "hours" if request.args.get("mode") == "hours" else "tickets"
    progress = progress_of(current_user, version)
    labels = {"title": _("Burndown: remaining open hours per day") if mode == "hours" else
              _("Burndown: remaining open tickets per day"), "due": _("Milestone date"), "today": _("Today"),
              "ideal": _("Ideal line"), "actual": _("Remaining")}
    svg = burndown_svg(progress.burndown, mode, labels, due=version.effective_date, today=progress.today)
    return render_template("roadmap/version.html", wg=version_wg(version), progress=progress, version=version,
                           mode=mode, svg=Markup(svg),
                           api_url=url_for("roadmap_api.version_roadmap", version_id=version.id))
