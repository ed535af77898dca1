"""Operations that change accounts: create, authenticate with lockout, passwords and API keys."""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from tracker.core.translation import gettext as _
from sqlalchemy import delete, func, select

from tracker.accounts import audit_log, password_policy, sessions
from tracker.accounts.models import PasswordResetToken, User
from tracker.accounts.passwords import hash_password, needs_rehash, verify_password
from tracker.core import audit, history
from tracker.core.db import utcnow
from tracker.core.services import ServiceError
from tracker.directory.client import enabled as directory_enabled
from tracker.sso.client import sso_only
from tracker.extensions import db

LOGIN_PATTERN = re.compile(r"^[A-Za-z0-9_.@-]{1,60}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AccountError(ServiceError):
    """Account input that cannot be accepted."""


def _login_taken(login: str, exclude_id: int | None = None) -> bool:
    query = select(User.id).where(func.lower(User.login) == login.lower())
    if exclude_id:
        query = query.where(User.id != exclude_id)
    return db.session.scalar(query) is not None


def _email_taken(email: str, exclude_id: int | None = None) -> bool:
    query = select(User.id).where(func.lower(User.email) == email.lower())
    if exclude_id:
        query = query.where(User.id != exclude_id)
    return db.session.scalar(query) is not None


def validate_identity(login: str, email: str, exclude_id: int | None = None) -> list[str]:
    problems = []
    if not LOGIN_PATTERN.match(login or ""):
        problems.append(_("The login may use letters, digits and _ . @ - only (up to 60)."))
    elif _login_taken(login, exclude_id):
        problems.append(_("The login %(login)s is already taken.", login=login))
    if not EMAIL_PATTERN.match(email or ""):
        problems.append(_("The e-mail address is not valid."))
    elif _email_taken(email, exclude_id):
        problems.append(_("The e-mail address %(email)s is already used.", email=email))
    return problems


def create_user(
    *,
    login: str,
    name: str,
    email: str,
    password: str | None,
    section_id: int | None = None,
    is_admin: bool = False,
    password_set_by_admin: bool = False,
    **fields,
) -> User:
    """Create a user after checking every rule; raises AccountError and writes nothing on bad input.
    ``password_set_by_admin``: the user must change it at the first sign-in (when the policy says so)."""
    login, email, name = (login or "").strip(), (email or "").strip(), (name or "").strip()
    problems = validate_identity(login, email)
    if not name:
        problems.append(_("The full name is required."))
    if password is not None:
        problems += password_policy.problems(password, login)
    if problems:
        raise AccountError(problems)
    user = User(
        login=login,
        name=name,
        email=email,
        section_id=section_id,
        is_admin=is_admin,
        **fields,
    )
    db.session.add(user)
    db.session.flush()
    if password:
        password_policy.store(user, password, set_by_admin=password_set_by_admin)
    return user


def void_reset_links(user: User) -> None:
    """Every outstanding password reset link of ``user`` stops working (the password was just set)."""
    db.session.execute(
        delete(PasswordResetToken).where(PasswordResetToken.user_id == user.id),
        execution_options={"synchronize_session": False},
    )


def refuse_directory_password(user: User) -> None:
    """A directory user's password is the directory's: WG Tracker never holds one for them."""
    if user.from_directory:
        raise AccountError([_("This account signs in with the city's directory (Active Directory); change its "
                              "password there.")])


def set_password(user: User, password: str) -> None:
    """A new password under the policy; unlocks the account and voids outstanding reset links."""
    refuse_directory_password(user)
    problems = password_policy.problems(password, user.login, user)
    if problems:
        raise AccountError(problems)
    password_policy.store(user, password)
    user.failed_logins = 0
    user.locked_until = None
    void_reset_links(user)
    sessions.end_all(user)  # whoever had the old password (or a copied cookie) is logged out


def change_own_password(user: User, current: str, new: str) -> None:
    refuse_directory_password(user)
    if not verify_password(user.password_hash, current):
        raise AccountError([_("The current password is wrong.")])
    set_password(user, new)
    audit.record(audit_log.PASSWORD_CHANGED, actor=user, obj=user)


def issue_api_key(user: User, *, via: str = "web") -> str:
    """A new 40-hex-digit key (Redmine's shape); only its digest is stored, so it is shown once.
    ``via="cli"``: made by whoever runs ``tracker user api-key`` on the server, not by the user."""
    regenerated = user.api_key_digest is not None
    key = secrets.token_hex(20)
    user.api_key_digest = User.digest_api_key(key)
    audit.record(audit_log.API_KEY_CREATED, actor=user if via == "web" else None, obj=user,
                 details={"regenerated": regenerated, "via": via})
    return key


@dataclass
class LoginResult:
    user: User | None = None
    error: str | None = None
    locked_until: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.user is not None and self.error is None


def authenticate(login: str, password: str, now: datetime | None = None, *, record_login: bool = True) -> LoginResult:
    """Check a login attempt; count failures and lock the account for a while after too many.

    ``record_login=False`` (HTTP Basic on the API, checked on every request): a success writes only when
    there were failures to forget, so an API GET does not write on every call; and no attempt is entered in
    the audit log (only a lockout is, whichever way it was reached).

    An interactive attempt is one audit entry (``auth.login`` or ``auth.login_failed``), committed here: a
    failed sign-in changes nothing else but the account's failure count, and the request ends without a
    commit of its own."""
    now = now or utcnow()
    config = current_app.config
    typed = (login or "").strip()
    user = db.session.scalar(select(User).where(func.lower(User.login) == typed.lower()))

    def failed(reason: str, result: LoginResult, *, counted: bool = False, locked: bool = False) -> LoginResult:
        # ``counted``: the account's failure count changed (``locked``: and locked it); committed with the entries.
        if record_login:
            audit.record(audit_log.LOGIN_FAILED, actor=user, login=typed[:255], obj=user, details={"reason": reason})
        if locked:
            audit.record(audit_log.LOCKOUT, actor=user, obj=user,
                         details={"until": user.locked_until.isoformat(), "via": "form" if record_login else "api"})
        if record_login or counted:
            db.session.commit()
        return result

    if sso_only() and not (user is not None and user.is_admin and not user.from_directory):
        verify_password(None, password)  # the same time whoever it is
        return failed("sso_only", LoginResult(error="sso_only"))
    if (user is None or user.auth_source == "ldap") and directory_enabled():
        if user is not None and user.is_locked(now):
            return failed("locked", LoginResult(error="locked", locked_until=user.locked_until))
        if not record_login and user is not None:
            return LoginResult(error="invalid")  # the API takes a directory user's API key, not their password
        from tracker.directory.services import sign_in

        result = sign_in(typed, password, user, now)
        if not result.ok:
            return failed(result.error, result)
        audit.record(audit_log.LOGIN, actor=result.user, obj=result.user, details={"via": "ldap"})
        db.session.commit()
        return result
    if user is None or user.from_directory:  # a directory (switched off) or single sign-on user has no password
        verify_password(None, password)
        return failed("unknown_login", LoginResult(error="invalid"))
    if user.is_locked(now):
        return failed("locked", LoginResult(error="locked", locked_until=user.locked_until))
    if not verify_password(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= config["LOGIN_MAX_FAILURES"]:
            user.failed_logins = 0
            user.locked_until = now + timedelta(minutes=config["LOGIN_LOCK_MINUTES"])
            return failed("wrong_password", LoginResult(error="locked", locked_until=user.locked_until), counted=True,
                          locked=True)
        return failed("wrong_password", LoginResult(error="invalid"), counted=True)
    if not user.active:
        return failed("inactive", LoginResult(error="inactive"))
    if not record_login:
        if user.failed_logins or user.locked_until is not None:
            user.failed_logins = 0
            user.locked_until = None
            db.session.commit()
        return LoginResult(user=user)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    audit.record(audit_log.LOGIN, actor=user, obj=user)
    db.session.commit()
    return LoginResult(user=user)


def create_user_as_admin(actor: User | None, *, org_roles=(), via: str = "web", **fields) -> User:
    """``create_user`` done by an administrator (or on the server's command line, ``via="cli"``), recorded in
    the audit log with the new user's fields and roles."""
    user = create_user(**fields)
    user.set_org_roles(org_roles)
    changes = [[name, None, value] for name, value in audit_log.user_snapshot(user).items() if value not in (None, False)]
    audit.record(audit_log.USER_CREATED, actor=actor, obj=user, changes=changes,
                 details={"via": via} if via != "web" else None)
    return user


_UNCHANGED = object()


def update_own_account(user: User, *, name: str, name_kana: str | None, email: str, language: str | None,
                       date_style: str | None = None, csv_encoding=_UNCHANGED) -> None:
    """What a user changes on their own account page, journaled as theirs. The directory (or single sign-on)
    owns the name, reading and mail of its users: for them only the language and date display change here."""
    from tracker.core.era import DATE_STYLES

    if date_style is not None and date_style not in DATE_STYLES:
        raise AccountError([_("Choose the Western calendar or the Japanese era for the date display.")])
    name, email = (name or "").strip(), (email or "").strip()
    with history.recording(user, user):
        if not user.from_directory:
            problems = validate_identity(user.login, email, exclude_id=user.id)
            if not name:
                problems.append(_("The full name is required."))
            if problems:
                raise AccountError(problems)
            user.name, user.name_kana, user.email = name, (name_kana or "").strip() or None, email
        user.language = language or None
        if date_style is not None:
            user.date_style = date_style
        if csv_encoding is not _UNCHANGED:
            user.csv_encoding = csv_encoding if csv_encoding == "shift_jis" else None


def update_user(user: User, *, actor: User | None = None, password: str | None = None, org_roles=None,
                **fields) -> None:
    """Apply an admin's edit; raises AccountError and changes nothing on bad input. What changed goes to the
    audit log, old → new (``audit_log.record_admin_edit``)."""
    before = audit_log.user_snapshot(user)
    login = (fields.get("login", user.login) or "").strip()
    email = (fields.get("email", user.email) or "").strip()
    problems = validate_identity(login, email, exclude_id=user.id)
    if not (fields.get("name", user.name) or "").strip():
        problems.append(_("The full name is required."))
    if password and user.from_directory:
        problems.append(_("This account signs in with the city's directory (Active Directory); change its "
                          "password there."))
    elif password:
        problems += password_policy.problems(password, login, user)
    if problems:
        raise AccountError(problems)
    fields.update(login=login, email=email)
    for key, value in fields.items():
        setattr(user, key, value)
    if password:
        password_policy.store(user, password, set_by_admin=True)
        user.failed_logins = 0
        user.locked_until = None
        void_reset_links(user)
        sessions.end_all(user)
    if fields.get("active") is False:
        sessions.end_all(user)
    if org_roles is not None:
        user.set_org_roles(org_roles)
    audit_log.record_admin_edit(actor, user, before, password_set=bool(password))


def set_active(actor: User | None, user: User, active: bool) -> None:
    """Activate or deactivate ``user``; a deactivated user is logged out everywhere."""
    before = audit_log.user_snapshot(user)
    user.active = active
    ended = sessions.end_all(user) if not active else 0
    audit_log.record_admin_edit(actor, user, before, details={"sessions_ended": ended} if ended else None)


def unlock(user: User, actor: User | None = None) -> None:
    """Lift a lockout after failed sign-ins (and forget the failures)."""
    if user.locked_until is not None or user.failed_logins:
        audit.record(audit_log.USER_UNLOCKED, actor=actor, obj=user,
                     details={"locked_until": user.locked_until.isoformat() if user.locked_until else None,
                              "failed_logins": user.failed_logins})
    user.failed_logins = 0
    user.locked_until = None


def delete_user(actor: User | None, user: User) -> None:
    """Delete an account that has written nothing. Redmine hands a deleted user's tickets and notes to
    "Anonymous"; here they keep their author, so an account with a trace is refused: lock it instead."""
    from sqlalchemy.exc import IntegrityError

    if actor is not None and actor.id == user.id:
        raise AccountError([_("You cannot delete your own account.")])
    snapshot, user_id = audit_log.user_snapshot(user), user.id
    try:
        with db.session.begin_nested():
            sessions.end_all(user)
            db.session.delete(user)
            db.session.flush()
    except IntegrityError:
        raise AccountError([_("This user has written tickets, notes, time entries or ideas, so the account "
                              "cannot be deleted: lock it instead (status 3).")]) from None
    audit.record(audit_log.USER_DELETED, actor=actor, object_type="user", object_id=user_id,
                 changes=[[name, value, None] for name, value in snapshot.items() if value not in (None, False)])
