from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.kpi.models import BEHIND, Kpi, WgKpi
from tracker.kpi.status import status


def all_kpis() -> list[Kpi]:
    return list(db.session.scalars(select(Kpi).options(selectinload(Kpi.measurements)).order_by(Kpi.number, Kpi.id)))


def kpis_of(wg) -> list[Kpi]:
    return list(db.session.scalars(select(Kpi).join(WgKpi).where(WgKpi.wg_id == wg.id).order_by(Kpi.number)))


def behind_counts(wg_ids: list[int], today: date) -> dict[int, int]:
    """Health signal: how many of each WG's KPIs are behind."""
    counts: dict[int, int] = {}
    rows = db.session.execute(select(WgKpi.wg_id, Kpi).join(Kpi, Kpi.id == WgKpi.kpi_id).where(WgKpi.wg_id.in_(wg_ids)))
    for wg_id, kpi in rows:
        if status(kpi, today) == BEHIND:
            counts[wg_id] = counts.get(wg_id, 0) + 1
    return counts


def may_measure(kpi: Kpi, user) -> bool:
    """The KPI policy's ``measure`` (tracker/kpi/policy.py) is the rule."""
    from tracker.core import policy

    return policy.can(user, "measure", kpi)
