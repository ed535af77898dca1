"""Password reset by e-mail (Redmine's "Lost password"): for people imported without a password and for
anyone who forgot theirs.

A link carries a random token; only its digest is stored. A link works once, until it expires, and only for
an active user; setting the password through it unlocks the account and voids every other link of that
user. The mail is queued in the notification outbox in the user's language, in the same transaction.
"""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import delete, func, select

from tracker.accounts import audit_log
from tracker.accounts.models import PasswordResetToken, User
from tracker.accounts.services import AccountError, set_password
from tracker.core import audit
from tracker.core.db import utcnow
from tracker.core.translation import gettext as _
from tracker.extensions import db

MAIL_KIND = "account.password_reset"


def invalid_link_message() -> str:
    return _(
        "This password reset link is not valid: it has expired or has already been used. "
        "Ask for a new one."
    )


def find_user(login_or_email: str) -> User | None:
    """The user whose login, or else whose e-mail address, is ``login_or_email`` (case does not matter)."""
    text = (login_or_email or "").strip().lower()
    if not text:
        return None
    user = db.session.scalar(select(User).where(func.lower(User.login) == text))
    if user is None:
        user = db.session.scalar(select(User).where(func.lower(User.email) == text))
    return user


def _mails_in_last_hour(user: User) -> int:
    since = utcnow() - timedelta(hours=1)
    return db.session.scalar(
        select(func.count(PasswordResetToken.id)).where(
            PasswordResetToken.user_id == user.id, PasswordResetToken.created_at > since
        )
    ) or 0


def issue(user: User, requested_by: User | None = None, from_admin: bool = False) -> str:
    """Make a reset link for ``user`` and queue the mail that carries it; returns the token (never shown in
    the UI). A link an administrator sends (``requested_by``, or ``from_admin`` for the CLI) works longer.
    Raises AccountError for a deactivated user or one without an e-mail address."""
    from tracker.notify.services import absolute_url, queue_mail, render_mail, user_language

    if not user.active:
        raise AccountError(_("%(login)s is deactivated: no password reset mail is sent.", login=user.login))
    if not user.email:
        raise AccountError(_("%(login)s has no e-mail address.", login=user.login))
    if user.from_directory:
        raise AccountError(_("%(login)s signs in with the city's directory: their password is changed there.",
                             login=user.login))
    now = utcnow()
    # Links that ran out are of no use to anyone: drop them while we are here.
    db.session.execute(
        delete(PasswordResetToken).where(PasswordResetToken.user_id == user.id, PasswordResetToken.expires_at <= now),
        execution_options={"synchronize_session": False},
    )
    config = current_app.config
    from_admin = from_admin or requested_by is not None
    hours = config["PASSWORD_RESET_ADMIN_HOURS"] if from_admin else config["PASSWORD_RESET_HOURS"]
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordResetToken(
            user_id=user.id,
            token_digest=PasswordResetToken.digest(token),
            created_at=now,
            expires_at=now + timedelta(hours=hours),
            requested_by_id=requested_by.id if requested_by is not None else None,
        )
    )
    # Paths, not url_for: the CLI has no request to build URLs from (they are the routes in views.py).
    link = absolute_url(f"/account/password_reset/{token}")
    with force_locale(user_language(user)):
        subject = _("WG Tracker: set your password")
        text, html = render_mail(
            "accounts/mail/password_reset", user=user, link=link, hours=hours, requested_by=requested_by,
            from_admin=from_admin, login_url=absolute_url("/login"),
        )
    queue_mail(user, MAIL_KIND, subject, text, html)
    if from_admin:  # a link someone asks for on the "forgot password" form is the user's own business
        audit.record(audit_log.RESET_MAIL_SENT, actor=requested_by, obj=user,
                     details={"via": "web" if requested_by is not None else "cli", "hours": hours})
    db.session.flush()
    return token


def request_reset(login_or_email: str) -> bool:
    """What the "forgot password" form does: queue a mail when the account exists, is active and has not
    had too many such mails this hour. The caller answers the same whatever this returns."""
    user = find_user(login_or_email)
    if user is None or not user.active or not user.email:
        return False
    if user.from_directory:  # their password is the directory's: a link could only fail
        return False
    if _mails_in_last_hour(user) >= current_app.config["PASSWORD_RESET_MAILS_PER_HOUR"]:
        return False
    issue(user)
    return True


def _valid_token(token: str) -> PasswordResetToken | None:
    if not token:
        return None
    row = db.session.scalar(
        select(PasswordResetToken).where(PasswordResetToken.token_digest == PasswordResetToken.digest(token))
    )
    if row is None or row.expires_at <= utcnow() or not row.user.active:
        return None
    return row


def user_for_token(token: str) -> User | None:
    """The user a link is for, when the link still works."""
    row = _valid_token(token)
    return row.user if row is not None else None


def reset_password(token: str, password: str) -> User:
    """Set the password through a link: under the password policy, unlocking the account, voiding this
    and every other link of the user. Raises AccountError (nothing changed) on a bad link or password."""
    row = _valid_token(token)
    if row is None:
        raise AccountError(invalid_link_message())
    user = row.user
    requested_by = row.requested_by_id
    set_password(user, password)  # checks the policy, unlocks, voids this and every other link
    audit.record(audit_log.PASSWORD_RESET, actor=user, obj=user, 
                 details={"requested_by_id": requested_by} if requested_by is not None else None)
    return user


def users_without_password() -> list[User]:
    """Active users who cannot log in yet (imported from Redmine, or created without a password)."""
    return db.session.scalars(
        select(User).where(User.password_hash.is_(None), User.active.is_(True)).order_by(User.login)
    ).all()
