"""Japanese public holidays for the timelines, from the ``holidays`` package (kept up to date by its
maintainers with each cabinet order: substitute holidays, 国民の休日, moved Olympic holidays ...)."""
from __future__ import annotations

from datetime import date
from functools import lru_cache


@lru_cache(maxsize=32)
def _year(year: int, language: str) -> dict[date, str]:
    import holidays as holiday_calendars  # here: 4 MB that only timelines need

    calendar = holiday_calendars.country_holidays("JP", years=year, language=language)
    return dict(calendar.items())


def japanese_holidays(start: date, end: date, language: str = "ja") -> dict[date, str]:
    """Holiday date -> name, for the days from ``start`` to ``end`` (both included)."""
    language = "ja" if language.startswith("ja") else "en_US"
    found: dict[date, str] = {}
    for year in range(start.year, end.year + 1):
        for day, name in _year(year, language).items():
            if start <= day <= end:
                found[day] = name
    return dict(sorted(found.items()))


def is_day_off(day: date, holidays: dict[date, str]) -> bool:
    return day.weekday() >= 5 or day in holidays
