from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.risks.models import Risk


def overdue_counts(wg_ids: list[int], today: date) -> dict[int, int]:
    """Health signal: open risks past their review date, per WG."""
    rows = db.session.execute(
        select(Risk.wg_id, func.count()).where(Risk.wg_id.in_(wg_ids), Risk.closed.is_(False), Risk.next_review < today)
        .group_by(Risk.wg_id)
    )
    return {wg_id: count for wg_id, count in rows}


def matrix(risks: list[Risk]) -> dict[tuple[int, int], list[Risk]]:
    cells: dict[tuple[int, int], list[Risk]] = {}
    for risk in risks:
        if not risk.closed:
            cells.setdefault((risk.probability, risk.impact), []).append(risk)
    return cells
