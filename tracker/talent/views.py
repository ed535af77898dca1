"""Talent bank pages: search, profiles (mine to edit), help requests with candidates, approvals, import,
XLSX export and the skill taxonomy (admin)."""
from __future__ import annotations

from tracker.core.org_permissions import has_org_permission
from tracker.talent.models import MANAGE_TALENT_BANK
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from tracker.core import policy
from tracker.core.requests import load, redirect_to
from tracker.core.translation import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from tracker.accounts.models import User
from tracker.core.exports import send
from tracker.core.layout import AdminTab, NavItem, WGTab
from tracker.core.permissions import admin_required
from tracker.core.services import commit_or_flash
from tracker.extensions import db
from tracker.talent import exports, imports, queries, services
from tracker.talent.forms import (
    CareerForm, CertificationForm, CompleteForm, HelpRequestForm, ImportForm, InviteForm, MessageForm, ProfileForm,
    SkillEntryForm, SkillForm, level_choices,
)
from tracker.talent.models import (
    PARTS, Engagement, EngagementStatus, HelpRequest, RequestStatus, Skill, chiefs_of, is_chief_title, may_approve,
)
from tracker.talent.presenters import profile_data
from tracker.wg.models import WorkingGroup

bp = Blueprint("talent", __name__, url_prefix="/talent")
blueprints = [bp]
nav_items = [NavItem("talent.index", _l("Talent bank"), order=70, section="/talent")]
admin_tabs = [AdminTab("skills", _l("Skills"), "talent.skills", order=40,
                       description=_l("The talent bank's skill list"))]
wg_tabs = [WGTab("help_requests", _l("Help requests"), "talent.wg_requests", order=70)]




def skill_choices(blank: str | None = None) -> list[tuple[int, str]]:
    choices = [(0, blank)] if blank is not None else []
    return choices + [(s.id, f"{s.category} / {s.name}" if s.category else s.name) for s in queries.skills_list()]


def criteria_from(args) -> queries.Criteria:
    try:
        return queries.criteria_from(args)
    except queries.UnknownSkill as error:
        abort(400, str(error))


@bp.get("")
@login_required
def index():
    criteria = criteria_from(request.args)
    offset = max(0, queries.to_int(request.args.get("offset")))
    total, results = (0, []) if criteria.empty else queries.search(current_user, criteria, offset=offset, limit=50, everything=False)
    open_requests = db.session.scalars(
        select(HelpRequest).where(HelpRequest.status == RequestStatus.OPEN).order_by(HelpRequest.created_at.desc()).limit(5)
    ).all()
    return render_template(
        "talent/index.html", criteria=criteria, results=results, total=total, offset=offset,
        skills=queries.skills_list(), levels=level_choices(), rows=range(1, queries.SEARCH_SKILL_ROWS + 1),
        data_for=lambda p: profile_data(p, current_user), open_requests=open_requests,
        pending_approvals=len(_pending_for(current_user)),
    )


@bp.get("/export.xlsx")
@login_required
def export():
    if not has_org_permission(current_user, MANAGE_TALENT_BANK):
        abort(403)
    criteria = criteria_from(request.args)
    _total, results = queries.search(current_user, criteria, limit=5000)
    return send(exports.TALENT_SEARCH, exports.results_workbook(results, current_user), rows=len(results),
                filename="talent-search.xlsx")


@bp.get("/people/<int:user_id>")
@login_required
def profile(user_id: int):
    profile = services.displayed_profile(user_id) or abort(404)
    return render_template("talent/profile.html", profile=profile, user=profile.user, data=profile_data(profile, current_user),
                           editable=policy.can(current_user, "edit", profile), labels=queries.part_labels(),
                           availability=queries.availability_text(profile))


@bp.get("/me")
@login_required
def me():
    return redirect(url_for(".profile", user_id=current_user.id))


@bp.route("/me/edit", methods=["GET", "POST"])
@login_required
def edit():
    profile = services.displayed_profile(current_user.id)
    action = request.form.get("action", "")
    posted = request.method == "POST"
    form = ProfileForm(obj=profile if not (posted and action == "profile") else None, prefix="p")
    if not (posted and action == "profile"):
        for part in PARTS:
            getattr(form, f"{part}_visibility").data = profile.visibility_of(part).value
    skill_form = SkillEntryForm(prefix="s")
    skill_form.skill_id.choices = skill_choices(_("(choose)"))
    cert_form, career_form = CertificationForm(prefix="c"), CareerForm(prefix="h")

    def saved_profile():
        return services.profile_for(current_user)

    done = None
    if posted and action == "profile" and form.validate():
        done = commit_or_flash(lambda: services.update_profile(
            current_user, saved_profile(), achievements=form.achievements.data, willing_to_help=form.willing_to_help.data,
            time_share=form.time_share.data if form.time_share.data is not None else 0,
            available_until=form.available_until.data,
            visibility={part: getattr(form, f"{part}_visibility").data for part in PARTS}), _("Your profile was saved."))
    elif posted and action == "skill" and skill_form.validate():
        done = commit_or_flash(lambda: services.set_skill(
            current_user, saved_profile(), db.session.get(Skill, skill_form.skill_id.data or 0), skill_form.level.data,
            skill_form.can_help.data, skill_form.want_to_learn.data), _("The skill was saved."))
    elif posted and action == "certification" and cert_form.validate():
        done = commit_or_flash(lambda: services.add_certification(current_user, saved_profile(), cert_form.name.data, cert_form.acquired_on.data),
                               _("The certification was added."))
    elif posted and action == "career" and career_form.validate():
        done = commit_or_flash(lambda: services.add_career(
            current_user, saved_profile(), career_form.section_name.data, career_form.started_on.data, career_form.ended_on.data,
            career_form.description.data), _("The posting was added."))
    elif posted and action.startswith("remove_") and profile.id:
        remover = {"remove_skill": services.remove_skill, "remove_certification": services.remove_certification,
                   "remove_career": services.remove_career}.get(action)
        if remover is None:
            abort(400)
        done = commit_or_flash(lambda: remover(current_user, profile, queries.to_int(request.form.get("id"))), _("Removed."))
    elif posted:
        flash(_("Please correct the marked fields."), "error")
    if done:
        return redirect(url_for(".edit"))
    return render_template("talent/edit.html", profile=profile, form=form, skill_form=skill_form, cert_form=cert_form,
                           career_form=career_form, action=action)


# -- help requests --------------------------------------------------------------------------------

def _pending_for(user) -> list[Engagement]:
    """Applications waiting for ``user``'s approval: only chiefs (their section's) and HR (the fallback) have any."""
    is_chief = is_chief_title(user.job_title) and user.section_id is not None
    if not (is_chief or has_org_permission(user, MANAGE_TALENT_BANK)):
        return []
    query = select(Engagement).where(Engagement.status == EngagementStatus.PENDING)
    if not has_org_permission(user, MANAGE_TALENT_BANK):
        query = query.where(Engagement.user.has(User.section_id == user.section_id))
    return [e for e in db.session.scalars(query) if may_approve(user, e.user)]


def _load_request(request_id: int) -> HelpRequest:
    return load(HelpRequest, request_id)  # 404 unless the help-request policy lets the user see it


def _linkable_wgs() -> list[WorkingGroup]:
    return list(db.session.scalars(
        select(WorkingGroup).where(WorkingGroup.with_permission(current_user, "manage_members")).order_by(WorkingGroup.name)
    ))


@bp.get("/requests")
@login_required
def requests():
    status = request.args.get("status", "open")
    query = select(HelpRequest).where(policy.visible(HelpRequest, current_user)).order_by(HelpRequest.created_at.desc())
    if status in ("open", "closed"):
        query = query.where(HelpRequest.status == RequestStatus(status))
    return render_template("talent/requests.html", requests=db.session.scalars(query).all(), status=status,
                           mine={e.request_id: e for e in db.session.scalars(select(Engagement).where(Engagement.user_id == current_user.id))})


@bp.get("/wg/<identifier>")
@login_required
def wg_requests(identifier: str):
    from tracker.wg.views import load_wg

    wg = load_wg(identifier)
    rows = db.session.scalars(select(HelpRequest).where(HelpRequest.wg_id == wg.id, policy.visible(HelpRequest, current_user))
                              .order_by(HelpRequest.status.desc(), HelpRequest.created_at.desc())).all()
    return render_template("talent/wg_requests.html", wg=wg, requests=rows, can_request=wg.allows(current_user, "manage_members"))


@bp.route("/requests/new", methods=["GET", "POST"])
@bp.route("/requests/<int:request_id>/edit", methods=["GET", "POST"])
@login_required
def edit_request(request_id: int | None = None):
    help_request = None
    if request_id is not None:
        help_request = _load_request(request_id)
        if not policy.can(current_user, "manage", help_request):
            abort(403)
    form = HelpRequestForm(obj=help_request)
    if request.method == "GET" and help_request is not None:
        for entry, need in zip(form.needs.entries, help_request.needs):
            entry.form.skill_id.data, entry.form.min_level.data, entry.form.importance.data = need.skill_id, need.min_level, need.importance
        form.wg_id.data = help_request.wg_id or 0
        if len(form.needs.entries) == len(help_request.needs) < form.needs.max_entries:
            form.needs.append_entry()  # room for one more skill
    wgs = _linkable_wgs()
    if help_request is not None and help_request.wg is not None and help_request.wg not in wgs:
        wgs.append(help_request.wg)  # keeping the link needs no permission
    if request.method == "GET" and help_request is None and request.args.get("wg"):
        form.wg_id.data = next((w.id for w in wgs if w.identifier == request.args["wg"]), 0)
    form.wg_id.choices = [(0, _("(none)"))] + [(wg.id, wg.name) for wg in wgs]
    for entry in form.needs.entries:
        entry.form.skill_id.choices = skill_choices(_("(none)"))
    if form.validate_on_submit():
        needs = [(db.session.get(Skill, e.form.skill_id.data), e.form.min_level.data, e.form.importance.data)
                 for e in form.needs.entries if e.form.skill_id.data]
        wg = next((w for w in wgs if w.id == form.wg_id.data), None)
        saved = commit_or_flash(lambda: services.save_request(
            current_user, help_request, title=form.title.data, description=form.description.data,
            time_share=form.time_share.data, starts_on=form.starts_on.data, ends_on=form.ends_on.data, needs=needs, wg=wg,
            ticket_id=form.ticket_id.data,
        ), _("The help request was saved."))
        if saved:
            return redirect(url_for(".show_request", request_id=saved.id))
    elif request.method == "POST":
        flash(_("Please correct the marked fields."), "error")
    return render_template("talent/request_form.html", form=form, help_request=help_request)


def _render_request(help_request: HelpRequest, complete_form: CompleteForm | None = None, completing: int | None = None):
    manage = policy.can(current_user, "manage", help_request)
    candidates = queries.candidates(help_request, current_user) if manage and help_request.status == RequestStatus.OPEN else []
    return render_template(
        "talent/request.html", r=help_request, manage=manage, candidates=candidates,
        ticket=services.linked_ticket(help_request, current_user),
        mine=next((e for e in help_request.engagements if e.user_id == current_user.id), None),
        may_approve=lambda e: may_approve(current_user, e.user), chiefs_of=chiefs_of,
        wg_visible=help_request.wg is not None and help_request.wg.visible_to(current_user),
        importance=queries.importance_label, message_form=MessageForm(), complete_form=complete_form or CompleteForm(),
        completing=completing,
    )


@bp.get("/requests/<int:request_id>")
@login_required
def show_request(request_id: int):
    return _render_request(_load_request(request_id))


@bp.post("/requests/<int:request_id>/invite")
@login_required
def invite(request_id: int):
    help_request = _load_request(request_id)
    form = InviteForm()
    user = db.session.get(User, form.user_id.data or 0) if form.validate() else None
    if user is None or not user.active:
        abort(400)
    commit_or_flash(lambda: services.invite(help_request, user, current_user, form.message.data),
                    _("%(name)s was invited.", name=user.name))
    return redirect(url_for(".show_request", request_id=help_request.id))


@bp.post("/requests/<int:request_id>/apply")
@login_required
def apply(request_id: int):
    help_request = _load_request(request_id)
    form = MessageForm()
    form.validate()
    commit_or_flash(lambda: services.apply(help_request, current_user, form.message.data),
                    _("You applied. Your section chief will be asked to approve."))
    return redirect(url_for(".show_request", request_id=help_request.id))


@bp.post("/requests/<int:request_id>/close")
@login_required
def close(request_id: int):
    help_request = _load_request(request_id)
    if not policy.can(current_user, "manage", help_request):
        abort(403)
    commit_or_flash(lambda: services.close_request(current_user, help_request), _("The help request was closed."))
    return redirect(url_for(".show_request", request_id=help_request.id))


def _load_engagement(engagement_id: int) -> Engagement:
    engagement = db.session.get(Engagement, engagement_id)
    if engagement is None or not engagement.request.visible_to(current_user):
        abort(404)
    return engagement


@bp.post("/engagements/<int:engagement_id>/<any(accept, decline, approve, reject):action>")
@login_required
def decide(engagement_id: int, action: str):
    engagement = _load_engagement(engagement_id)
    if action in ("accept", "decline"):
        commit_or_flash(lambda: services.answer_invitation(engagement, current_user, action == "accept"),
                        _("Your answer was recorded."))
    else:
        commit_or_flash(lambda: services.decide(engagement, current_user, action == "approve"),
                        _("Approved.") if action == "approve" else _("Not approved."))
    return redirect_to(request.form.get("next"), url_for(".show_request", request_id=engagement.request_id))


@bp.post("/engagements/<int:engagement_id>/complete")
@login_required
def complete(engagement_id: int):
    engagement = _load_engagement(engagement_id)
    form = CompleteForm()
    form.validate()
    if commit_or_flash(lambda: services.complete(engagement, current_user, form.hours.data, form.outcome.data or ""),
                       _("The help was recorded as completed.")):
        return redirect(url_for(".show_request", request_id=engagement.request_id))
    return _render_request(engagement.request, form, engagement.id), 422


@bp.get("/approvals")
@login_required
def approvals():
    return render_template("talent/approvals.html", engagements=_pending_for(current_user))


# -- import (HR) ------------------------------------------------------------------------------------

@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_csv():
    if not has_org_permission(current_user, MANAGE_TALENT_BANK):
        abort(403)
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        report = imports.run(form.file.data.read(), all_or_nothing=form.mode.data == "all", actor=current_user)
        db.session.commit()
        if report.header_errors:
            for message in report.header_errors:
                flash(message, "error")
        elif report.invalid and form.mode.data == "all":
            flash(_("Nothing was imported: %(count)s rows have errors.", count=len(report.invalid)), "error")
        else:
            flash(_("%(count)s rows were imported.", count=report.imported), "success")
    return render_template("talent/import.html", form=form, report=report, headers=imports.HEADERS)


# -- skill taxonomy (admin) -------------------------------------------------------------------------

@bp.get("/skills")
@admin_required
def skills():
    return render_template("talent/skills.html", skills=queries.skills_list())


@bp.route("/skills/new", methods=["GET", "POST"])
@bp.route("/skills/<int:skill_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_skill(skill_id: int | None = None):
    skill = db.session.get(Skill, skill_id) or abort(404) if skill_id is not None else None
    form = SkillForm(obj=skill)
    if form.validate_on_submit():
        if commit_or_flash(lambda: services.save_skill(current_user, skill, name=form.name.data, category=form.category.data,
                                                       synonyms=form.synonyms.data, position=form.position.data),
                           _("The skill was saved.")):
            return redirect(url_for(".skills"))
    return render_template("talent/skill_form.html", form=form, skill=skill)
