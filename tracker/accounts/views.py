"""Login, logout and the user's own account (Redmine's /login and /my/account)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import format_datetime
from tracker.core.translation import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required, logout_user

from tracker.accounts import audit_log, password_reset, services, sessions, throttle
from tracker.accounts import twofactor_views
from tracker.accounts.admin_views import bp as admin_bp
from tracker.accounts.forms import AccountForm, LoginForm, LostPasswordForm, PasswordChangeForm, PasswordResetForm
from tracker.accounts.models import User
from tracker.core import audit
from tracker.core.layout import AdminTab, NavItem
from tracker.core.services import commit_or_flash
from tracker.directory.services import REFUSALS
from tracker.extensions import db, limiter, login_manager

bp = Blueprint("accounts", __name__)
blueprints = [bp, admin_bp, twofactor_views.bp]
nav_items = [
    NavItem("accounts_admin.home", _l("Administration"), lambda u: u.is_authenticated and u.is_admin, "/admin", order=99),
]
admin_tabs = [
    AdminTab("users", _l("Users"), "accounts_admin.users", order=0,
             description=_l("Accounts, organisation roles, activation and passwords")),
    AdminTab("departments", _l("Departments and sections"), "accounts_admin.departments", order=10,
             description=_l("The organisation's departments (部) and sections (課)")),
]

login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Please log in to see this page.")
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return sessions.load(user_id)


def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm()
    if request.method == "POST" and throttle.address_blocked():
        abort(429)  # only failures count, and the form and the API share them (tracker.accounts.throttle)
    if form.validate_on_submit():
        result = services.authenticate(form.login.data, form.password.data)
        if result.ok:
            return twofactor_views.continue_sign_in(
                result.user, remember=bool(form.remember.data), next_url=request.args.get("next")
            )
        throttle.record_failure()
        if result.error == "locked":
            flash(
                _(
                    "Too many failed logins: this account is locked until %(time)s. Try again then, "
                    "or ask an administrator to unlock it.",
                    time=format_datetime(result.locked_until, "short"),
                ),
                "error",
            )
        elif result.error == "inactive":
            flash(_("This account is deactivated. Ask an administrator."), "error")
        elif result.error in REFUSALS and result.error != "invalid":
            flash(str(REFUSALS[result.error]), "error")
        else:
            flash(_("Wrong login or password."), "error")
    return render_template("accounts/login.html", form=form)


def _reset_rate_limit() -> str:
    return current_app.config["PASSWORD_RESET_RATE_LIMIT"]


@bp.route("/account/lost_password", methods=["GET", "POST"])
@limiter.limit(_reset_rate_limit, methods=["POST"])
def lost_password():
    """Ask for a reset link. The answer is the same whether or not the account exists."""
    if current_user.is_authenticated:
        return redirect(url_for("accounts.my_password"))
    form = LostPasswordForm()
    if form.validate_on_submit():
        password_reset.request_reset(form.login.data)
        db.session.commit()
        flash(
            _(
                "If an active account matches what you entered, a mail with a link to set a new password "
                "has been sent to its e-mail address. The link works for %(hours)d hour(s).",
                hours=current_app.config["PASSWORD_RESET_HOURS"],
            ),
            "info",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/lost_password.html", form=form)


@bp.route("/account/password_reset/<token>", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def reset_password(token: str):
    """The link in the mail: set a new password, then log in with it."""
    user = password_reset.user_for_token(token)
    if user is None:
        flash(password_reset.invalid_link_message(), "error")
        return redirect(url_for("accounts.lost_password"))
    form = PasswordResetForm()
    if form.validate_on_submit():
        if commit_or_flash(
            lambda: password_reset.reset_password(token, form.new_password.data),
            _("Your password was set. Log in with it."),
        ):
            if current_user.is_authenticated:
                logout_user()  # its server-side session already ended with the new password
            return redirect(url_for("accounts.login"))
    g.referrer_policy = "no-referrer"  # the token is in the address
    return render_template("accounts/reset_password.html", form=form, user=user)


@bp.post("/logout")
@login_required
def logout():
    # Logging out ends every session of the account, other browsers' and remember cookies included, so a
    # cookie left on a shared or stolen machine dies too (/my/sessions ends single sessions instead).
    ended = sessions.end_all(current_user)
    audit.record(audit_log.LOGOUT, actor=current_user, obj=current_user, details={"sessions_ended": ended})
    db.session.commit()
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/my/account", methods=["GET", "POST"])
@login_required
def my_account():
    form = AccountForm(obj=current_user)
    if form.validate_on_submit():
        try:
            services.update_own_account(current_user._get_current_object(), name=form.name.data,
                                        name_kana=form.name_kana.data, email=form.email.data,
                                        language=form.language.data, date_style=form.date_style.data,
                                        csv_encoding=form.csv_encoding.data)
        except services.AccountError as error:
            for problem in error.messages:
                flash(problem, "error")
        else:
            db.session.commit()
            flash(_("Your account was saved."), "success")
            return redirect(url_for("accounts.my_account"))
    return render_template("accounts/my_account.html", form=form, password_form=PasswordChangeForm(formdata=None))


@bp.route("/my/password", methods=["GET", "POST"])
@login_required
def my_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_own_password(current_user, form.current_password.data, form.new_password.data)
        except services.AccountError as error:
            for message in error.messages:
                flash(message, "error")
        else:
            db.session.commit()
            # Every session ended with the old password; this browser continues in a new one.
            user = current_user._get_current_object()
            sessions.start(user, remember=False)
            flash(_("Your password was changed. You were logged out everywhere else."), "success")
            return redirect(url_for("accounts.my_account"))
    return render_template("accounts/my_password.html", form=form)


@bp.get("/my/sessions")
@login_required
def my_sessions():
    rows = sessions.sessions_of(current_user)
    return render_template("accounts/my_sessions.html", rows=rows, current_id=sessions.current_session_id(current_user))


@bp.post("/my/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    if session_id == sessions.current_session_id(current_user):
        abort(404)  # this browser's session ends with "Log out"
    if not sessions.end(current_user, session_id):
        abort(404)
    audit.record(audit_log.SESSION_REVOKED, actor=current_user, obj=current_user,
                 details={"session_id": session_id, "sessions_ended": 1})
    db.session.commit()
    flash(_("The session was ended."), "success")
    return redirect(url_for("accounts.my_sessions"))


@bp.post("/my/sessions/end_others")
@login_required
def end_other_sessions():
    ended = sessions.end_all(current_user, keep_current=True)
    if ended:
        audit.record(audit_log.SESSION_REVOKED, actor=current_user, obj=current_user,
                     details={"others": True, "sessions_ended": ended})
    db.session.commit()
    flash(_("Every other session was ended."), "success")
    return redirect(url_for("accounts.my_sessions"))
