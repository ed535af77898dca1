"""Two-factor sign-in with TOTP (RFC 6238 through pyotp): enrolment, codes at sign-in, recovery codes,
remembered devices and the administrator's reset for a lost device.

- The secret lives in ``TwoFactorCredential`` once the user confirmed it with a code from their app. Until
  then it is only in their (signed) session: the enrolment page is a GET and writes nothing.
- A code is accepted for the current 30-second step and one step either side (clock drift). The step of the
  last accepted code is stored, so a code cannot be used twice (a replay, even within its 90 seconds).
- Ten recovery codes are shown once and stored as salted SHA-256 digests (a random 16-byte salt per code).
  A code carries 79 random bits, so, as for API keys, a fast digest is enough: a copy of the database
  does not give them away, and checking one costs no Argon2 round per stored code. Using one consumes it.
- Wrong codes count per account; after ``LOGIN_MAX_FAILURES`` the account locks as after wrong passwords.
- A remembered device carries a signed, http-only cookie naming the user and the credential's
  ``device_nonce``; resetting or disabling the second factor deletes the credential, so every such cookie
  stops working.
- API keys sign in without a second factor (a key is its own credential); see ``tracker.api.auth``.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

import pyotp
from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, func, select

from tracker.accounts import sessions
from tracker.accounts.models import RecoveryCode, TwoFactorCredential, User
from tracker.accounts.passwords import verify_password
from tracker.core import audit
from tracker.core.db import utcnow
from tracker.core.services import ServiceError
from tracker.core.translation import gettext as _, lazy_gettext as _l
from tracker.extensions import db

VALID_WINDOW = 1  # steps either side of now that are accepted (a phone's clock is a little off)
EXPIRED_WINDOW = 20  # older steps (up to 10 minutes) are recognised, to say "expired" rather than "wrong"
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: a code is read off paper and typed by hand.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 16  # 16 of 31 characters: 79 random bits
DEVICE_COOKIE = "tracker_2fa_device"
_DEVICE_SALT = "tracker.accounts.twofactor.device"

audit.register_action("account.2fa_enabled", _l("Two-factor sign-in enabled"), "security")
audit.register_action("account.2fa_disabled", _l("Two-factor sign-in disabled"), "security")
audit.register_action("admin.2fa_reset", _l("Two-factor sign-in reset by an administrator"), "security")
# The password step is recorded as a sign-in (auth.login); these say how the code step went.
audit.register_action("auth.2fa_failed", _l("Second-factor code refused"), "security")
audit.register_action("auth.2fa_recovery_code_used", _l("Signed in with a recovery code"), "security")


class TwoFactorError(ServiceError):
    """A code that is not accepted; the message says why, ``reason`` names it for the audit log ("wrong",
    "replayed", "expired", "malformed")."""

    def __init__(self, messages, reason: str = "refused"):
        super().__init__(messages)
        self.reason = reason


def credential(user: User) -> TwoFactorCredential | None:
    if user is None or user.id is None:
        return None
    return db.session.get(TwoFactorCredential, user.id)


def is_enabled(user: User) -> bool:
    return credential(user) is not None


def is_required(user: User) -> bool:
    """Whether the configuration asks ``user`` for a second factor: everyone, or the holders of a role in
    ``TWO_FACTOR_REQUIRED_ROLES`` ("admin" names administrators; the others are organisation roles, held as
    such, not through being an administrator). Single sign-on users are the identity provider's concern."""
    if user.auth_source == "oidc":
        return False  # single sign-on: the identity provider's own second factor applies
    config = current_app.config
    if config["TWO_FACTOR_REQUIRED_FOR_ALL"]:
        return True
    roles = set(config["TWO_FACTOR_REQUIRED_ROLES"])
    if "admin" in roles and user.is_admin:
        return True
    return any(role.value in roles for role in user.org_roles)


def must_enrol(user: User) -> bool:
    return is_required(user) and not is_enabled(user)


# -- enrolment ------------------------------------------------------------------------------------------------

def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.login, issuer_name=current_app.config["TWO_FACTOR_ISSUER"])


def qr_svg(uri: str) -> str:
    """The QR code as inline SVG, made here (no image service, nothing for the CSP to allow)."""
    import segno  # imported on use (enrolment only)

    return segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff", border=4)


def _step(now: datetime) -> int:
    return int(now.timestamp()) // 30


def _normalise(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def _matching_step(secret: str, code: str, now: datetime, oldest: int) -> int | None:
    """The time step whose code is ``code``, searched from ``VALID_WINDOW`` ahead back to ``oldest`` steps
    ago (latest first), or None."""
    totp = pyotp.TOTP(secret)
    current = _step(now)
    for step in range(current + VALID_WINDOW, current - oldest - 1, -1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def check_totp(secret: str, code: str, last_used_step: int | None, now: datetime | None = None) -> int:
    """The step of a valid, unused code; raises TwoFactorError saying whether it was wrong, already used or
    expired."""
    now = now or utcnow()
    code = _normalise(code)
    if not (len(code) == 6 and code.isdigit()):
        raise TwoFactorError(_("Enter the 6-digit code that your authenticator app shows."), "malformed")
    step = _matching_step(secret, code, now, VALID_WINDOW)
    if step is not None:
        if last_used_step is not None and step <= last_used_step:
            raise TwoFactorError(_(
                "This code has already been used. Wait for the next code in your authenticator app and enter that."
            ), "replayed")
        return step
    if _matching_step(secret, code, now, EXPIRED_WINDOW) is not None:
        raise TwoFactorError(_(
            "This code has expired. Enter the code that your authenticator app shows now "
            "(check that the phone's clock is set automatically)."
        ), "expired")
    raise TwoFactorError(_("The code is wrong. Enter the code that your authenticator app shows now."), "wrong")


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id),
                       execution_options={"synchronize_session": False})
    codes = []
    for _n in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _c in range(RECOVERY_CODE_LENGTH))
        codes.append("-".join(raw[i:i + 4] for i in range(0, RECOVERY_CODE_LENGTH, 4)))
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_digest_recovery_code(raw)))
    return codes


def _digest_recovery_code(raw: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(16)
    return f"sha256${salt}${hashlib.sha256((salt + raw).encode()).hexdigest()}"


def _recovery_code_matches(stored: str, raw: str) -> bool:
    _scheme, _sep, rest = stored.partition("$")
    salt, _sep, _digest = rest.partition("$")
    return bool(salt) and hmac.compare_digest(stored, _digest_recovery_code(raw, salt))


def enable(user: User, secret: str, code: str, now: datetime | None = None) -> list[str]:
    """Turn the second factor on with the secret the user's app now holds, proven by a code from it.
    Returns the ten recovery codes (shown once; only hashes are stored). Raises TwoFactorError."""
    if not secret:
        raise TwoFactorError(_("The enrolment has expired. Scan the new QR code and enter its code."))
    if is_enabled(user):
        raise TwoFactorError(_("Two-factor sign-in is already enabled."))
    now = now or utcnow()
    step = check_totp(secret, code, None, now)
    db.session.add(TwoFactorCredential(
        user_id=user.id, secret=secret, enabled_at=now, last_used_step=step, failed_attempts=0,
        device_nonce=secrets.token_hex(16),
    ))
    codes = _new_recovery_codes(user)
    audit.record("account.2fa_enabled", actor=user, obj=user)
    return codes


def regenerate_recovery_codes(user: User) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""
    if not is_enabled(user):
        raise TwoFactorError(_("Two-factor sign-in is not enabled."))
    return _new_recovery_codes(user)


def remaining_recovery_codes(user: User) -> int:
    return db.session.scalar(
        select(func.count(RecoveryCode.id)).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ) or 0


def _remove(user: User) -> None:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id),
                       execution_options={"synchronize_session": False})
    row = credential(user)
    if row is not None:
        db.session.delete(row)
        db.session.flush()


def disable(user: User, password: str) -> None:
    """The user turns their own second factor off (confirming with their password); not while it is
    required for them."""
    if is_required(user):
        raise TwoFactorError(_("Two-factor sign-in is required for your account and cannot be turned off."))
    if not verify_password(user.password_hash, password):
        raise TwoFactorError(_("The current password is wrong."))
    if not is_enabled(user):
        raise TwoFactorError(_("Two-factor sign-in is not enabled."))
    _remove(user)
    audit.record("account.2fa_disabled", actor=user, obj=user)


def reset(user: User, actor: User) -> None:
    """An administrator removes a user's second factor (a lost phone): the secret, the recovery codes and
    every remembered device go, and so do the user's sessions. If it is required for them, their next
    sign-in takes them to enrolment."""
    if not is_enabled(user):
        raise TwoFactorError(_("%(login)s has no second factor to reset.", login=user.login))
    _remove(user)
    sessions.end_all(user)
    audit.record("admin.2fa_reset", actor=actor, obj=user, details={"login": user.login})


# -- sign-in ----------------------------------------------------------------------------------------------------

def _use_recovery_code(user: User, code: str, now: datetime) -> bool:
    raw = _normalise(code)
    if len(raw) != RECOVERY_CODE_LENGTH:
        return False
    for row in db.session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ):
        if _recovery_code_matches(row.code_hash, raw):
            row.used_at = now
            return True
    return False


def verify(user: User, code: str, now: datetime | None = None) -> str:
    """Check the second step of a sign-in: a TOTP code, or else a recovery code (consumed). Returns "totp"
    or "recovery"; raises TwoFactorError with the reason. Counts failures; too many lock the account. The
    caller commits either way (a failure is counted, a success marks the code used)."""
    now = now or utcnow()
    row = credential(user)
    if row is None:
        raise TwoFactorError(_("Two-factor sign-in is not enabled."))
    normalised = _normalise(code)
    try:
        if len(normalised) == 6 and normalised.isdigit():
            row.last_used_step = check_totp(row.secret, normalised, row.last_used_step, now)
            used = "totp"
        elif _use_recovery_code(user, normalised, now):
            used = "recovery"
        else:
            raise TwoFactorError(_("The code is wrong. Enter the code that your authenticator app shows now."), "wrong")
    except TwoFactorError as error:
        row.failed_attempts += 1
        locked = row.failed_attempts >= current_app.config["LOGIN_MAX_FAILURES"]
        if locked:
            row.failed_attempts = 0
            user.locked_until = now + timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
        audit.record("auth.2fa_failed", actor=user, obj=user, details={"reason": error.reason, "locked": locked})
        raise
    row.failed_attempts = 0
    if used == "recovery":
        audit.record("auth.2fa_recovery_code_used", actor=user, obj=user,
                     details={"remaining": remaining_recovery_codes(user)})
    return used


# -- remembered devices -----------------------------------------------------------------------------------------

def remember_days() -> int:
    return max(0, int(current_app.config["TWO_FACTOR_REMEMBER_DAYS"]))


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_DEVICE_SALT)


def device_cookie_value(user: User) -> str:
    row = credential(user)
    return _serializer().dumps({"user": user.id, "nonce": row.device_nonce})


def device_remembered(user: User, cookie: str | None) -> bool:
    """Whether this browser's cookie says ``user`` confirmed a code here within the remembered days, since
    their second factor was last set up."""
    days = remember_days()
    if not cookie or days <= 0:
        return False
    try:
        data = _serializer().loads(cookie, max_age=days * 86400)
    except BadSignature:
        return False
    row = credential(user)
    return (
        row is not None and isinstance(data, dict) and data.get("user") == user.id
        and hmac.compare_digest(str(data.get("nonce", "")), row.device_nonce)
    )

