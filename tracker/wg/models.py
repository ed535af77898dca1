"""Working groups (Redmine's projects), their members and the roles that give members permissions."""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from tracker.core.db import TimestampMixin, UTCDateTime
from tracker.extensions import db
from tracker.wg import permissions as perms  # noqa: F401  (the WG permission registry)

# Redmine's rule for a project identifier: lower-case letters, digits, dashes and underscores, not digits
# only, at most 100 characters, and not a word that names a page under /projects/.
IDENTIFIER_PATTERN = re.compile(r"^(?!\d+$)[a-z0-9_-]+$")
IDENTIFIER_MAX_LENGTH = 100
RESERVED_IDENTIFIERS = frozenset({"new"})


class Role(TimestampMixin, db.Model):
    """A per-WG role such as WG責任者, メンバー, オブザーバー; admins edit its permission set."""

    __tablename__ = "roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    permissions: Mapped[list[str]] = mapped_column(JSON, default=list)

    def has_permission(self, permission: str) -> bool:
        return permission in (self.permissions or [])

    def __str__(self) -> str:
        return self.name


class MemberRole(db.Model):
    __tablename__ = "member_roles"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True)


class Member(TimestampMixin, db.Model):
    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("wg_id", "user_id", name="uq_members_wg_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wg_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    wg: Mapped["WorkingGroup"] = relationship(back_populates="members")
    user: Mapped["User"] = relationship()  # noqa: F821
    roles: Mapped[list[Role]] = relationship(secondary="member_roles", order_by=Role.position, lazy="selectin")

    @property
    def permissions(self) -> set[str]:
        return {p for role in self.roles for p in (role.permissions or [])}


class WorkingGroup(TimestampMixin, db.Model):
    """A cross-department working group. The identifier is its URL slug, as a Redmine project's."""

    __tablename__ = "working_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    identifier: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    is_public: Mapped[bool] = mapped_column(Boolean, default=True)
    # Archived (Redmine's project status 9): hidden from everyone but administrators, who can unarchive it.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime(timezone=True))

    members: Mapped[list[Member]] = relationship(
        back_populates="wg", cascade="all, delete-orphan", order_by=Member.id
    )

    def __str__(self) -> str:
        return self.name

    # -- permissions: thin delegates to the one WG policy (tracker.wg.policy) ---------------------------

    def member_for(self, user) -> Member | None:
        if user is None or not user.is_authenticated:
            return None
        return db.session.scalar(select(Member).where(Member.wg_id == self.id, Member.user_id == user.id))

    def permissions_for(self, user) -> set[str]:
        from tracker.wg import policy

        return policy.permissions_for(user, self)

    def allows(self, user, permission: str) -> bool:
        from tracker.wg import policy

        return policy.has_permission(user, self, permission)

    def visible_to(self, user) -> bool:
        return self.allows(user, "view_wg")

    def editable_by(self, user) -> bool:
        return self.allows(user, "manage_wg")

    @classmethod
    def visible(cls, user):
        """SQL condition for the WGs ``user`` may see; lists, search, feeds, exports and the API use it."""
        from tracker.wg import policy

        return policy.with_permission(user, "view_wg")

    @classmethod
    def with_permission(cls, user, permission: str):
        """SQL condition for the WGs where ``user`` holds ``permission`` (e.g. to pick a WG for a new ticket)."""
        from tracker.wg import policy

        return policy.with_permission(user, permission)


# -- a per-request memo of permission answers ------------------------------------------------------
# A page asks "may this user do X in this WG?" many times (tabs, buttons, filters); the answers are kept
# for the request and forgotten as soon as a flush touches membership, roles, WGs or users.

def _request_cache() -> dict | None:
    from flask import g, has_app_context

    if not has_app_context():
        return None
    return g.setdefault("_wg_permission_cache", {})


@event.listens_for(Session, "after_flush")
def _forget_permissions(session, flush_context) -> None:
    from flask import g, has_app_context

    if not has_app_context() or "_wg_permission_cache" not in g:
        return
    from tracker.accounts.models import User, UserOrgRole
    from tracker.charter.models import Charter  # its phase decides whether a WG is read-only

    watched = (Member, MemberRole, Role, WorkingGroup, User, UserOrgRole, Charter)
    if any(isinstance(obj, watched) for obj in (*session.new, *session.dirty, *session.deleted)):
        g.pop("_wg_permission_cache", None)


@event.listens_for(Session, "after_soft_rollback")
def _forget_permissions_on_rollback(session, previous_transaction) -> None:
    """A rollback may undo a flushed membership change the memo was read after."""
    from flask import g, has_app_context

    if has_app_context():
        g.pop("_wg_permission_cache", None)


from tracker.wg import policy as _policy  # noqa: E402,F401  (registers the WG policy)

perms.add_restriction(perms.Restriction(
    name="archived_wg_hidden",
    applies_to=lambda wg: wg.archived_at is not None,
    restricted_wg_ids=lambda: select(WorkingGroup.id).where(WorkingGroup.archived_at.is_not(None)),
    hidden=True,
))
