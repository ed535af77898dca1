"""Working groups (Redmine's projects), their members and the roles that give members permissions."""
from __future__ import annotations

import re

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, false, or_, select, true
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from tracker.core.db import TimestampMixin
from tracker.extensions import db
from tracker.wg import permissions as perms

IDENTIFIER_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,99}$")


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

    members: Mapped[list[Member]] = relationship(
        back_populates="wg", cascade="all, delete-orphan", order_by=Member.id
    )

    def __str__(self) -> str:
        return self.name

    # -- permissions: the one place that decides who may see and do what in a WG --------------------

    def member_for(self, user) -> Member | None:
        if user is None or not user.is_authenticated:
            return None
        return db.session.scalar(select(Member).where(Member.wg_id == self.id, Member.user_id == user.id))

    def permissions_for(self, user) -> set[str]:
        if user is None or not user.is_authenticated or not user.active:
            return set()
        if user.is_admin:
            return perms.all_permissions()
        cache = _request_cache()
        key = ("wg", self.id, user.id)
        if cache is not None and key in cache:
            return set(cache[key])
        granted: set[str] = set()
        member = self.member_for(user)
        if member is not None:
            granted |= member.permissions
            granted.add("view_wg")
        if self.is_public or user.is_dx_office:
            granted |= perms.READ_ONLY
        if cache is not None:
            cache[key] = frozenset(granted)
        return granted

    def allows(self, user, permission: str) -> bool:
        return permission in self.permissions_for(user)

    def visible_to(self, user) -> bool:
        return self.allows(user, "view_wg")

    def editable_by(self, user) -> bool:
        return self.allows(user, "manage_wg")

    @classmethod
    def visible(cls, user):
        """SQL condition for the WGs ``user`` may see; lists, search, feeds, exports and the API use it."""
        if user is None or not user.is_authenticated or not user.active:
            return false()
        if user.is_admin or user.is_dx_office:
            return true()
        member_of = select(Member.wg_id).where(Member.user_id == user.id)
        return or_(cls.is_public.is_(True), cls.id.in_(member_of))

    @classmethod
    def with_permission(cls, user, permission: str):
        """SQL condition for the WGs where ``user`` holds ``permission`` (e.g. to pick a WG for a new ticket)."""
        if user is None or not user.is_authenticated or not user.active:
            return false()
        if user.is_admin:
            return true()
        cache = _request_cache()
        key = ("roles", permission)
        if cache is not None and key in cache:
            role_ids = cache[key]
        else:
            role_ids = [r.id for r in db.session.scalars(select(Role)) if r.has_permission(permission)]
            if cache is not None:
                cache[key] = role_ids
        conditions = []
        if role_ids:
            conditions.append(
                cls.id.in_(
                    select(Member.wg_id)
                    .join(MemberRole, MemberRole.member_id == Member.id)
                    .where(Member.user_id == user.id, MemberRole.role_id.in_(role_ids))
                )
            )
        if permission in perms.READ_ONLY:
            conditions.append(cls.visible(user))
        return or_(*conditions) if conditions else false()


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

    watched = (Member, MemberRole, Role, WorkingGroup, User, UserOrgRole)
    if any(isinstance(obj, watched) for obj in (*session.new, *session.dirty, *session.deleted)):
        g.pop("_wg_permission_cache", None)
