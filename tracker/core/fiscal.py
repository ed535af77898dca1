"""Japanese fiscal years (年度, April to March), their quarters, and 令和 notation."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

FISCAL_YEAR_START_MONTH = 4
REIWA_FIRST_YEAR = 2019  # 令和元年 = 2019


def fiscal_year(day: date) -> int:
    """The fiscal year a date falls in, named by the calendar year it starts in (2027-03-31 -> 2026)."""
    return day.year if day.month >= FISCAL_YEAR_START_MONTH else day.year - 1


def fiscal_quarter(day: date) -> int:
    """1Q = April-June, 2Q = July-September, 3Q = October-December, 4Q = January-March."""
    return (day.month - FISCAL_YEAR_START_MONTH) % 12 // 3 + 1


@dataclass(frozen=True, order=True)
class FiscalQuarter:
    year: int
    quarter: int

    def __post_init__(self):
        if self.quarter not in (1, 2, 3, 4):
            raise ValueError(f"quarter must be 1-4, not {self.quarter}")

    @classmethod
    def of(cls, day: date) -> "FiscalQuarter":
        return cls(fiscal_year(day), fiscal_quarter(day))

    @property
    def start(self) -> date:
        month = (FISCAL_YEAR_START_MONTH - 1 + (self.quarter - 1) * 3) % 12 + 1
        year = self.year if month >= FISCAL_YEAR_START_MONTH else self.year + 1
        return date(year, month, 1)

    @property
    def end(self) -> date:
        return self.next().start - timedelta(days=1)

    def next(self) -> "FiscalQuarter":
        if self.quarter == 4:
            return FiscalQuarter(self.year + 1, 1)
        return FiscalQuarter(self.year, self.quarter + 1)

    def has_started(self, today: date) -> bool:
        return today >= self.start

    def has_ended(self, today: date) -> bool:
        return today > self.end


def fiscal_year_range(year: int) -> tuple[date, date]:
    return date(year, FISCAL_YEAR_START_MONTH, 1), date(year + 1, FISCAL_YEAR_START_MONTH, 1) - timedelta(days=1)


def reiwa_year(year: int) -> int | None:
    """令和 year number of a (fiscal) year, or None before 令和 began."""
    number = year - REIWA_FIRST_YEAR + 1
    return number if number >= 1 else None


def reiwa_label(year: int) -> str:
    """Short 令和 label as the documents write it: 2026 -> 'R8'."""
    number = reiwa_year(year)
    return f"R{number}" if number else str(year)


def fiscal_year_label(year: int, locale: str = "ja") -> str:
    """'R8年度' in Japanese, 'FY2026 (R8)' in English."""
    if locale.startswith("ja"):
        return f"{reiwa_label(year)}年度"
    return f"FY{year} ({reiwa_label(year)})"


def quarter_label(quarter: int, locale: str = "ja") -> str:
    return f"{quarter}Q" if locale.startswith("ja") else f"Q{quarter}"
