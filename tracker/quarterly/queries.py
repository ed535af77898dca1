from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import and_, select
from sqlalchemy.orm import contains_eager

from tracker.charter.models import EXECUTION, Charter
from tracker.core.fiscal import FiscalQuarter
from tracker.extensions import db
from tracker.quarterly.models import QuarterlyEntry
from tracker.wg.models import WorkingGroup


def last_ended_quarter(today: date) -> FiscalQuarter:
    return FiscalQuarter.of(FiscalQuarter.of(today).start - timedelta(days=1))


def wgs_missing_actual(quarter: FiscalQuarter, condition=None) -> list[WorkingGroup]:
    """WGs in execution with no actual for ``quarter`` (only quarters that have ended count)."""
    reported = select(QuarterlyEntry.wg_id).where(
        QuarterlyEntry.fiscal_year == quarter.year, QuarterlyEntry.quarter == quarter.quarter, QuarterlyEntry.actual != ""
    )
    query = (select(WorkingGroup).join(Charter, and_(Charter.wg_id == WorkingGroup.id, Charter.phase == EXECUTION))
             .where(WorkingGroup.id.not_in(reported)).order_by(WorkingGroup.name))
    if condition is not None:
        query = query.where(condition)
    return list(db.session.scalars(query))


def missing_counts(wg_ids: list[int], today: date) -> dict[int, int]:
    """Health signal: 1 for each WG whose last ended quarter has no actual."""
    quarter = last_ended_quarter(today)
    return {wg.id: 1 for wg in wgs_missing_actual(quarter, WorkingGroup.id.in_(wg_ids))}


def grid(fiscal_year: int, condition) -> list[dict]:
    """Gunma's grid: one row per (WG, initiative) with target and actual per quarter."""
    entries = db.session.scalars(
        select(QuarterlyEntry).join(WorkingGroup, WorkingGroup.id == QuarterlyEntry.wg_id)
        .options(contains_eager(QuarterlyEntry.wg))
        .where(QuarterlyEntry.fiscal_year == fiscal_year, condition)
        .order_by(WorkingGroup.name, QuarterlyEntry.initiative, QuarterlyEntry.quarter)
    )
    rows: dict[tuple, dict] = {}
    for e in entries:
        row = rows.setdefault((e.wg_id, e.initiative), {"wg": e.wg, "initiative": e.initiative, "quarters": {}})
        row["quarters"][e.quarter] = e
    return list(rows.values())
