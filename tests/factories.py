"""Factories for test data: each call makes a valid object with unique defaults, overridable by keyword."""
from __future__ import annotations

import itertools

from tracker.accounts.models import Department, Section, User
from tracker.accounts.passwords import hash_password

_counter = itertools.count(1)
_HASH_CACHE: dict[str, str] = {}


def _hashed(password: str) -> str:
    # Argon2 is slow on purpose; tests reuse one hash per password.
    if password not in _HASH_CACHE:
        _HASH_CACHE[password] = hash_password(password)
    return _HASH_CACHE[password]


class Factories:
    def __init__(self, db):
        self.db = db

    def _save(self, obj):
        self.db.session.add(obj)
        self.db.session.flush()
        return obj

    def department(self, **fields) -> Department:
        n = next(_counter)
        fields.setdefault("name", f"部{n}")
        return self._save(Department(**fields))

    def section(self, department: Department | None = None, **fields) -> Section:
        n = next(_counter)
        fields.setdefault("name", f"課{n}")
        return self._save(Section(department=department or self.department(), **fields))

    def user(self, password: str | None = None, org_roles=(), **fields) -> User:
        from tests.conftest import TEST_PASSWORD

        n = next(_counter)
        fields.setdefault("login", f"user{n}")
        fields.setdefault("name", f"職員 {n}")
        fields.setdefault("email", f"{fields['login']}@example.lg.jp")
        fields.setdefault("language", "ja")
        user = User(password_hash=_hashed(password or TEST_PASSWORD), **fields)
        user.set_org_roles(org_roles)
        return self._save(user)

    def admin(self, **fields) -> User:
        return self.user(is_admin=True, **fields)
