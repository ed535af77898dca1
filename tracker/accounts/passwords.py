"""Password hashing (Argon2id through argon2-cffi) and the password policy."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from tracker.core.translation import gettext as _

_hasher = PasswordHasher()

# The few passwords that every guessing list starts with; length does the rest of the work.
COMMON_PASSWORDS = {
    "password", "password1", "password123", "1234567890", "12345678910", "qwertyuiop",
    "0123456789", "abcdefghij", "iloveyou12", "administrator", "passw0rd12", "letmein123",
}


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problems(password: str, login: str | None = None) -> list[str]:
    """Reasons a password is too weak, in the user's language; empty when it is acceptable."""
    problems = []
    min_length = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < min_length:
        problems.append(_("The password must be at least %(n)d characters long.", n=min_length))
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:
        problems.append(_("The password is too easy to guess."))
    if login and login.lower() in password.lower():
        problems.append(_("The password must not contain the login name."))
    return problems
