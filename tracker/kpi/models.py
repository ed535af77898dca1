"""The organisation-wide KPI register (Maebashi's KPI table), measurements over time, and which WGs serve
which KPI."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core.db import TimestampMixin
from tracker.extensions import db

ON_TRACK, BEHIND, ACHIEVED, UNKNOWN = "on_track", "behind", "achieved", "unknown"


class Kpi(TimestampMixin, db.Model):
    __tablename__ = "kpis"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, default=0)  # ①..⑥ in the plan's table
    plan_priority: Mapped[str] = mapped_column(String(200), default="")  # 重点事業
    name: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(20), default="%")
    target_value: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    target_label: Mapped[str] = mapped_column(String(200), default="")  # e.g. 仕組みの構築
    target_fiscal_year: Mapped[int] = mapped_column(Integer)
    baseline_value: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=0)
    baseline_date: Mapped[date] = mapped_column(Date)
    measurement_interval_days: Mapped[int] = mapped_column(Integer, default=92)

    measurements: Mapped[list["KpiMeasurement"]] = relationship(
        back_populates="kpi", cascade="all, delete-orphan", order_by="KpiMeasurement.as_of"
    )
    wg_links: Mapped[list["WgKpi"]] = relationship(back_populates="kpi", cascade="all, delete-orphan")

    def __str__(self) -> str:
        return self.name

    @property
    def latest(self) -> "KpiMeasurement | None":
        return self.measurements[-1] if self.measurements else None


class KpiMeasurement(TimestampMixin, db.Model):
    __tablename__ = "kpi_measurements"

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpis.id", ondelete="CASCADE"), index=True)
    value: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    as_of: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(String(300), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    kpi: Mapped[Kpi] = relationship(back_populates="measurements")


class WgKpi(db.Model):
    """A WG serves a KPI."""

    __tablename__ = "wg_kpis"

    wg_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"), primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpis.id", ondelete="CASCADE"), primary_key=True)

    kpi: Mapped[Kpi] = relationship(back_populates="wg_links")
    wg: Mapped["WorkingGroup"] = relationship()  # noqa: F821


class CheckReport(db.Model):
    """What a periodic check has already reported (check name + key), so a rerun reports nothing new."""

    __tablename__ = "check_reports"
    __table_args__ = (UniqueConstraint("check", "key", name="uq_check_reports_check_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    check: Mapped[str] = mapped_column(String(60))
    key: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
