"""A WG's charter (重要事項の明確化と合意), its lifecycle phase, gate decisions, close-out. Its history (every
change, who, when, old → new) is the audit log's, declared in ``tracker.charter.history``.

The phase lives in ``charters`` (1:1 with the WG) rather than on ``working_groups``: the lifecycle belongs to
this feature, the WG model stays the foundation's, and the phase is always read together with the charter
that the gates check.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core.db import TimestampMixin, UTCDateTime, utcnow
from tracker.extensions import db

LAUNCH, PLANNING, EXECUTION, CLOSED, STOPPED = "launch", "planning", "execution", "closed", "stopped"
PHASES = [LAUNCH, PLANNING, EXECUTION, CLOSED, STOPPED]
NEXT_PHASE = {LAUNCH: PLANNING, PLANNING: EXECUTION, EXECUTION: CLOSED}
GO, HOLD, STOP = "go", "hold", "stop"
DECISIONS = [GO, HOLD, STOP]
ORIGINS = ["top_down", "bottom_up", "idea"]
RESPONSIBLE, LEADER = "responsible", "leader"
EVALUATIONS = ["achieved", "partly", "not"]


class Charter(TimestampMixin, db.Model):
    __tablename__ = "charters"

    id: Mapped[int] = mapped_column(primary_key=True)
    wg_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"), unique=True)
    phase: Mapped[str] = mapped_column(String(20), default=LAUNCH, index=True)
    purpose: Mapped[str] = mapped_column(Text, default="")
    background: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[str] = mapped_column(Text, default="")
    nature: Mapped[str] = mapped_column(Text, default="")
    schedule: Mapped[str] = mapped_column(Text, default="")
    stakeholders: Mapped[str] = mapped_column(Text, default="")  # people and notes; sections in charter_sections
    origin: Mapped[str] = mapped_column(String(20), default="")
    origin_note: Mapped[str] = mapped_column(String(300), default="")
    stop_reason: Mapped[str] = mapped_column(Text, default="")
    # close-out: KPT retrospective and hand-over
    keep: Mapped[str] = mapped_column(Text, default="")
    problem: Mapped[str] = mapped_column(Text, default="")
    try_next: Mapped[str] = mapped_column(Text, default="")
    handover_section_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id", ondelete="SET NULL"))
    handover_note: Mapped[str] = mapped_column(Text, default="")

    wg: Mapped["WorkingGroup"] = relationship()  # noqa: F821
    stakeholder_sections: Mapped[list["Section"]] = relationship(  # noqa: F821
        secondary="charter_sections", order_by="Section.name"
    )
    handover_section: Mapped["Section | None"] = relationship()  # noqa: F821
    people: Mapped[list["CharterPerson"]] = relationship(cascade="all, delete-orphan", order_by="CharterPerson.id")
    criteria: Mapped[list["SuccessCriterion"]] = relationship(cascade="all, delete-orphan", order_by="SuccessCriterion.id")
    milestones: Mapped[list["Milestone"]] = relationship(cascade="all, delete-orphan", order_by="Milestone.due_date")
    budget_lines: Mapped[list["BudgetLine"]] = relationship(cascade="all, delete-orphan", order_by="BudgetLine.id")

    @property
    def is_finished(self) -> bool:
        return self.phase in (CLOSED, STOPPED)

    def people_of(self, kind: str) -> list["CharterPerson"]:
        return [p for p in self.people if p.kind == kind]


class CharterSection(db.Model):
    """A section among the charter's stakeholders (関係者一覧)."""

    __tablename__ = "charter_sections"

    charter_id: Mapped[int] = mapped_column(ForeignKey("charters.id", ondelete="CASCADE"), primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id", ondelete="CASCADE"), primary_key=True)


class CharterPerson(db.Model):
    """A final responsible person (最終責任者) or WG leader (WG責任者), optionally with the area they own."""

    __tablename__ = "charter_people"

    id: Mapped[int] = mapped_column(primary_key=True)
    charter_id: Mapped[int] = mapped_column(ForeignKey("charters.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    area: Mapped[str] = mapped_column(String(100), default="")

    user: Mapped["User"] = relationship()  # noqa: F821


class SuccessCriterion(db.Model):
    __tablename__ = "success_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    charter_id: Mapped[int] = mapped_column(ForeignKey("charters.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(Text)
    kpi_id: Mapped[int | None] = mapped_column(ForeignKey("kpis.id", ondelete="SET NULL"))
    target: Mapped[str] = mapped_column(String(200), default="")
    evaluation: Mapped[str] = mapped_column(String(20), default="")
    evidence: Mapped[str] = mapped_column(Text, default="")

    kpi: Mapped["Kpi | None"] = relationship()  # noqa: F821


class Milestone(db.Model):
    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    charter_id: Mapped[int] = mapped_column(ForeignKey("charters.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date] = mapped_column(Date)


class BudgetLine(db.Model):
    __tablename__ = "budget_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    charter_id: Mapped[int] = mapped_column(ForeignKey("charters.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(200))
    amount: Mapped[int] = mapped_column(Integer, default=0)  # yen
    note: Mapped[str] = mapped_column(String(300), default="")


class GateDecision(db.Model):
    __tablename__ = "gate_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    wg_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"), index=True)
    from_phase: Mapped[str] = mapped_column(String(20))
    to_phase: Mapped[str] = mapped_column(String(20))
    decision: Mapped[str] = mapped_column(String(10))
    conditions: Mapped[str] = mapped_column(Text, default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    decided_by: Mapped["User | None"] = relationship()  # noqa: F821


from tracker.kpi import models as _kpi_models  # noqa: E402,F401  (SuccessCriterion.kpi names Kpi: mapped together)
from tracker.core.translation import lazy_gettext as _l  # noqa: E402

from tracker.wg import permissions as _perms  # noqa: E402

_perms.register("edit_charter", _l("Edit the charter and propose gate decisions"), group="charter")
_perms.register("report_quarterly", _l("Report quarterly targets and actuals"), group="quarterly")
_perms.register("manage_risks", _l("Manage risks"), group="risks")
_perms.register("manage_meetings", _l("Manage meetings"), group="meetings")
_perms.register("use_planning_board", _l("Use the planning board"), group="planning")


# A closed or stopped WG is read-only except for comments (notes on tickets). Declared once, for pages
# (Python) and for lists and pickers (SQL), so a picker never offers a WG whose page would refuse.
COMMENT_PERMISSIONS = frozenset({"add_issue_notes"})
FINISHED_PHASES = (CLOSED, STOPPED)


def _finished(wg) -> bool:
    """Asked once per user whose permissions are read: kept with the request's permission cache (which is
    forgotten at every flush, so a phase changed in this request is read again)."""
    from sqlalchemy import select

    from tracker.wg.models import _request_cache

    cache = _request_cache()
    key = ("finished_wg", wg.id)
    if cache is not None and key in cache:
        return cache[key]
    finished = db.session.scalar(select(Charter.phase).where(Charter.wg_id == wg.id)) in FINISHED_PHASES
    if cache is not None:
        cache[key] = finished
    return finished


def _finished_wg_ids():
    from sqlalchemy import select

    return select(Charter.wg_id).where(Charter.phase.in_(FINISHED_PHASES))


_perms.add_restriction(_perms.Restriction(
    name="finished_wg_read_only", applies_to=_finished, restricted_wg_ids=_finished_wg_ids, kept=COMMENT_PERMISSIONS,
))
