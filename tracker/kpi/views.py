"""The KPI register (as in Maebashi's table, behind in red), one KPI with its chart and measurements."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from tracker.core import policy
from tracker.core.requests import authorize, load
from tracker.core.translation import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required

from tracker.core.org_permissions import has_org_permission
from tracker.kpi.policy import MANAGE_KPIS
from tracker.charter import health
from tracker.core.fiscal import fiscal_year
from tracker.core.i18n import local_today
from tracker.core.layout import NavItem
from tracker.core.services import commit_or_flash
from tracker.kpi import chart, queries, services
from tracker.kpi.forms import KpiForm, MeasurementForm
from tracker.kpi.models import Kpi
from tracker.kpi.status import status
from tracker.wg.overview import OverviewPanel

bp = Blueprint("kpi", __name__)
blueprints = [bp]
nav_items = [NavItem("kpi.index", _l("KPIs"), order=52, section="/kpis")]
health.register("kpis_behind", _l("KPIs behind"), queries.behind_counts,
                lambda wg: url_for("quarterly.wg_quarterly", identifier=wg.identifier))

STATUS_LABELS = {"on_track": _l("On track"), "behind": _l("Behind"), "achieved": _l("Achieved"), "unknown": _l("No measurement")}


def _kpi_panel(wg, user) -> dict | None:
    kpis = queries.kpis_of(wg)
    if not kpis:
        return None
    today = local_today()
    return {"kpis": [(k, status(k, today), chart.sparkline(k)) for k in kpis], "labels": STATUS_LABELS}


overview_panels = [OverviewPanel("kpis", "kpi/_overview.html", _kpi_panel, order=30)]


@bp.app_template_filter("num")
def number(value) -> str:
    """A Decimal as people write it: 30, 37.8, 1,978 (no exponent, no trailing zeros)."""
    text = f"{value.normalize():,f}" if value is not None else ""
    return text


def _is_office(user) -> bool:
    # Defining a new KPI has no object to ask a policy about: it is the DX office's (an org role).
    return has_org_permission(user, MANAGE_KPIS)


@bp.get("/kpis")
@login_required
def index():
    today = local_today()
    kpis = queries.all_kpis()
    return render_template("kpi/index.html", kpis=kpis, status={k.id: status(k, today) for k in kpis},
                           labels=STATUS_LABELS, can_edit=_is_office(current_user))


@bp.route("/kpis/new", methods=["GET", "POST"])
@bp.route("/kpis/<int:kpi_id>/edit", methods=["GET", "POST"])
@login_required
def edit(kpi_id: int | None = None):
    if not _is_office(current_user):
        abort(403)
    kpi = load(Kpi, kpi_id) if kpi_id else None
    if kpi is not None:
        authorize("edit", kpi)
    form = KpiForm(obj=kpi)
    if form.validate_on_submit():
        saved = commit_or_flash(lambda: services.save_kpi(
            current_user, kpi, name=form.name.data, plan_priority=form.plan_priority.data, number=form.number.data or 0,
            unit=form.unit.data, target_value=form.target_value.data, target_label=form.target_label.data,
            target_fiscal_year=form.target_fiscal_year.data, baseline_value=form.baseline_value.data,
            baseline_date=form.baseline_date.data, measurement_interval_days=form.measurement_interval_days.data,
        ), _("The KPI was saved."))
        if saved:
            return redirect(url_for(".show", kpi_id=saved.id))
    return render_template("kpi/form.html", form=form, kpi=kpi)


@bp.route("/kpis/<int:kpi_id>", methods=["GET", "POST"])
@login_required
def show(kpi_id: int):
    kpi = load(Kpi, kpi_id)
    can_measure = policy.can(current_user, "measure", kpi)
    form = MeasurementForm()
    if form.is_submitted():
        if not can_measure:
            abort(403)
        if form.validate() and commit_or_flash(lambda: services.add_measurement(
            kpi, current_user, value=form.value.data, as_of=form.as_of.data, source=form.source.data,
            note=form.note.data, today=local_today(),
        ), _("The measurement was recorded.")):
            return redirect(url_for(".show", kpi_id=kpi.id))
    today = local_today()
    wgs = [link.wg for link in kpi.wg_links if link.wg.visible_to(current_user)]
    return render_template("kpi/show.html", kpi=kpi, form=form, can_measure=can_measure, wgs=wgs,
                           chart=chart.svg(kpi, kpi.name, described_by="kpi-chart-data"), chart_rows=chart.data_rows(kpi), state=status(kpi, today), labels=STATUS_LABELS,
                           can_edit=policy.can(current_user, "edit", kpi), fiscal_year_of=fiscal_year)
