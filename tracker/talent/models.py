"""Talent bank (庁内人材バンク): staff profiles, the skill taxonomy, help requests (応援依頼) and who helps.

Who may see which part of a profile is decided here and only here: ``Profile.part_visible_to`` (Python)
and ``Profile.part_visible`` (SQL), used by profile pages, search, exports and the API alike.
"""
from __future__ import annotations

from tracker.core.org_permissions import has_org_permission
import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean, CheckConstraint, Date, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false, or_, true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core.db import TimestampMixin, UTCDateTime
from tracker.extensions import db


def _enum(cls, length: int = 20):
    return Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


# HR (人事課): the talent bank's HR data (HR-only parts, staff numbers), import and export, and approving
# help engagements where no section chief can. Registered as an organisation permission in policy.py.
MANAGE_TALENT_BANK = "manage_talent_bank"

class Visibility(str, enum.Enum):
    EVERYONE = "everyone"  # 全職員
    HR = "hr"  # 人事担当のみ (and the person)
    ONLY_ME = "only_me"  # 本人のみ


# The parts of a profile whose visibility the owner chooses. Name, section and title come from the
# account and are always visible, as in the staff directory.
PARTS = ("skills", "certifications", "career", "achievements", "availability")

# Job titles of the person who approves that a member of their section helps elsewhere (see chiefs_of).
CHIEF_TITLES = ("課長", "室長", "所長", "館長", "センター長")


class Skill(TimestampMixin, db.Model):
    """An entry of the admin-managed taxonomy: a name, a category and synonyms (one per line or comma)."""

    __tablename__ = "talent_skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    category: Mapped[str] = mapped_column(String(100), default="")
    synonyms: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def synonym_list(self) -> list[str]:
        return [s.strip() for s in self.synonyms.replace("、", ",").replace("\n", ",").split(",") if s.strip()]

    def __str__(self) -> str:
        return self.name


class Profile(TimestampMixin, db.Model):
    __tablename__ = "talent_profiles"
    __table_args__ = (
        CheckConstraint("time_share >= 0 AND time_share <= 100", name="time_share_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    staff_number: Mapped[str | None] = mapped_column(String(30), unique=True)  # 職員番号 (HR system key)
    achievements: Mapped[str] = mapped_column(Text, default="")
    willing_to_help: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    time_share: Mapped[int] = mapped_column(Integer, default=0)  # percent of the week
    available_until: Mapped[date | None] = mapped_column(Date)
    skills_visibility: Mapped[Visibility] = mapped_column(_enum(Visibility), default=Visibility.EVERYONE)
    certifications_visibility: Mapped[Visibility] = mapped_column(_enum(Visibility), default=Visibility.EVERYONE)
    career_visibility: Mapped[Visibility] = mapped_column(_enum(Visibility), default=Visibility.EVERYONE)
    achievements_visibility: Mapped[Visibility] = mapped_column(_enum(Visibility), default=Visibility.EVERYONE)
    availability_visibility: Mapped[Visibility] = mapped_column(_enum(Visibility), default=Visibility.EVERYONE)

    user: Mapped["User"] = relationship()  # noqa: F821
    skills: Mapped[list["ProfileSkill"]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="desc(ProfileSkill.level)"
    )
    certifications: Mapped[list["Certification"]] = relationship(
        cascade="all, delete-orphan", order_by="Certification.acquired_on"
    )
    career: Mapped[list["CareerEntry"]] = relationship(
        cascade="all, delete-orphan", order_by="desc(CareerEntry.started_on)"
    )

    def visibility_of(self, part: str) -> Visibility:
        return Visibility(getattr(self, f"{part}_visibility"))

    # -- the one visibility rule ------------------------------------------------------------------

    def part_visible_to(self, user, part: str) -> bool:
        if user is None or not user.is_authenticated or not user.active:
            return False
        if user.id == self.user_id:
            return True
        visibility = self.visibility_of(part)
        return visibility == Visibility.EVERYONE or (visibility == Visibility.HR and has_org_permission(user, MANAGE_TALENT_BANK))

    def visible_parts(self, user) -> set[str]:
        return {part for part in PARTS if self.part_visible_to(user, part)}

    @classmethod
    def part_visible(cls, user, part: str, entity=None):
        """SQL condition: ``part`` of the profile may be seen by ``user`` (same rule as part_visible_to).
        ``entity`` is an alias of Profile when the query needs one."""
        if user is None or not user.is_authenticated or not user.active:
            return false()
        entity = entity if entity is not None else cls
        column = getattr(entity, f"{part}_visibility")
        allowed = [Visibility.EVERYONE] + ([Visibility.HR] if has_org_permission(user, MANAGE_TALENT_BANK) else [])
        return or_(entity.user_id == user.id, column.in_(allowed))

    def editable_by(self, user) -> bool:
        return user is not None and user.is_authenticated and (user.id == self.user_id or user.is_admin)

    @classmethod
    def staff_number_visible(cls, profile: "Profile", user) -> bool:
        """The staff number is HR data: the person and HR see it."""
        return user.id == profile.user_id or has_org_permission(user, MANAGE_TALENT_BANK)


class ProfileSkill(db.Model):
    __tablename__ = "talent_profile_skills"
    __table_args__ = (
        UniqueConstraint("profile_id", "skill_id", name="uq_talent_profile_skills_profile_skill"),
        CheckConstraint("level >= 1 AND level <= 5", name="level_range"),
        Index("ix_talent_profile_skills_skill_level", "skill_id", "level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("talent_profiles.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("talent_skills.id", ondelete="CASCADE"))
    level: Mapped[int] = mapped_column(Integer)
    can_help: Mapped[bool] = mapped_column(Boolean, default=False)
    want_to_learn: Mapped[bool] = mapped_column(Boolean, default=False)

    profile: Mapped[Profile] = relationship(back_populates="skills")
    skill: Mapped[Skill] = relationship(lazy="joined")


class Certification(db.Model):
    __tablename__ = "talent_certifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("talent_profiles.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    acquired_on: Mapped[date | None] = mapped_column(Date)


class CareerEntry(db.Model):
    """A past (or the current) posting: the section's name as it was then, and the period."""

    __tablename__ = "talent_career"
    __table_args__ = (CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="period_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("talent_profiles.id", ondelete="CASCADE"), index=True)
    section_name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)


class RequestStatus(str, enum.Enum):
    OPEN = "open"
    CLOSED = "closed"


class HelpRequest(TimestampMixin, db.Model):
    """応援依頼: a section (or a WG) asks for help with certain skills for a share of someone's time."""

    __tablename__ = "talent_help_requests"
    __table_args__ = (
        CheckConstraint("time_share >= 1 AND time_share <= 100", name="time_share_range"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="period_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id", ondelete="SET NULL"), index=True)
    wg_id: Mapped[int | None] = mapped_column(ForeignKey("working_groups.id", ondelete="SET NULL"), index=True)
    # The ticket (チケット) the help is for; shown only to those who may see it (services.linked_ticket).
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"), index=True)
    time_share: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[RequestStatus] = mapped_column(_enum(RequestStatus), default=RequestStatus.OPEN, index=True)

    requester: Mapped["User"] = relationship()  # noqa: F821
    section: Mapped["Section | None"] = relationship()  # noqa: F821
    wg: Mapped["WorkingGroup | None"] = relationship()  # noqa: F821
    needs: Mapped[list["RequestSkill"]] = relationship(
        cascade="all, delete-orphan", order_by="desc(RequestSkill.importance)"
    )
    engagements: Mapped[list["Engagement"]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="Engagement.id"
    )

    def visible_to(self, user) -> bool:
        return user is not None and user.is_authenticated and user.active

    @classmethod
    def visible(cls, user):
        return true() if user is not None and user.is_authenticated and user.active else false()

    def manageable_by(self, user) -> bool:
        """Invite, record completion, close: the requester, HR and administrators."""
        return user.is_authenticated and (user.id == self.requester_id or has_org_permission(user, MANAGE_TALENT_BANK))


class Importance(int, enum.Enum):
    NICE = 1  # あれば尚可
    IMPORTANT = 2  # 重要
    REQUIRED = 3  # 必須


class RequestSkill(db.Model):
    __tablename__ = "talent_request_skills"
    __table_args__ = (
        UniqueConstraint("request_id", "skill_id", name="uq_talent_request_skills_request_skill"),
        CheckConstraint("min_level >= 1 AND min_level <= 5", name="level_range"),
        CheckConstraint("importance >= 1 AND importance <= 3", name="importance_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("talent_help_requests.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("talent_skills.id", ondelete="CASCADE"))
    min_level: Mapped[int] = mapped_column(Integer)
    importance: Mapped[int] = mapped_column(Integer, default=Importance.IMPORTANT)

    skill: Mapped[Skill] = relationship(lazy="joined")


class EngagementStatus(str, enum.Enum):
    INVITED = "invited"  # the requester invited; the person has not answered
    PENDING = "pending"  # applied, or accepted the invitation: waits for the section chief
    APPROVED = "approved"  # the chief approved: the person helps
    DECLINED = "declined"  # the person declined the invitation
    REJECTED = "rejected"  # the chief did not approve
    COMPLETED = "completed"  # done: hours and outcome recorded (a contribution on the profile)


class Engagement(TimestampMixin, db.Model):
    """One person's part in a help request, from invitation or application to completion."""

    __tablename__ = "talent_engagements"
    __table_args__ = (
        UniqueConstraint("request_id", "user_id", name="uq_talent_engagements_request_user"),
        CheckConstraint("hours IS NULL OR hours >= 0", name="hours_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("talent_help_requests.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    invited: Mapped[bool] = mapped_column(Boolean, default=False)  # False: the person applied
    status: Mapped[EngagementStatus] = mapped_column(_enum(EngagementStatus), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hours: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(Text, default="")
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # completion reminder sent (periodic check)

    request: Mapped[HelpRequest] = relationship(back_populates="engagements")
    user: Mapped["User"] = relationship(foreign_keys=[user_id])  # noqa: F821
    decided_by: Mapped["User | None"] = relationship(foreign_keys=[decided_by_id])  # noqa: F821


def is_chief_title(title: str | None) -> bool:
    return bool(title) and title.strip().endswith(CHIEF_TITLES)


def chiefs_of(user) -> list:
    """Who approves that ``user`` helps elsewhere: the active section chiefs (課長・室長 …, by job title, as
    the HR system records it) of the user's section other than the user. When there is none (no section,
    or the helper is the chief), HR approves."""
    from sqlalchemy import select

    from tracker.accounts.models import OrgRole, User, UserOrgRole

    chiefs = []
    if user.section_id is not None:
        chiefs = [
            u for u in db.session.scalars(
                select(User).where(User.section_id == user.section_id, User.active.is_(True), User.id != user.id)
            )
            if is_chief_title(u.job_title)
        ]
    if not chiefs:
        chiefs = list(db.session.scalars(
            select(User).join(UserOrgRole, UserOrgRole.user_id == User.id)
            .where(UserOrgRole.role == OrgRole.HR, User.active.is_(True), User.id != user.id)
        ))
    return chiefs


def may_approve(approver, helper) -> bool:
    return approver.is_authenticated and any(c.id == approver.id for c in chiefs_of(helper))

