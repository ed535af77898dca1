"""The password policy a city sets (``TRACKER_PASSWORD_*``): one validator for every way a password is set
(the user's own change, the reset link, an administrator, the CLI), and the rules that act at sign-in.

- minimum length, required character classes, no common password and not the login (``problems``);
- history: none of the last ``PASSWORD_HISTORY`` passwords again (their Argon2 hashes are kept);
- maximum age (``PASSWORD_MAX_AGE_DAYS``) and a password an administrator set: both make the user change it
  before anything else (``change_reason``; the sign-in gate in ``tracker.accounts.twofactor_views``).

The lockout threshold and duration are ``LOGIN_MAX_FAILURES`` / ``LOGIN_LOCK_MINUTES`` (also settable as
``TRACKER_PASSWORD_LOCKOUT_THRESHOLD`` / ``_MINUTES``), applied by ``services.authenticate``.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select

from tracker.accounts.models import PasswordHistoryEntry, User
from tracker.accounts.passwords import COMMON_PASSWORDS, hash_password, verify_password
from tracker.core.db import utcnow
from tracker.core.translation import gettext as _, lazy_gettext as _l
from tracker.extensions import db

CHARACTER_CLASSES = {
    "lower": (str.islower, _l("a lower-case letter")),
    "upper": (str.isupper, _l("an upper-case letter")),
    "digit": (str.isdigit, _l("a digit")),
    "symbol": (lambda c: not c.isalnum() and not c.isspace(), _l("a symbol")),
}

EXPIRED = "expired"
SET_BY_ADMIN = "set_by_admin"


def _config(name: str):
    return current_app.config[name]


def problems(password: str, login: str | None = None, user: User | None = None) -> list[str]:
    """Reasons ``password`` is not acceptable under the policy, in the user's language; empty when it is.
    ``user`` is the account it is for, when it exists (its recent passwords cannot be reused)."""
    found = []
    min_length = _config("PASSWORD_MIN_LENGTH")
    if len(password) < min_length:
        found.append(_("The password must be at least %(n)d characters long.", n=min_length))
    for name in _config("PASSWORD_REQUIRED_CLASSES"):
        test, label = CHARACTER_CLASSES.get(name, (None, None))
        if test is not None and not any(test(c) for c in password):
            found.append(_("The password must contain %(what)s.", what=label))
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:
        found.append(_("The password is too easy to guess."))
    if login and login.lower() in password.lower():
        found.append(_("The password must not contain the login name."))
    if user is not None and not found and _reused(user, password):
        found.append(_(
            "The password must differ from your last %(n)d passwords.", n=_config("PASSWORD_HISTORY")
        ))
    return found


def _recent_hashes(user: User) -> list[str]:
    count = _config("PASSWORD_HISTORY")
    if count <= 0 or user.id is None:
        return []
    return list(db.session.scalars(
        select(PasswordHistoryEntry.password_hash).where(PasswordHistoryEntry.user_id == user.id)
        .order_by(PasswordHistoryEntry.created_at.desc(), PasswordHistoryEntry.id.desc()).limit(count)
    ))


def _reused(user: User, password: str) -> bool:
    """Whether ``password`` is one of the last N (the current one included)."""
    count = _config("PASSWORD_HISTORY")
    hashes = _recent_hashes(user)
    if count > 0 and user.password_hash and user.password_hash not in hashes:
        hashes = [user.password_hash, *hashes][:count]  # set before the history was kept
    return any(verify_password(h, password) for h in hashes)


def store(user: User, password: str, *, set_by_admin: bool = False, now: datetime | None = None) -> None:
    """Set an already validated password: its hash, its age, the history, and whether the user must change it
    at the next sign-in (an administrator chose it and the policy says so)."""
    now = now or utcnow()
    previous_hash, previous_at = user.password_hash, user.password_changed_at
    user.password_hash = hash_password(password)
    user.password_changed_at = now
    user.password_change_required = bool(set_by_admin and _config("PASSWORD_CHANGE_ADMIN_SET"))
    keep = _config("PASSWORD_HISTORY")
    if keep <= 0:
        return
    if user.id is None:
        db.session.add(user)
        db.session.flush()
    if previous_hash and previous_hash not in _recent_hashes(user):
        # A password set before the history was kept (or while it was off) counts as well.
        db.session.add(PasswordHistoryEntry(user_id=user.id, password_hash=previous_hash,
                                            created_at=min(previous_at or now, now - timedelta(seconds=1))))
    db.session.add(PasswordHistoryEntry(user_id=user.id, password_hash=user.password_hash, created_at=now))
    db.session.flush()
    old_ids = db.session.scalars(
        select(PasswordHistoryEntry.id).where(PasswordHistoryEntry.user_id == user.id)
        .order_by(PasswordHistoryEntry.created_at.desc(), PasswordHistoryEntry.id.desc()).offset(keep)
    ).all()
    if old_ids:
        db.session.execute(delete(PasswordHistoryEntry).where(PasswordHistoryEntry.id.in_(old_ids)),
                           execution_options={"synchronize_session": False})


def expires_at(user: User) -> datetime | None:
    days = _config("PASSWORD_MAX_AGE_DAYS")
    if days <= 0 or user.password_changed_at is None:
        return None
    return user.password_changed_at + timedelta(days=days)


def change_reason(user: User, now: datetime | None = None) -> str | None:
    """Why ``user`` must change their password before doing anything else, or None."""
    if not user.password_hash:
        return None
    if user.password_change_required:
        return SET_BY_ADMIN
    deadline = expires_at(user)
    if deadline is not None and deadline <= (now or utcnow()):
        return EXPIRED
    return None


def change_message(reason: str) -> str:
    if reason == SET_BY_ADMIN:
        return _("An administrator set your password. Choose your own password before you continue.")
    return _("Your password has expired. Choose a new password before you continue.")
