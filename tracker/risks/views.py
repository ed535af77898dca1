"""A WG's risk register, its 5x5 matrix, and risks past their review date."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from tracker.core.translation import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from tracker.charter import health
from tracker.charter.services import phase_of
from tracker.core.i18n import local_today
from tracker.core.layout import WGTab
from tracker.core.services import commit_or_flash
from tracker.charter.lookup import in_wg
from tracker.extensions import db
from tracker.risks import queries, services
from tracker.risks.forms import CATEGORY_LABELS, RESPONSE_LABELS, RiskForm, IMPACT_LABELS, PROBABILITY_LABELS
from tracker.risks.models import Risk
from tracker.wg.views import load_wg
from tracker.core import policy

bp = Blueprint("risks", __name__)
blueprints = [bp]
wg_tabs = [WGTab("risks", _l("Risks"), "risks.index", order=40)]
health.register("risks_overdue", _l("Risks past review"), queries.overdue_counts,
                lambda wg: url_for("risks.index", identifier=wg.identifier))


def _form(wg, risk=None) -> RiskForm:
    form = RiskForm(obj=risk)
    form.owner_id.choices = [("", "—")] + [(m.user.id, m.user.name) for m in wg.members]
    return form


def _save(wg, form, risk=None):
    owner = next((m.user for m in wg.members if m.user.id == form.owner_id.data), None)
    return services.save_risk(
        current_user, risk, wg, title=form.title.data, category=form.category.data, probability=form.probability.data,
        impact=form.impact.data, response=form.response.data, next_review=form.next_review.data,
        description=form.description.data, response_plan=form.response_plan.data, owner=owner, closed=form.closed.data,
    )


@bp.route("/projects/<identifier>/risks", methods=["GET", "POST"])
@login_required
def index(identifier: str):
    wg = load_wg(identifier)
    can_manage = wg.allows(current_user, "manage_risks") and phase_of(wg) not in ("closed", "stopped")
    form = _form(wg)
    if form.is_submitted():
        if not can_manage:
            abort(403)
        if form.validate() and commit_or_flash(lambda: _save(wg, form), _("The risk was saved.")):
            return redirect(url_for(".index", identifier=wg.identifier))
    risks = db.session.scalars(select(Risk).where(Risk.wg_id == wg.id, policy.visible(Risk, current_user)).order_by(Risk.closed, Risk.next_review)).all()
    return render_template("risks/index.html", wg=wg, risks=risks, matrix=queries.matrix(risks), form=form,
                           can_manage=can_manage, today=local_today(), categories=CATEGORY_LABELS,
                           responses=RESPONSE_LABELS, probability_labels=PROBABILITY_LABELS, impact_labels=IMPACT_LABELS)


@bp.route("/projects/<identifier>/risks/<int:risk_id>", methods=["GET", "POST"])
@login_required
def edit(identifier: str, risk_id: int):
    wg = load_wg(identifier, "manage_risks")
    risk = in_wg(Risk, risk_id, wg)
    form = _form(wg, risk)
    if form.validate_on_submit() and commit_or_flash(lambda: _save(wg, form, risk), _("The risk was saved.")):
        return redirect(url_for(".index", identifier=wg.identifier))
    return render_template("risks/edit.html", wg=wg, risk=risk, form=form)  # the form names each level itself
