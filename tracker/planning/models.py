"""The planning board: sticky notes (付箋) written freely (発散), grouped (収束), then decided (決定)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core.db import TimestampMixin
from tracker.extensions import db


class NoteGroup(db.Model):
    __tablename__ = "note_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    wg_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)


class Note(TimestampMixin, db.Model):
    __tablename__ = "planning_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    wg_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("note_groups.id", ondelete="SET NULL"), index=True)
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # 決定: who does it by when; ticket_id once it became a ticket
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    due_date: Mapped[date | None] = mapped_column(Date)
    ticket_id: Mapped[int | None] = mapped_column(Integer)

    author: Mapped["User | None"] = relationship(foreign_keys=[author_id])  # noqa: F821
    assignee: Mapped["User | None"] = relationship(foreign_keys=[assignee_id])  # noqa: F821
    group: Mapped[NoteGroup | None] = relationship()

    @property
    def decided(self) -> bool:
        return self.assignee_id is not None and self.due_date is not None
