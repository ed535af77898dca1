"""The idea box (庁内アイデアボックス): posts (提案 / 困りごと), votes, comments, official answers. A post's history
is the audit log's, declared in ``tracker.ideas.history``."""
from __future__ import annotations

from datetime import date, datetime

from tracker.core.translation import lazy_gettext as _l
from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core.db import TimestampMixin, UTCDateTime, utcnow
from tracker.extensions import db

KINDS = {"idea": _l("Idea"), "problem": _l("Problem")}
CATEGORIES = {
    "service": _l("Services for residents"),
    "work": _l("Work efficiency"),
    "workstyle": _l("Ways of working"),
    "digital": _l("Digital tools and systems"),
    "people": _l("People and skills"),
    "industry": _l("Industry and community"),
    "other": _l("Other"),
}
STATES = {
    "new": _l("New"),
    "reviewing": _l("Under review"),
    "accepted": _l("Accepted"),
    "partly": _l("Partly accepted"),
    "rejected": _l("Not accepted"),
    "returned": _l("Returned"),
    "done": _l("Implemented"),
}
ANSWER_STATES = ("accepted", "partly", "rejected", "returned")  # published together with an answer
OPEN_STATES = ("new", "reviewing")  # waiting for an answer
CLOSED_STATES = ("rejected", "done")  # no more votes
PROMOTABLE_STATES = ("accepted", "partly")


class Idea(TimestampMixin, db.Model):
    """A post: an idea (提案) or a problem (困りごと). ``vote_count`` is the number of votes that count
    (every vote except the author's), kept exact by ``services.vote``; ``comment_count`` likewise."""

    __tablename__ = "ideas"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="idea", index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(30), default="other", index=True)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id", ondelete="SET NULL"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(20), default="new", index=True)
    answer_due: Mapped[date | None] = mapped_column(Date)
    overdue_reported_for: Mapped[date | None] = mapped_column(Date)  # the due date the overdue check reported
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    vote_count: Mapped[int] = mapped_column(Integer, default=0, index=True)
    comment_count: Mapped[int] = mapped_column(Integer, default=0)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id", ondelete="SET NULL"), index=True)
    wg_id: Mapped[int | None] = mapped_column(ForeignKey("working_groups.id", ondelete="SET NULL"), index=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"), index=True)

    section: Mapped["Section | None"] = relationship()  # noqa: F821
    author: Mapped["User"] = relationship(foreign_keys=[author_id])  # noqa: F821
    answered_by: Mapped["User | None"] = relationship(foreign_keys=[answered_by_id])  # noqa: F821
    merged_into: Mapped["Idea | None"] = relationship(remote_side=[id], foreign_keys=[merged_into_id])
    wg: Mapped["WorkingGroup | None"] = relationship()  # noqa: F821
    ticket: Mapped["Ticket | None"] = relationship()  # noqa: F821
    attachments: Mapped[list["IdeaAttachment"]] = relationship(
        back_populates="idea", cascade="all, delete-orphan", order_by="IdeaAttachment.id"
    )

    def __str__(self) -> str:
        return self.title

    @property
    def kind_label(self):
        return KINDS.get(self.kind, self.kind)

    @property
    def state_label(self):
        return STATES.get(self.state, self.state)

    @property
    def category_label(self):
        return CATEGORIES.get(self.category, self.category)

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None

    @property
    def accepts_votes(self) -> bool:
        return not self.is_merged and self.state not in CLOSED_STATES

    # -- permissions: the one place that decides who sees and does what with a post ---------------

    @staticmethod
    def _staff(user) -> bool:
        return user is not None and user.is_authenticated and user.active

    def visible_to(self, user) -> bool:
        return self._staff(user)

    @classmethod
    def visible(cls, user):
        """Every active member of staff sees every post (the idea box is open to all staff)."""
        return true() if cls._staff(user) else false()

    def editable_by(self, user) -> bool:
        """The author edits until the first vote or answer; after that they add comments instead."""
        return (
            self._staff(user)
            and user.id == self.author_id
            and self.vote_count == 0
            and not self.answer
            and not self.is_merged
            and self.state in ("new", "returned")
        )

    def author_shown_to(self, user) -> bool:
        """Whether ``user`` may see who wrote it: the author may hide their name from other staff."""
        if not self.anonymous:
            return True
        return self._staff(user) and (user.id == self.author_id or self.moderates(user))

    def author_name_for(self, user) -> str:
        return self.name_for(self.author, user)

    def name_for(self, person, viewer) -> str:
        """``person``'s name as ``viewer`` sees it next to this post: the author of an anonymous post stays
        anonymous in comments and history too."""
        from tracker.core.translation import gettext as _

        if person is None:
            return "—"
        if person.id == self.author_id and not self.author_shown_to(viewer):
            return _("Anonymous")
        return person.name

    def answerable_by(self, user) -> bool:
        """Official answers come from the section that owns the process."""
        return self._staff(user) and self.section_id is not None and user.section_id == self.section_id

    @staticmethod
    def moderates(user) -> bool:
        from tracker.core.org_permissions import has_org_permission

        return has_org_permission(user, "moderate_ideas")


class IdeaVote(db.Model):
    """One vote per person per post (the unique constraint keeps it so under concurrent requests)."""

    __tablename__ = "idea_votes"
    __table_args__ = (UniqueConstraint("idea_id", "user_id", name="uq_idea_votes_idea_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    user: Mapped["User"] = relationship()  # noqa: F821


class IdeaVoteAudit(db.Model):
    """Who voted, took a vote back, or had it moved by a merge, and when (moderators only)."""

    __tablename__ = "idea_vote_audits"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(20))  # vote / unvote / moved_in / moved_out / dropped
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped["User"] = relationship()  # noqa: F821


class IdeaComment(TimestampMixin, db.Model):
    """A brush-up comment; replies are one level deep (``parent_id`` points at a top-level comment)."""

    __tablename__ = "idea_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("idea_comments.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    body: Mapped[str] = mapped_column(Text)

    author: Mapped["User"] = relationship()  # noqa: F821
    idea: Mapped[Idea] = relationship()

    def editable_by(self, user) -> bool:
        return user is not None and user.is_authenticated and user.active and user.id == self.author_id


class IdeaAttachment(db.Model):
    __tablename__ = "idea_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    size: Mapped[int] = mapped_column(Integer, default=0)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    idea: Mapped[Idea] = relationship(back_populates="attachments")
