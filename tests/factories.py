"""Factories for test data: each call makes a valid object with unique defaults, overridable by keyword."""
from __future__ import annotations

import itertools

from tracker.accounts.models import Department, Section, User
from tracker.accounts.passwords import hash_password
from tracker.wg.models import Member, Role, WorkingGroup

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

    def role(self, name: str | None = None, permissions=("view_wg",), **fields) -> Role:
        """A role by name: the default roles (WG責任者, メンバー, オブザーバー) come from the migration."""
        from sqlalchemy import select

        if name is not None:
            existing = self.db.session.scalar(select(Role).where(Role.name == name))
            if existing is not None:
                return existing
        n = next(_counter)
        return self._save(Role(name=name or f"ロール{n}", permissions=list(permissions), **fields))

    def wg(self, members: dict | None = None, **fields) -> WorkingGroup:
        """A WG; ``members`` maps users to a role name or a list of role names."""
        n = next(_counter)
        fields.setdefault("identifier", f"wg-{n}")
        fields.setdefault("name", f"テストWG {n}")
        fields.setdefault("is_public", True)
        wg = self._save(WorkingGroup(**fields))
        for user, roles in (members or {}).items():
            self.member(wg, user, roles)
        return wg

    def member(self, wg: WorkingGroup, user: User, roles="メンバー") -> Member:
        names = [roles] if isinstance(roles, str) else list(roles)
        member = Member(wg=wg, user=user, roles=[self.role(name) for name in names])
        return self._save(member)

    # -- tickets -----------------------------------------------------------------------------------

    def tracker(self, name: str = "タスク"):
        from sqlalchemy import select

        from tracker.tickets.models import Tracker

        return self.db.session.scalar(select(Tracker).where(Tracker.name == name))

    def status(self, name: str = "新規"):
        from sqlalchemy import select

        from tracker.tickets.models import IssueStatus

        return self.db.session.scalar(select(IssueStatus).where(IssueStatus.name == name))

    def priority(self, name: str = "通常"):
        from sqlalchemy import select

        from tracker.tickets.models import IssuePriority

        return self.db.session.scalar(select(IssuePriority).where(IssuePriority.name == name))

    def ticket(self, wg: WorkingGroup | None = None, author: User | None = None, **fields):
        """A ticket written straight to the database (services are tested on their own)."""
        from tracker.tickets.models import Ticket

        n = next(_counter)
        author = author or self.user()
        wg = wg or self.wg(members={author: "メンバー"})
        fields.setdefault("subject", f"チケット {n}")
        tracker = fields.pop("tracker", None) or self.tracker()
        status = fields.pop("status", None) or self.status()
        priority = fields.pop("priority", None) or self.priority()
        fields.setdefault("description", "")
        ticket = Ticket(wg=wg, author=author, tracker=tracker, status=status, priority=priority, **fields)
        ticket = self._save(ticket)
        from tracker.tickets.services import reindex

        reindex(ticket)
        return ticket

    def custom_field(self, name: str | None = None, field_format: str = "list", trackers=None, **fields):
        from sqlalchemy import select

        from tracker.tickets.models import CustomField, Tracker

        n = next(_counter)
        fields.setdefault("is_for_all", True)
        field = CustomField(name=name or f"項目{n}", field_format=field_format, **fields)
        field.trackers = list(trackers) if trackers is not None else list(self.db.session.scalars(select(Tracker)))
        return self._save(field)
