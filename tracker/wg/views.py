"""WG list, overview, settings and membership (Redmine's /projects), and role administration (/roles)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from tracker.core.org_permissions import has_org_permission
from tracker.wg.policy import CREATE_WGS
from tracker.core.translation import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select

from tracker.accounts.models import User
from tracker.core.layout import AdminTab, NavItem, WGTab
from tracker.core.permissions import admin_required
from tracker.core.services import commit_or_flash
from tracker.extensions import db
from tracker.wg import permissions as perms
from tracker.wg import services
from tracker.wg.forms import MemberForm, MemberRolesForm, RoleForm, WGForm
from tracker.wg.models import Member, Role, WorkingGroup

bp = Blueprint("wg", __name__)
blueprints = [bp]
nav_items = [NavItem("wg.index", _l("Working groups"), order=20, section="/projects")]
wg_tabs = [
    WGTab("overview", _l("Overview"), "wg.show", order=0),
    WGTab("members", _l("Members"), "wg.memberships", order=90, visible=lambda wg, user: wg.allows(user, "manage_members")),
    WGTab("settings", _l("Settings"), "wg.settings", order=95, visible=lambda wg, user: wg.allows(user, "manage_wg")),
]
admin_tabs = [AdminTab("roles", _l("Roles and permissions"), "wg.roles", order=20,
                       description=_l("WG roles and what each may do, by feature"))]


def load_wg(identifier: str, permission: str = "view_wg", user=None) -> WorkingGroup:
    """The WG behind a URL: 404 when it does not exist or the user may not see it, 403 when it may be
    seen but ``permission`` is missing. ``user`` is the signed-in user unless a feed key names another."""
    user = current_user if user is None else user
    wg = db.session.scalar(select(WorkingGroup).where(WorkingGroup.identifier == identifier))
    if wg is None or not wg.visible_to(user):
        abort(404)
    if not wg.allows(user, permission):
        abort(403)
    return wg


def can_create_wg(user) -> bool:
    return has_org_permission(user, CREATE_WGS)


def _roles() -> list[Role]:
    return list(db.session.scalars(select(Role).order_by(Role.position, Role.name)))


@bp.get("/projects")
@login_required
def index():
    wgs = db.session.scalars(
        select(WorkingGroup).where(WorkingGroup.visible(current_user)).order_by(WorkingGroup.name)
    ).all()
    mine = set(db.session.scalars(select(Member.wg_id).where(Member.user_id == current_user.id)))
    # The member counts in one query (not each WG's members loaded to count them).
    member_counts = dict(db.session.execute(
        select(Member.wg_id, func.count(Member.id)).where(Member.wg_id.in_([wg.id for wg in wgs])).group_by(Member.wg_id)
    ).all()) if wgs else {}
    return render_template("wg/index.html", wgs=wgs, mine=mine, member_counts=member_counts,
                           can_create=can_create_wg(current_user))


@bp.route("/projects/new", methods=["GET", "POST"])
@login_required
def new():
    if not can_create_wg(current_user):
        abort(403)
    form = WGForm()
    if form.validate_on_submit():
        wg = commit_or_flash(
            lambda: services.create_wg(
                identifier=form.identifier.data,
                name=form.name.data,
                description=form.description.data,
                is_public=form.is_public.data,
                creator=current_user,
            ),
            _("The WG %(name)s was created.", name=form.name.data),
        )
        if wg:
            return redirect(url_for(".show", identifier=wg.identifier))
    return render_template("wg/new.html", form=form)


@bp.get("/projects/<identifier>")
@login_required
def show(identifier: str):
    wg = load_wg(identifier)
    from tracker.wg.overview import panels_for

    return render_template("wg/show.html", wg=wg, can_manage=wg.allows(current_user, "manage_members"),
                           panels=panels_for(wg, current_user))


@bp.route("/projects/<identifier>/settings", methods=["GET", "POST"])
@login_required
def settings(identifier: str):
    wg = load_wg(identifier, "manage_wg")
    form = WGForm(obj=wg)
    if form.validate_on_submit():
        if commit_or_flash(
            lambda: services.update_wg(current_user, wg, name=form.name.data, description=form.description.data, is_public=form.is_public.data),
            _("The WG settings were saved."),
        ):
            return redirect(url_for(".settings", identifier=wg.identifier))
    return render_template("wg/settings.html", wg=wg, form=form)


@bp.route("/projects/<identifier>/memberships", methods=["GET", "POST"])
@login_required
def memberships(identifier: str):
    wg = load_wg(identifier, "manage_members")
    form = MemberForm()
    member_ids = {m.user_id for m in wg.members}
    form.user_id.choices = [
        (u.id, f"{u.name} ({u.section.name})" if u.section else u.name)
        for u in db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name_kana, User.name))
        if u.id not in member_ids
    ]
    roles = _roles()
    form.role_ids.choices = [(r.id, r.name) for r in roles]
    if form.validate_on_submit():
        user = db.session.get(User, form.user_id.data) or abort(404)
        if commit_or_flash(
            lambda: services.add_member(current_user, wg, user, [r for r in roles if r.id in form.role_ids.data]),
            _("%(name)s joined the WG.", name=user.name),
        ):
            return redirect(url_for(".memberships", identifier=wg.identifier))
    return render_template("wg/memberships.html", wg=wg, form=form, roles=roles)


@bp.post("/projects/<identifier>/memberships/<int:member_id>")
@login_required
def update_member(identifier: str, member_id: int):
    wg = load_wg(identifier, "manage_members")
    member = db.session.get(Member, member_id)
    if member is None or member.wg_id != wg.id:
        abort(404)
    if request.form.get("action") == "remove":
        services.remove_member(current_user, member)
        db.session.commit()
        flash(_("%(name)s left the WG.", name=member.user.name), "success")
    else:
        form = MemberRolesForm()
        roles = _roles()
        form.role_ids.choices = [(r.id, r.name) for r in roles]
        form.validate()
        commit_or_flash(
            lambda: services.set_member_roles(current_user, member, [r for r in roles if r.id in (form.role_ids.data or [])]),
            _("The roles of %(name)s were saved.", name=member.user.name),
        )
    return redirect(url_for(".memberships", identifier=wg.identifier))


@bp.get("/roles")
@admin_required
def roles():
    return render_template("wg/roles.html", roles=_roles(), permission_groups=perms.grouped_permissions())


@bp.route("/roles/new", methods=["GET", "POST"])
@bp.route("/roles/<int:role_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_role(role_id: int | None = None):
    role = None
    if role_id is not None:
        role = db.session.get(Role, role_id) or abort(404)
    form = RoleForm(obj=role)
    form.permissions.choices = [(name, label) for name, label in perms.PERMISSIONS.items()]
    if form.validate_on_submit():
        if commit_or_flash(
            lambda: services.save_role(current_user, role, form.name.data, form.permissions.data, form.position.data),
            _("The role was saved."),
        ):
            return redirect(url_for(".roles"))
    return render_template("wg/role_form.html", form=form, role=role, permission_groups=perms.grouped_permissions())
