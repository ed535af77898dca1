"""A KPI's status from its trajectory: the straight line from the baseline to the target at the end of the
target fiscal year. Achieved when the latest value reaches the target; behind when it is below (above, for a
falling target) where the line says it should be on that date; on track otherwise."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from tracker.core.fiscal import fiscal_year_range
from tracker.kpi.models import ACHIEVED, BEHIND, ON_TRACK, UNKNOWN, Kpi


def target_date(kpi: Kpi) -> date:
    return fiscal_year_range(kpi.target_fiscal_year)[1]


def expected_value(kpi: Kpi, on: date) -> Decimal:
    start, end = kpi.baseline_date, target_date(kpi)
    if on <= start:
        return Decimal(kpi.baseline_value)
    if on >= end or end <= start:
        return Decimal(kpi.target_value)
    share = Decimal((on - start).days) / Decimal((end - start).days)
    return Decimal(kpi.baseline_value) + (Decimal(kpi.target_value) - Decimal(kpi.baseline_value)) * share


def status(kpi: Kpi, today: date | None = None) -> str:
    latest = kpi.latest
    if latest is None:
        return UNKNOWN
    rising = kpi.target_value >= kpi.baseline_value
    value, target = Decimal(latest.value), Decimal(kpi.target_value)
    if (value >= target) if rising else (value <= target):
        return ACHIEVED
    if today is not None and today > target_date(kpi):
        return BEHIND
    expected = expected_value(kpi, latest.as_of)
    on_course = value >= expected if rising else value <= expected
    return ON_TRACK if on_course else BEHIND


def measurement_overdue(kpi: Kpi, today: date) -> bool:
    last = kpi.latest.as_of if kpi.latest else kpi.baseline_date
    return (today - last).days > kpi.measurement_interval_days and today <= target_date(kpi)
