"""Quarterly targets (目標) and actuals (実績) per WG and initiative, as Gunma reports its programme."""
from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core.db import TimestampMixin
from tracker.extensions import db

STATUSES = ["planned", "on_track", "delayed", "done"]


class QuarterlyEntry(TimestampMixin, db.Model):
    __tablename__ = "quarterly_entries"
    __table_args__ = (
        UniqueConstraint("wg_id", "initiative", "fiscal_year", "quarter", name="uq_quarterly_entries_cell"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    wg_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"), index=True)
    initiative: Mapped[str] = mapped_column(String(200))  # 具体的取組 (the WG's name when it is the WG itself)
    fiscal_year: Mapped[int] = mapped_column(Integer, index=True)
    quarter: Mapped[int] = mapped_column(Integer)
    target: Mapped[str] = mapped_column(Text, default="")
    actual: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="planned")

    wg: Mapped["WorkingGroup"] = relationship()  # noqa: F821
