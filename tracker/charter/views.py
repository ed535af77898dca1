"""Charter page and editing, gate decisions, close-out, and the DX office's portfolio board."""
from __future__ import annotations

from datetime import date

from tracker.core.org_permissions import has_org_permission
from tracker.charter.policy import VIEW_PORTFOLIO
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from tracker.core.translation import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from tracker.accounts.models import Section, User
from tracker.charter import health, rules, services
from tracker.charter import tickets as ticket_links
from tracker.charter.forms import CharterForm, CloseoutForm, GateForm
from tracker.charter.labels import DECISION_LABELS, EVALUATION_LABELS, ITEM_LABELS, ORIGIN_LABELS, PHASE_LABELS
from tracker.charter.models import LEADER, NEXT_PHASE, PHASES, RESPONSIBLE, GateDecision
from tracker.core.layout import NavItem, WGTab
from tracker.core.services import commit_or_flash
from tracker.extensions import db
from tracker.kpi.models import Kpi
from tracker.wg.overview import OverviewPanel
from tracker.wg.views import load_wg
from tracker.core import policy
from tracker.core.requests import authorize

bp = Blueprint("charter", __name__)
blueprints = [bp]
nav_items = [NavItem("charter.portfolio", _l("Portfolio"), order=50, section="/portfolio",
                     visible=lambda user: has_org_permission(user, VIEW_PORTFOLIO))]
wg_tabs = [WGTab("charter", _l("Charter"), "charter.show", order=10)]


def _phase_panel(wg, user) -> dict:
    """The phase stepper and the next gate's ✓/✗ checklist for the WG home."""
    charter = services.charter_for(wg, create=False)
    return {"phase": charter.phase, "phases": PHASE_LABELS, "checks": [] if charter.is_finished else rules.gate_checks(charter, user),
            "next_phase": NEXT_PHASE.get(charter.phase), "may_decide": bool(services.available_decisions(charter, user)),
            "stop_reason": charter.stop_reason}


overview_panels = [OverviewPanel("phase", "charter/_overview_phase.html", _phase_panel, order=0, wide=True)]
health.register("tickets_overdue", _l("Overdue tickets"), ticket_links.overdue_counts,
                lambda wg: url_for("tickets.project_index", identifier=wg.identifier)
                + "?f[]=status_id&op[status_id]=o&f[]=due_date&op[due_date]=od")

EMPTY_ROWS = 2


def _users() -> list[User]:
    return list(db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name_kana, User.name)))


def _rows(prefix: str, fields: list[str], preset: tuple[str, ...] = ()) -> list[dict]:
    """Repeated form rows ``<prefix>-<field>-<n>``; rows left entirely blank are dropped. ``preset`` fields
    (a select that always has a value, such as the role) do not make a row count as filled in."""
    rows, n = [], 0
    while any(f"{prefix}-{f}-{n}" in request.form for f in fields):
        row = {f: request.form.get(f"{prefix}-{f}-{n}", "").strip() for f in fields}
        if any(v for f, v in row.items() if f not in preset):
            rows.append(row)
        n += 1
    return rows


def _charter_rows(charter) -> dict:
    return {
        "people": [{"user": str(p.user_id), "kind": p.kind, "area": p.area} for p in charter.people],
        "criteria": [{"description": c.description, "kpi": str(c.kpi_id or ""), "target": c.target} for c in charter.criteria],
        "milestones": [{"title": m.title, "due_date": m.due_date.isoformat()} for m in charter.milestones],
        "budget": [{"source": b.source, "amount": str(b.amount), "note": b.note} for b in charter.budget_lines],
    }


def _posted_rows() -> dict:
    return {
        "people": _rows("person", ["user", "kind", "area"], preset=("kind",)),
        "criteria": _rows("criterion", ["description", "kpi", "target"]),
        "milestones": _rows("milestone", ["title", "due_date"]),
        "budget": _rows("budget", ["source", "amount", "note"]),
    }


def _parse(rows: dict) -> tuple[dict, list[str]]:
    """Turn posted rows into service arguments; problems a form cannot express (bad numbers, dates)."""
    problems, users = [], {str(u.id): u for u in _users()}
    people = []
    for row in rows["people"]:
        if row["user"] not in users:
            problems.append(_("Choose a person for each row of people."))
            continue
        if row["kind"] not in (RESPONSIBLE, LEADER):
            problems.append(_("Choose a role for each person."))
            continue
        people.append((users[row["user"]], row["kind"], row["area"]))
    criteria = [{"description": r["description"], "kpi_id": int(r["kpi"]) if r["kpi"].isdigit() else None,
                 "target": r["target"]} for r in rows["criteria"]]
    milestones = []
    for row in rows["milestones"]:
        try:
            due = date.fromisoformat(row["due_date"])
        except ValueError:
            problems.append(_("Milestone dates are written YYYY-MM-DD."))
            continue
        milestones.append({"title": row["title"], "due_date": due})
    budget = []
    for row in rows["budget"]:
        raw = row["amount"].replace(",", "").replace("¥", "").replace("円", "").strip()
        try:
            amount = int(raw or "0")
        except ValueError:
            problems.append(_("Budget amounts are whole yen."))
            continue
        budget.append({"source": row["source"], "amount": amount, "note": row["note"]})
    return {"people": people, "criteria": criteria, "milestones": milestones, "budget_lines": budget}, problems


@bp.get("/projects/<identifier>/charter")
@login_required
def show(identifier: str):
    wg = load_wg(identifier)
    charter = services.charter_for(wg, create=False)
    gates = db.session.scalars(select(GateDecision).where(GateDecision.wg_id == wg.id, policy.visible(GateDecision, current_user)).order_by(GateDecision.id.desc())).all()
    decisions = services.available_decisions(charter, current_user)
    return render_template(
        "charter/show.html", wg=wg, charter=charter, empty=rules.empty_items(charter), gates=gates,
        can_edit=policy.can(current_user, "edit", charter) and not charter.is_finished,
        can_decide=bool(decisions), gate_form=_gate_form(decisions),
        next_missing=rules.missing_for(charter, current_user) if not charter.is_finished else [],
        checks=rules.gate_checks(charter, current_user) if not charter.is_finished else [],
        labels=ITEM_LABELS, phases=PHASE_LABELS, decisions=DECISION_LABELS, origins=ORIGIN_LABELS,
        evaluations=EVALUATION_LABELS, RESPONSIBLE=RESPONSIBLE, LEADER=LEADER, next_phase=NEXT_PHASE.get(charter.phase),
    )


@bp.route("/projects/<identifier>/charter/edit", methods=["GET", "POST"])
@login_required
def edit(identifier: str):
    wg = load_wg(identifier, "edit_charter")
    charter = services.charter_for(wg, create=request.method == "POST")  # a GET never writes
    form = CharterForm(obj=charter)
    rows = _charter_rows(charter)
    sections = db.session.scalars(select(Section).order_by(Section.name)).all()
    chosen = {s.id for s in charter.stakeholder_sections}
    if request.method == "POST":
        rows = _posted_rows()
        chosen = {int(v) for v in request.form.getlist("section_ids") if v.isdigit()}
        if form.validate_on_submit():
            args, problems = _parse(rows)
            if problems:
                for p in dict.fromkeys(problems):
                    flash(p, "error")
            elif commit_or_flash(
                lambda: services.update_charter(charter, current_user, texts={k: getattr(form, k).data for k in services.TEXT_ITEMS},
                                                sections=[s for s in sections if s.id in chosen], **args),
                _("The charter was saved."),
            ):
                return redirect(url_for(".show", identifier=wg.identifier))
    for key in rows:
        rows[key] = rows[key] + [{}] * EMPTY_ROWS
    kpis = db.session.scalars(select(Kpi).order_by(Kpi.number)).all()
    return render_template("charter/edit.html", wg=wg, charter=charter, form=form, rows=rows, users=_users(), kpis=kpis,
                           sections=sections, chosen=chosen,
                           RESPONSIBLE=RESPONSIBLE, LEADER=LEADER)


def _gate_form(decisions: list[str]) -> GateForm:
    """The gate form offering only ``decisions`` (what this user may decide now)."""
    form = GateForm()
    form.decision.choices = [(d, DECISION_LABELS[d]) for d in decisions]
    return form


@bp.post("/projects/<identifier>/gate")
@login_required
def gate(identifier: str):
    wg = load_wg(identifier)
    charter = services.charter_for(wg)
    authorize("decide", charter)
    form = _gate_form(services.available_decisions(charter, current_user))
    if not form.validate_on_submit():
        for name, errors in form.errors.items():
            if name != "decision":
                for message in errors:
                    flash(message, "error")
        if "decision" in form.errors:  # e.g. go while something is missing (the page no longer offers it)
            if charter.is_finished:
                flash(_("This WG is closed: it can no longer be changed."), "error")
            else:
                flash(_("This decision cannot be recorded now."), "error")
                for missing in rules.missing_for(charter, current_user):
                    flash(missing, "error")
    else:
        commit_or_flash(
            lambda: services.decide_gate(charter, current_user, decision=form.decision.data,
                                         conditions=form.conditions.data, comment=form.comment.data),
            _("The gate decision was recorded."),
        )
    return redirect(url_for(".show", identifier=wg.identifier))


@bp.route("/projects/<identifier>/closeout", methods=["GET", "POST"])
@login_required
def closeout(identifier: str):
    wg = load_wg(identifier, "edit_charter")
    charter = services.charter_for(wg, create=request.method == "POST")  # a GET never writes
    form = CloseoutForm(obj=charter)
    form.handover_section_id.choices = [("", "—")] + [
        (s.id, s.name) for s in db.session.scalars(select(Section).order_by(Section.name))
    ]
    posted = {}
    if request.method == "POST":
        posted = {c.id: (request.form.get(f"evaluation-{c.id}", ""), request.form.get(f"evidence-{c.id}", ""))
                  for c in charter.criteria}
        if form.validate_on_submit() and commit_or_flash(
            lambda: services.save_closeout(charter, current_user, evaluations=posted, keep=form.keep.data,
                                           problem=form.problem.data, try_next=form.try_next.data,
                                           handover_section_id=form.handover_section_id.data,
                                           handover_note=form.handover_note.data),
            _("The close-out was saved."),
        ):
            return redirect(url_for(".show", identifier=wg.identifier))
    return render_template("charter/closeout.html", wg=wg, charter=charter, form=form, posted=posted,
                           evaluations=EVALUATION_LABELS)


@bp.get("/portfolio")
@login_required
def portfolio():
    if not has_org_permission(current_user, VIEW_PORTFOLIO):
        abort(403)
    board = health.portfolio(current_user)
    return render_template("charter/portfolio.html", board=board, phases=PHASES, labels=PHASE_LABELS)
