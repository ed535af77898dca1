"""Redmine's filter operators, the definitions of a filter and a column, and the SQL of the comparisons."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, true

from tracker.core.translation import lazy_gettext as _l

OPERATORS = {
    "=": _l("is"), "!": _l("is not"), "o": _l("open"), "c": _l("closed"), "*": _l("any"), "!*": _l("none"),
    "~": _l("contains"), "!~": _l("doesn't contain"), ">=": _l(">="), "<=": _l("<="), "><": _l("between"),
    "t": _l("today"), "w": _l("this week"), "lw": _l("last week"), "od": _l("overdue"), "<t+": _l("within the next N days"), ">t-": _l("within the past N days"),
}
LIST_OPS = ["=", "!", "*", "!*"]
DATE_OPS = ["=", ">=", "<=", "><", "t", "w", "lw", "<t+", ">t-", "od", "*", "!*"]
NUMBER_OPS = ["=", ">=", "<=", "><", "*", "!*"]
TEXT_OPS = ["~", "!~", "=", "*", "!*"]
NO_VALUE_OPS = {"o", "c", "*", "!*", "t", "w", "lw", "od"}


@dataclass
class FilterDef:
    name: str
    label: object
    kind: str  # list, date, number, text, bool — and the feature's own (status, assignee, user, cf_list ...)
    operators: list[str]
    column: object = None
    custom_field: object = None

    def operator_choices(self) -> list[tuple[str, object]]:
        return [(op, OPERATORS[op]) for op in self.operators]


@dataclass
class Column:
    name: str
    label: object
    sortable: bool = True
    total: bool = False


def escape_like(value: str) -> str:
    """``value`` with LIKE's wildcards escaped (use with ``escape="\\\\"``)."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def like_pattern(value: str) -> str:
    """A case-insensitive "contains" pattern for ``func.lower(column).like(pattern, escape="\\\\")``."""
    return f"%{escape_like(value.strip().lower())}%"


def compare(column, op: str, values: list):
    if op == "=":
        return column == values[0]
    if op == ">=":
        return column >= values[0]
    if op == "<=":
        return column <= values[0]
    if op == "><":
        return and_(column >= values[0], column <= values[1])
    return true()


def date_range(column, start: date | None, end: date | None, is_datetime: bool):
    """Dates compare as dates; timestamps compare against the day's bounds in the organisation's timezone."""
    if not is_datetime:
        clauses = []
        if start:
            clauses.append(column >= start)
        if end:
            clauses.append(column <= end)
        return and_(*clauses)
    from zoneinfo import ZoneInfo

    from flask import current_app

    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    clauses = []
    if start:
        clauses.append(column >= datetime.combine(start, time.min, zone))
    if end:
        clauses.append(column < datetime.combine(end + timedelta(days=1), time.min, zone))
    return and_(*clauses)


def relative_days(op: str, values: list[str], today: date) -> tuple[date | None, date | None]:
    """The (start, end) a date operator names: today, this or last week (Monday to Sunday), the next / past
    N days, or the given dates."""
    if op == "t":
        return today, today
    if op in ("w", "lw"):
        monday = today - timedelta(days=today.weekday()) - timedelta(days=7 if op == "lw" else 0)
        return monday, monday + timedelta(days=6)
    if op == "<t+":
        return today, today + timedelta(days=int(values[0]))
    if op == ">t-":
        return today - timedelta(days=int(values[0])), today
    days = [date.fromisoformat(v) for v in values]
    if op == "=":
        return days[0], days[0]
    if op == ">=":
        return days[0], None
    if op == "<=":
        return None, days[0]
    return days[0], days[1]
