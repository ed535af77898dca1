"""Sorting: ``sort=priority:desc,updated_on`` read against the keys a list allows, and NULLs after values in
both directions, the same on SQLite and PostgreSQL."""
from __future__ import annotations

from sqlalchemy import case

from tracker.core.translation import gettext as _


def read_sort(raw: str | None, keys, limit: int = 3) -> tuple[list[tuple[str, bool]], list[str]]:
    """([(key, descending)], problems) from ``raw``; unknown keys are reported and left out."""
    sort, problems = [], []
    for part in (raw or "").split(","):
        key, _sep, direction = part.strip().partition(":")
        if not key:
            continue
        if key not in keys:
            problems.append(_("Unknown sort column: %(name)s", name=key))
            continue
        sort.append((key, direction.lower() == "desc"))
    return sort[:limit], problems


def nulls_last(expression, desc: bool, not_null: bool = False) -> list:
    """ORDER BY terms with NULLs after values. A column that cannot be NULL (``not_null``) is sorted plainly,
    so that its index serves the ORDER BY."""
    plain = expression.desc() if desc else expression.asc()
    if not_null:
        return [plain]
    return [case((expression.is_(None), 1), else_=0), plain]
