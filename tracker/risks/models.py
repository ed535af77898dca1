"""Per-WG risk register (Horokanai's: category, probability x impact, response, periodic review)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core.db import TimestampMixin
from tracker.extensions import db

CATEGORIES = ["technical", "organisational", "security", "financial", "legal"]
RESPONSES = ["avoid", "mitigate", "transfer", "accept"]


class Risk(TimestampMixin, db.Model):
    __tablename__ = "risks"

    id: Mapped[int] = mapped_column(primary_key=True)
    wg_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(20))
    probability: Mapped[int] = mapped_column(Integer)
    impact: Mapped[int] = mapped_column(Integer)
    response: Mapped[str] = mapped_column(String(20))
    response_plan: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    next_review: Mapped[date] = mapped_column(Date)
    closed: Mapped[bool] = mapped_column(default=False)

    wg: Mapped["WorkingGroup"] = relationship()  # noqa: F821
    owner: Mapped["User | None"] = relationship()  # noqa: F821

    @property
    def score(self) -> int:
        return self.probability * self.impact

    def review_overdue(self, today: date) -> bool:
        return not self.closed and self.next_review < today
