"""Notification rows: in-app notifications, the mail outbox, per-user preferences and job bookkeeping."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core.db import UTCDateTime, utcnow
from tracker.extensions import db

# What a user hears of: every event in the WGs they belong to, only events that concern them, or nothing.
LEVEL_ALL = "all"
LEVEL_MINE = "mine"
LEVEL_NONE = "none"
LEVELS = (LEVEL_ALL, LEVEL_MINE, LEVEL_NONE)

# How notifications reach them by mail: one mail each at once, one daily digest, or in the app only.
EMAIL_IMMEDIATE = "immediate"
EMAIL_DIGEST = "digest"
EMAIL_OFF = "off"
EMAIL_MODES = (EMAIL_IMMEDIATE, EMAIL_DIGEST, EMAIL_OFF)

# Outbox states: pending (waiting, maybe after a failure), sending (claimed by a worker under a lease),
# sent, failed (gave up after the maximum attempts; an administrator may retry).
PENDING = "pending"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"


class Notification(db.Model):
    """One in-app notification for one user, written in the user's language when the event happened."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500), default="/")
    wg_id: Mapped[int | None] = mapped_column(ForeignKey("working_groups.id", ondelete="SET NULL"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The actor is the author of an anonymous post and this recipient may not know who it is: shown as
    # 匿名, and ``actor_id`` is not even stored.
    actor_anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Waiting for the user's next daily digest mail (only for users who chose the digest).
    digest_pending: Mapped[bool] = mapped_column(Boolean, default=False, index=True)

    user: Mapped["User"] = relationship(foreign_keys=[user_id])  # noqa: F821
    actor: Mapped["User | None"] = relationship(foreign_keys=[actor_id])  # noqa: F821
    wg: Mapped["WorkingGroup | None"] = relationship()  # noqa: F821

    @property
    def actor_label(self) -> str:
        """Who acted, as this notification's recipient may know it: a name, 匿名, or nothing."""
        from tracker.core.translation import gettext as _

        if self.actor_anonymous:
            return _("Anonymous")
        return self.actor.name if self.actor is not None else ""

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @classmethod
    def unread_count(cls, user) -> int:
        from sqlalchemy import func

        return db.session.scalar(
            select(func.count(cls.id)).where(cls.user_id == user.id, cls.read_at.is_(None))
        ) or 0


class OutboxMessage(db.Model):
    """A mail written in the transaction of the change that caused it, delivered later by the worker.

    ``message_id`` is the Message-ID header, fixed when the row is written: a resend after a crash carries
    the same one, so a duplicate is recognisable.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    recipient: Mapped["User | None"] = relationship()  # noqa: F821


class NotificationPreference(db.Model):
    """A user's choices; users without a row get the defaults (what concerns me, mail at once)."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    level: Mapped[str] = mapped_column(String(10), default=LEVEL_MINE)
    email: Mapped[str] = mapped_column(String(10), default=EMAIL_IMMEDIATE)
    # Event kind -> level, for kinds the user wants treated differently from ``level``.
    overrides: Mapped[dict] = mapped_column(JSON, default=dict)
    # Digest state: the local day whose digest was last sent.
    digest_sent_on: Mapped[date | None] = mapped_column(Date)

    def level_for(self, kind: str) -> str:
        override = (self.overrides or {}).get(kind)
        return override if override in LEVELS else self.level

    @classmethod
    def for_user(cls, user_id: int) -> "NotificationPreference":
        """The stored preferences, or unsaved defaults."""
        found = db.session.get(cls, user_id)
        return found or cls(user_id=user_id, level=LEVEL_MINE, email=EMAIL_IMMEDIATE, overrides={})


class JobRun(db.Model):
    """When a periodic job (a registered check, the daily digest) last ran; a lease lets only one worker
    run it at a time."""

    __tablename__ = "notify_job_runs"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
