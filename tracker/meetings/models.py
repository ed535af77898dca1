"""Regular meetings (定例会): attendees, agenda, minutes, decisions and action items."""
from __future__ import annotations

from datetime import date, time

from sqlalchemy import Date, ForeignKey, Integer, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core.db import TimestampMixin
from tracker.extensions import db


class MeetingAttendee(db.Model):
    __tablename__ = "meeting_attendees"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)


class Meeting(TimestampMixin, db.Model):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    wg_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    starts_at: Mapped[time | None] = mapped_column(Time)
    ends_at: Mapped[time | None] = mapped_column(Time)
    location: Mapped[str] = mapped_column(String(200), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[str] = mapped_column(Text, default="")

    wg: Mapped["WorkingGroup"] = relationship()  # noqa: F821
    attendees: Mapped[list["User"]] = relationship(secondary="meeting_attendees", order_by="User.name_kana")  # noqa: F821
    action_items: Mapped[list["ActionItem"]] = relationship(cascade="all, delete-orphan", order_by="ActionItem.id")


class ActionItem(db.Model):
    __tablename__ = "action_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    due_date: Mapped[date | None] = mapped_column(Date)
    ticket_id: Mapped[int | None] = mapped_column(Integer)  # the ticket made from it, once tickets exist

    assignee: Mapped["User | None"] = relationship()  # noqa: F821
