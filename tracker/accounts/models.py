"""People and the organisation they belong to: departments (部), sections (課) and users."""
from __future__ import annotations

import enum
import hashlib
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Enum, ForeignKey, Integer, String, UniqueConstraint, select
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from tracker.core.db import TimestampMixin, UTCDateTime
from tracker.extensions import db


class Department(TimestampMixin, db.Model):
    """A 部: groups sections."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    sections: Mapped[list["Section"]] = relationship(
        back_populates="department", order_by="Section.position, Section.name"
    )

    def __str__(self) -> str:
        return self.name


def load_org_roles(users) -> None:
    """Reads the organisation roles of those of ``users`` not read yet, in one statement for all of them."""
    from sqlalchemy.orm.attributes import set_committed_value

    pending = {u.id: u for u in users if u.id is not None and "org_role_rows" not in u.__dict__}
    if not pending:
        return
    rows: dict[int, list[UserOrgRole]] = {user_id: [] for user_id in pending}
    for row in db.session.scalars(select(UserOrgRole).where(UserOrgRole.user_id.in_(list(pending)))):
        rows[row.user_id].append(row)
    for user_id, user in pending.items():
        set_committed_value(user, "org_role_rows", rows[user_id])


class Section(TimestampMixin, db.Model):
    """A 課 (or 室): the unit a user belongs to, that owns processes and asks for help."""

    __tablename__ = "sections"
    __table_args__ = (UniqueConstraint("department_id", "name", name="uq_sections_department_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)

    department: Mapped[Department] = relationship(back_populates="sections")
    users: Mapped[list["User"]] = relationship(back_populates="section")

    @property
    def full_name(self) -> str:
        return f"{self.department.name} {self.name}"

    def __str__(self) -> str:
        return self.name


class OrgRole(str, enum.Enum):
    """Organisation-wide roles; per-WG roles live with WG membership."""

    DX_OFFICE = "dx_office"  # DX推進担当: sees and decides on every WG
    HR = "hr"  # 人事: sees HR-only talent data
    IDEA_MODERATOR = "idea_moderator"  # アイデアボックス管理者
    AUDITOR = "auditor"  # 監査担当: reads the audit log


class UserOrgRole(db.Model):
    __tablename__ = "user_org_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[OrgRole] = mapped_column(
        Enum(OrgRole, native_enum=False, length=30, values_callable=lambda e: [m.value for m in e]),
        primary_key=True,
    )


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_kana: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id", ondelete="SET NULL"), index=True)
    job_title: Mapped[str | None] = mapped_column(String(100))
    language: Mapped[str | None] = mapped_column(String(8))
    # 西暦 ("western": 2026年12月2日) or 和暦 ("japanese": R8年12月2日); the day/moment/fiscal_year filters read it.
    date_style: Mapped[str] = mapped_column(String(10), default="western", server_default="western")
    # The encoding of the ticket CSV when the download names none (None: UTF-8 with BOM; "shift_jis": CP932).
    csv_encoding: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    api_key_digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Where the password is checked: "local" (password_hash), "ldap" (the city's directory) or "oidc" (single
    # sign-on). The directory and the provider also own the name, mail, section and title; such a user has no
    # local password.
    auth_source: Mapped[str] = mapped_column(String(20), default="local", server_default="local")
    directory_dn: Mapped[str | None] = mapped_column(String(500))
    # The password policy (tracker.accounts.password_policy): its age, and a change the user must make
    # before anything else (an administrator set it).
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_change_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())

    section: Mapped[Section | None] = relationship(back_populates="users")
    # Read when asked (the signed-in user's, once): the authors, assignees and members a page shows never ask,
    # and reading them for every user loaded cost one statement per load. Code that asks many users at once
    # (a notification's audience, the user list) reads them together with ``load_org_roles``.
    org_role_rows: Mapped[list[UserOrgRole]] = relationship(cascade="all, delete-orphan", lazy="select")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def org_roles(self) -> set[OrgRole]:
        return {row.role for row in self.org_role_rows}

    def set_org_roles(self, roles) -> None:
        wanted = {OrgRole(r) for r in roles}
        self.org_role_rows = [row for row in self.org_role_rows if row.role in wanted]
        for role in wanted - self.org_roles:
            self.org_role_rows.append(UserOrgRole(role=role))

    def has_org_role(self, role: OrgRole) -> bool:
        """Administrators hold every organisation-wide role."""
        return self.is_admin or role in self.org_roles

    @property
    def is_dx_office(self) -> bool:
        return self.has_org_role(OrgRole.DX_OFFICE)

    @property
    def is_hr(self) -> bool:
        return self.has_org_role(OrgRole.HR)

    @property
    def is_idea_moderator(self) -> bool:
        return self.has_org_role(OrgRole.IDEA_MODERATOR)

    # The session this request runs in (set by tracker.accounts.sessions); Flask-Login stores get_id() in
    # the session cookie and the remember cookie, so both name a server-side session that can be ended.
    session_token = None  # type: str | None  (not a column)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}" if self.session_token else f"{self.id}:"

    @property
    def from_directory(self) -> bool:
        """The identity is the city's (directory or single sign-on): no local password, fields kept in step."""
        return self.auth_source in ("ldap", "oidc")

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now

    @staticmethod
    def digest_api_key(key: str) -> str:
        # API keys are 160 random bits, so a fast digest is enough; it lets us look the key up by index.
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def by_api_key(cls, key: str) -> "User | None":
        if not key:
            return None
        # On every API request: the user and their organisation roles in one query.
        return db.session.scalars(
            select(cls).where(cls.api_key_digest == cls.digest_api_key(key)).options(joinedload(cls.org_role_rows))
        ).unique().first()

    def __str__(self) -> str:
        return self.name


class PasswordResetToken(db.Model):
    """A single-use link to set a new password (Redmine's "Lost password"). Only a digest of the token is
    stored, as for API keys: someone who reads the database cannot use an outstanding link."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The administrator who sent it from the user page; None when the user asked for it.
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @staticmethod
    def digest(token: str) -> str:
        # Tokens are 256 random bits, so a fast digest is enough and lets us look them up by index.
        return hashlib.sha256(token.encode()).hexdigest()


class UserSession(db.Model):
    """A login on one browser: its session and remember-me cookies carry the token, whose digest is here.
    Deleting the row ends that login everywhere its cookies were copied to."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    remember: Mapped[bool] = mapped_column(Boolean, default=False)
    user_agent: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(45))

    @staticmethod
    def digest(token: str) -> str:
        # Tokens are 256 random bits, so a fast digest is enough and lets us look them up by index.
        return hashlib.sha256(token.encode()).hexdigest()


class PasswordHistoryEntry(db.Model):
    """A password a user had (its hash), so that the policy can refuse the last N again."""

    __tablename__ = "password_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TwoFactorCredential(db.Model):
    """A user's TOTP secret. The row exists once they confirmed enrolment with a code; resetting the second
    factor deletes it, and with it every remembered device (their cookies name ``device_nonce``)."""

    __tablename__ = "user_two_factor"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))
    enabled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The TOTP time step of the last accepted code: a code of that step or an earlier one is a replay.
    last_used_step: Mapped[int | None] = mapped_column(Integer)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    device_nonce: Mapped[str] = mapped_column(String(32))


class RecoveryCode(db.Model):
    """A one-time code for a lost device; only a salted digest is stored (``tracker.accounts.twofactor``)."""

    __tablename__ = "two_factor_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
