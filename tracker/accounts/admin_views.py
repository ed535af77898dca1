"""Administration of users, departments and sections."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from tracker.core.translation import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from tracker.accounts import organisation, password_reset, services
from tracker.accounts.forms import DepartmentForm, SectionForm, UserAdminForm, org_role_choices
from tracker.accounts.models import Department, Section, User
from tracker.core.confirm import confirmation_page
from tracker.core.layout import admin_tabs
from tracker.core.permissions import admin_required
from tracker.core.services import commit_or_flash
from tracker.extensions import db

bp = Blueprint("accounts_admin", __name__, url_prefix="/admin")


@bp.get("")
@admin_required
def home():
    """Every administration page, from the features' registered admin tabs (a new page appears by itself)."""
    counts = {
        "users": db.session.scalar(select(func.count()).select_from(User).where(User.active.is_(True))),
        "departments": db.session.scalar(select(func.count()).select_from(Department)),
    }
    return render_template("accounts/admin/home.html", pages=admin_tabs(), counts=counts)


@bp.get("/users")
@admin_required
def users():
    status = request.args.get("status", "active")
    text = (request.args.get("q") or "").strip()
    # One query for the sections and one for the roles, whatever the number of users.
    query = select(User).options(selectinload(User.section), selectinload(User.org_role_rows)).order_by(User.login)
    if status == "active":
        query = query.where(User.active.is_(True))
    elif status == "inactive":
        query = query.where(User.active.is_(False))
    if text:
        like = f"%{text.lower()}%"
        query = query.where(or_(func.lower(User.login).like(like), func.lower(User.name).like(like), User.name_kana.like(like)))
    return render_template(
        "accounts/admin/users.html",
        users=db.session.scalars(query).all(),
        status=status,
        q=text,
        role_labels=dict(org_role_choices()),
    )


def _user_form(user: User | None) -> UserAdminForm:
    form = UserAdminForm(obj=user)
    form.section_id.choices = organisation.section_choices(_("(none)"))
    if request.method == "GET" and user is not None:
        form.section_id.data = user.section_id or 0
        form.org_roles.data = [role.value for role in user.org_roles]
        form.language.data = user.language or ""
    return form


def _user_fields(form: UserAdminForm) -> dict:
    return dict(
        login=form.login.data,
        name=form.name.data,
        name_kana=form.name_kana.data or None,
        email=form.email.data,
        section_id=form.section_id.data or None,
        job_title=form.job_title.data or None,
        language=form.language.data or None,
        active=form.active.data,
        is_admin=form.is_admin.data,
    )


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def new_user():
    form = _user_form(None)
    if form.validate_on_submit():
        if not form.password.data:
            flash(_("Set an initial password."), "error")
        else:

            def create():
                return services.create_user_as_admin(current_user, password=form.password.data,
                                                     password_set_by_admin=True, org_roles=form.org_roles.data,
                                                     **_user_fields(form))

            if commit_or_flash(create, _("User %(login)s was created.", login=form.login.data)):
                return redirect(url_for(".users"))
    return render_template("accounts/admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = _user_form(user)
    if form.validate_on_submit():
        if user.active and not form.active.data and user.id != current_user.id:
            asking = confirmation_page(
                _("Deactivate %(name)s (%(login)s)?", name=user.name, login=user.login),
                details=_("They can no longer log in and are logged out everywhere. Their tickets, notes and history "
                          "stay, and you can activate the account again."),
                action_label=_("Save and deactivate"), cancel_url=url_for(".edit_user", user_id=user.id))
            if asking:
                return asking
        if commit_or_flash(
            lambda: services.update_user(
                user, actor=current_user, password=form.password.data or None, org_roles=form.org_roles.data,
                **_user_fields(form)
            ),
            _("User %(login)s was saved.", login=form.login.data),
        ):
            return redirect(url_for(".users"))
    return render_template("accounts/admin/user_form.html", form=form, user=user)


@bp.post("/users/<int:user_id>/active")
@admin_required
def set_active(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    active = request.form.get("active") == "1"
    if not active and user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "error")
        return redirect(url_for(".users"))
    if not active and user.active:
        asking = confirmation_page(
            _("Deactivate %(name)s (%(login)s)?", name=user.name, login=user.login),
            details=_("They can no longer log in and are logged out everywhere. Their tickets, notes and history "
                      "stay, and you can activate the account again."),
            action_label=_("Deactivate"), cancel_url=url_for(".users"))
        if asking:
            return asking
    services.set_active(current_user, user, active)
    db.session.commit()
    message = _("User %(login)s was activated.", login=user.login) if user.active else _(
        "User %(login)s was deactivated.", login=user.login
    )
    flash(message, "success")
    return redirect(url_for(".users"))


@bp.post("/users/<int:user_id>/unlock")
@admin_required
def unlock_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    services.unlock(user, actor=current_user)
    db.session.commit()
    flash(_("User %(login)s was unlocked.", login=user.login), "success")
    return redirect(url_for(".edit_user", user_id=user.id))


@bp.post("/users/<int:user_id>/password_reset")
@admin_required
def send_password_reset(user_id: int):
    """Mail the user a link to set a password: people imported from Redmine have none."""
    user = db.session.get(User, user_id) or abort(404)
    commit_or_flash(
        lambda: password_reset.issue(user, requested_by=current_user),
        _("A password reset mail to %(email)s was queued.", email=user.email),
    )
    return redirect(url_for(".edit_user", user_id=user.id))


@bp.route("/departments", methods=["GET", "POST"])
@admin_required
def departments():
    form = DepartmentForm()
    if form.validate_on_submit():
        if commit_or_flash(
            lambda: organisation.save_department(None, form.name.data, form.position.data),
            _("The department was added."),
        ):
            return redirect(url_for(".departments"))
    rows = db.session.scalars(
        select(Department).options(selectinload(Department.sections)).order_by(Department.position, Department.name)
    ).all()
    # People per section in one query (not each section's users loaded to count them).
    staff = dict(db.session.execute(
        select(User.section_id, func.count(User.id)).where(User.section_id.is_not(None)).group_by(User.section_id)
    ).all())
    return render_template("accounts/admin/departments.html", departments=rows, form=form, staff=staff)


@bp.route("/departments/<int:department_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_department(department_id: int):
    department = db.session.get(Department, department_id) or abort(404)
    form = DepartmentForm(obj=department)
    if form.validate_on_submit():
        if commit_or_flash(
            lambda: organisation.save_department(department, form.name.data, form.position.data),
            _("The department was saved."),
        ):
            return redirect(url_for(".departments"))
    return render_template("accounts/admin/department_form.html", form=form, department=department)


def _section_form(section: Section | None) -> SectionForm:
    form = SectionForm(obj=section)
    form.department_id.choices = [
        (d.id, d.name) for d in db.session.scalars(select(Department).order_by(Department.position, Department.name))
    ]
    if request.method == "GET" and section is None and request.args.get("department_id", type=int):
        form.department_id.data = request.args.get("department_id", type=int)
    return form


@bp.route("/sections/new", methods=["GET", "POST"])
@bp.route("/sections/<int:section_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_section(section_id: int | None = None):
    section = None
    if section_id is not None:
        section = db.session.get(Section, section_id) or abort(404)
    form = _section_form(section)
    if form.validate_on_submit():
        if commit_or_flash(
            lambda: organisation.save_section(section, form.department_id.data, form.name.data, form.position.data),
            _("The section was saved."),
        ):
            return redirect(url_for(".departments"))
    return render_template("accounts/admin/section_form.html", form=form, section=section)
