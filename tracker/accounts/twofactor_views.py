"""Two-factor sign-in pages (the code step after the password, enrolment, recovery codes, the admin reset)
and the sign-in gate: a user who must change their password or must enrol a second factor sees nothing
else until they have.

A sign-in with a second factor is two requests. The password step (``accounts.login``) only notes in the
signed session cookie who passed it (``PENDING``); Flask-Login's session starts when the code is right, so
nothing is reachable between the two steps.
"""
from __future__ import annotations

import time

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import format_datetime
from flask_login import current_user, login_required

from tracker.accounts import password_policy, sessions, throttle, twofactor
from tracker.accounts.forms import TwoFactorCodeForm, TwoFactorDisableForm
from tracker.accounts.models import User
from tracker.core.db import utcnow
from tracker.core.permissions import admin_required
from tracker.core.requests import redirect_to, safe_path
from tracker.core.services import commit_or_flash
from tracker.core.translation import gettext as _
from tracker.extensions import db, limiter

bp = Blueprint("two_factor", __name__)

PENDING = "two_factor_pending"  # session key: {"user", "remember", "next", "at"} after the password step
ENROL_SECRET = "two_factor_enrol_secret"  # session key: the secret shown on the enrolment page
PENDING_SECONDS = 300  # the code step must follow the password within five minutes
MAX_TRIES_PER_PASSWORD = 5  # then the password again (wrong codes also count towards the account lockout)


def continue_sign_in(user: User, *, remember: bool, next_url: str | None):
    """After a right password: sign in now, or ask for the second factor first (unless this device is
    remembered). Called by ``accounts.login``."""
    if twofactor.is_enabled(user) and not twofactor.device_remembered(user, request.cookies.get(twofactor.DEVICE_COOKIE)):
        session[PENDING] = {"user": user.id, "remember": remember, "next": safe_path(next_url), "at": int(time.time())}
        return redirect(url_for("two_factor.verify"))
    sessions.start(user, remember=remember)
    return redirect_to(next_url, url_for("core.home"))


def _pending_user() -> User | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending.get("user"))
    return user if user is not None and user.active and twofactor.is_enabled(user) else None


def _locked(user: User):
    flash(_(
        "Too many failed logins: this account is locked until %(time)s. Try again then, "
        "or ask an administrator to unlock it.", time=format_datetime(user.locked_until, "short"),
    ), "error")
    return redirect(url_for("accounts.login"))


def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login/two_factor", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def verify():
    """The second step of a sign-in: the code from the authenticator app, or a recovery code."""
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    user = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash(_("The sign-in has expired. Enter your login and password again."), "error")
        return redirect(url_for("accounts.login"))
    if user.is_locked(utcnow()):
        session.pop(PENDING, None)
        return _locked(user)
    if request.method == "POST" and throttle.address_blocked():
        abort(429)
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        try:
            used = twofactor.verify(user, form.code.data)
        except twofactor.TwoFactorError as error:
            db.session.commit()  # the failure is counted
            throttle.record_failure()
            pending = session[PENDING]
            pending["tries"] = pending.get("tries", 0) + 1
            session[PENDING] = pending
            if user.is_locked(utcnow()):
                session.pop(PENDING, None)
                return _locked(user)
            if pending["tries"] >= MAX_TRIES_PER_PASSWORD:
                session.pop(PENDING, None)
                flash(_("Too many wrong codes. Enter your login and password again."), "error")
                return redirect(url_for("accounts.login"))
            for message in error.messages:
                flash(message, "error")
        else:
            pending = session.pop(PENDING)
            db.session.commit()
            sessions.start(user, remember=bool(pending.get("remember")))
            if used == "recovery":
                flash(_(
                    "You signed in with a recovery code; it cannot be used again. %(n)d recovery codes are left.",
                    n=twofactor.remaining_recovery_codes(user),
                ), "warning")
            response = redirect_to(pending.get("next"), url_for("core.home"))
            days = twofactor.remember_days()
            if days and form.remember_device.data:
                response.set_cookie(
                    twofactor.DEVICE_COOKIE, twofactor.device_cookie_value(user), max_age=days * 86400,
                    httponly=True, secure=current_app.config["SESSION_COOKIE_SECURE"], samesite="Lax",
                )
            return response
    return render_template("accounts/two_factor_verify.html", form=form, remember_days=twofactor.remember_days())


@bp.get("/my/two_factor")
@login_required
def status():
    user = current_user._get_current_object()
    return render_template(
        "accounts/two_factor.html", row=twofactor.credential(user), required=twofactor.is_required(user),
        remaining=twofactor.remaining_recovery_codes(user), disable_form=TwoFactorDisableForm(formdata=None),
    )


@bp.route("/my/two_factor/enroll", methods=["GET", "POST"])
@login_required
def enroll():
    """Scan the QR code (or type the key), then prove it with a code; the recovery codes follow, once."""
    user = current_user._get_current_object()
    if twofactor.is_enabled(user):
        return redirect(url_for(".status"))
    # Kept with the user's id: on a shared browser the next person to sign in gets a secret of their own.
    kept = session.get(ENROL_SECRET)
    if isinstance(kept, dict) and kept.get("user") == user.id and kept.get("secret"):
        secret = kept["secret"]
    else:
        secret = twofactor.new_secret()
        session[ENROL_SECRET] = {"user": user.id, "secret": secret}
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        codes = commit_or_flash(lambda: twofactor.enable(user, secret, form.code.data),
                                _("Two-factor sign-in is now enabled."))
        if codes:
            session.pop(ENROL_SECRET, None)
            return render_template("accounts/two_factor_codes.html", codes=codes)
    uri = twofactor.provisioning_uri(user, secret)
    return render_template("accounts/two_factor_enroll.html", form=form, secret=secret, qr=twofactor.qr_svg(uri))


@bp.post("/my/two_factor/recovery_codes")
@login_required
def new_recovery_codes():
    user = current_user._get_current_object()
    codes = commit_or_flash(lambda: twofactor.regenerate_recovery_codes(user),
                            _("New recovery codes were made; the old ones no longer work."))
    if not codes:
        return redirect(url_for(".status"))
    return render_template("accounts/two_factor_codes.html", codes=codes)


@bp.post("/my/two_factor/disable")
@login_required
def disable():
    form = TwoFactorDisableForm()
    if form.validate_on_submit():
        commit_or_flash(lambda: twofactor.disable(current_user._get_current_object(), form.password.data),
                        _("Two-factor sign-in is now disabled."))
    return redirect(url_for(".status"))


@bp.post("/admin/users/<int:user_id>/two_factor/reset")
@admin_required
def admin_reset(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    commit_or_flash(
        lambda: twofactor.reset(user, current_user._get_current_object()),
        _("The second factor of %(login)s was reset. They set it up again at their next sign-in.", login=user.login),
    )
    return redirect(url_for("accounts_admin.edit_user", user_id=user.id))


@bp.app_template_global("two_factor_enabled")
def _two_factor_enabled(user: User) -> bool:
    """For the admin's user page (``accounts/admin/user_form.html``)."""
    return twofactor.is_enabled(user)


# -- the sign-in gate -------------------------------------------------------------------------------------------

# What a user who must first change their password or enrol may still open.
_PASSWORD_CHANGE_ENDPOINTS = {"accounts.my_password", "accounts.logout", "static"}
_ENROL_ENDPOINTS = {"two_factor.enroll", "two_factor.status", "two_factor.new_recovery_codes", "accounts.logout",
                    "accounts.my_password", "static"}


@bp.before_app_request
def gate():
    """Send a signed-in user to the password change (expired, or set by an administrator) or to enrolment
    (a second factor is required for them and they have none) before any other page. API keys and HTTP
    Basic are not sent here (``g.api_authenticated``)."""
    endpoint = request.endpoint
    if endpoint is None or endpoint == "static" or not current_user.is_authenticated or g.get("api_authenticated"):
        return None
    user = current_user._get_current_object()
    reason = password_policy.change_reason(user)
    if reason is not None:
        if endpoint in _PASSWORD_CHANGE_ENDPOINTS:
            return None
        flash(password_policy.change_message(reason), "warning")
        return redirect(url_for("accounts.my_password"))
    if twofactor.must_enrol(user) and endpoint not in _ENROL_ENDPOINTS:
        flash(_("Your account requires two-factor sign-in. Set it up to continue."), "warning")
        return redirect(url_for("two_factor.enroll"))
    return None
