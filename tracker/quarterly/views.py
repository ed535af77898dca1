"""A WG's KPIs and quarterly targets/actuals (WG tab), the fiscal-year report (screen, print, XLSX), and the
DX office's list of WGs without an actual after a quarter ended."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from tracker.core.translation import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from tracker.core.org_permissions import has_org_permission
from tracker.charter.policy import VIEW_PORTFOLIO
from tracker.charter import health
from tracker.charter.services import phase_of
from tracker.core.exports import send
from tracker.core.fiscal import fiscal_year, fiscal_year_label
from tracker.core.i18n import local_today
from tracker.core.layout import NavItem, WGTab
from tracker.core.services import commit_or_flash
from tracker.extensions import db
from tracker.kpi import queries as kpi_queries
from tracker.kpi.models import Kpi
from tracker.kpi.services import set_wg_kpis
from tracker.kpi.status import status as kpi_status
from tracker.kpi.views import STATUS_LABELS as KPI_STATUS
from tracker.quarterly import queries, services, xlsx
from tracker.quarterly.forms import STATUS_LABELS, EntryForm
from tracker.quarterly.models import QuarterlyEntry
from tracker.wg.models import WorkingGroup
from tracker.wg.views import load_wg

bp = Blueprint("quarterly", __name__)
blueprints = [bp]
nav_items = [NavItem("quarterly.report", _l("Quarterly report"), order=54, section="/quarterly")]
wg_tabs = [WGTab("quarterly", _l("KPIs and quarterly"), "quarterly.wg_quarterly", order=30)]
health.register("quarter_missing", _l("Quarter report missing"), queries.missing_counts,
                lambda wg: url_for("quarterly.wg_quarterly", identifier=wg.identifier))


def _year() -> int:
    year = request.args.get("year", "")
    return int(year) if year.isdigit() else fiscal_year(local_today())


@bp.route("/projects/<identifier>/quarterly", methods=["GET", "POST"])
@login_required
def wg_quarterly(identifier: str):
    wg = load_wg(identifier)
    year = _year()
    can_report = wg.allows(current_user, "report_quarterly") and phase_of(wg) not in ("closed", "stopped")
    form = EntryForm(fiscal_year=year)
    existing = None
    if request.method == "GET" and request.args.get("quarter", "").isdigit():
        # a cell's edit link: fill the form with that cell
        existing = db.session.scalar(select(QuarterlyEntry).where(
            QuarterlyEntry.wg_id == wg.id, QuarterlyEntry.initiative == request.args.get("initiative", ""),
            QuarterlyEntry.fiscal_year == year, QuarterlyEntry.quarter == int(request.args["quarter"])))
        form = EntryForm(obj=existing, fiscal_year=year, initiative=request.args.get("initiative", ""),
                         quarter=int(request.args["quarter"]))
    if form.is_submitted():
        if not can_report:
            abort(403)
        if form.validate() and commit_or_flash(lambda: services.save_entry(
            current_user, wg, initiative=form.initiative.data, fiscal_year=form.fiscal_year.data, quarter=form.quarter.data,
            target=form.target.data, actual=form.actual.data, status=form.status.data, today=local_today(),
        ), _("The quarterly entry was saved.")):
            return redirect(url_for(".wg_quarterly", identifier=wg.identifier, year=form.fiscal_year.data))
    today = local_today()
    kpis = kpi_queries.kpis_of(wg)
    return render_template(
        "quarterly/wg.html", wg=wg, year=year, rows=queries.grid(year, QuarterlyEntry.wg_id == wg.id), form=form,
        can_report=can_report, kpis=kpis, kpi_status={k.id: kpi_status(k, today) for k in kpis}, kpi_labels=KPI_STATUS,
        all_kpis=db.session.scalars(select(Kpi).order_by(Kpi.number)).all(), can_link=wg.allows(current_user, "edit_charter"),
        statuses=STATUS_LABELS, edit_cells=can_report, cell=existing,
    )


@bp.post("/projects/<identifier>/kpis")
@login_required
def link_kpis(identifier: str):
    wg = load_wg(identifier, "edit_charter")
    ids = [int(v) for v in request.form.getlist("kpi_ids") if v.isdigit()]
    commit_or_flash(lambda: set_wg_kpis(current_user, wg, ids), _("The WG's KPIs were saved."))
    return redirect(url_for(".wg_quarterly", identifier=wg.identifier))


@bp.get("/quarterly")
@login_required
def report():
    year = _year()
    rows = queries.grid(year, WorkingGroup.visible(current_user))
    return render_template("quarterly/report.html", year=year, rows=rows, statuses=STATUS_LABELS)


@bp.get("/quarterly.xlsx")
@login_required
def report_xlsx():
    year = _year()
    rows = queries.grid(year, WorkingGroup.visible(current_user))
    labels = {"wg": _("WG"), "initiative": _("Initiative"), "target": _("Target"), "actual": _("Actual")}
    data = xlsx.workbook(fiscal_year_label(year), rows, labels)
    # rows: one per initiative of a WG (the sheet gives each a target line and an actual line)
    return send(xlsx.QUARTERLY_REPORT, data, rows=len(rows), filename=f"quarterly-{year}.xlsx")


@bp.get("/quarterly/missing")
@login_required
def missing():
    if not has_org_permission(current_user, VIEW_PORTFOLIO):
        abort(403)
    quarter = queries.last_ended_quarter(local_today())
    return render_template("quarterly/missing.html", quarter=quarter, wgs=queries.wgs_missing_actual(quarter))
