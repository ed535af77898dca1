"""Days laid out along the x axis for a zoom (week, month, quarter), and the header rows drawn above the
chart: the fiscal year (April to March) with its 和暦 name, then quarters or months, then weeks or days."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from tracker.core import fiscal
from tracker.core.translation import lazy_gettext as _l

# Pixels per day for each zoom: a week zoom shows each day, a quarter zoom a fiscal year in ~730 px.
ZOOMS = {"week": 22.0, "month": 6.0, "quarter": 2.0}
ZOOM_LABELS = {"week": _l("Week"), "month": _l("Month"), "quarter": _l("Quarter")}
DEFAULT_ZOOM = "month"
MAX_DAYS = 3 * 366  # the widest chart: three years


@dataclass(frozen=True)
class Cell:
    x: float
    width: float
    label: str
    title: str = ""
    kind: str = ""  # "holiday", "weekend" for day cells


@dataclass
class Scale:
    start: date
    end: date  # included
    zoom: str = DEFAULT_ZOOM
    px_per_day: float = field(init=False)

    def __post_init__(self):
        self.zoom = self.zoom if self.zoom in ZOOMS else DEFAULT_ZOOM
        self.px_per_day = ZOOMS[self.zoom]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def width(self) -> float:
        return self.days * self.px_per_day

    def x(self, day: date) -> float:
        return (day - self.start).days * self.px_per_day

    def span(self, start: date, end: date) -> tuple[float, float]:
        """x and width of the days from ``start`` to ``end`` (both included), clipped to the chart."""
        left = max(start, self.start)
        right = min(end, self.end)
        if right < left:
            return self.x(left), 0.0
        return self.x(left), (right - left).days * self.px_per_day + self.px_per_day


def scale_for(dates: list[date], today: date, zoom: str, start: date | None = None, end: date | None = None) -> Scale:
    """The chart's range: what the user asked for, else the tickets' dates with a margin, else around today;
    always whole months, at most MAX_DAYS."""
    if start is None or end is None:
        known = [d for d in dates if d is not None]
        low = min(known + [today]) if known else today - timedelta(days=30)
        high = max(known + [today]) if known else today + timedelta(days=150)
        start = start or low - timedelta(days=7)
        end = end or high + timedelta(days=14)
    start = start.replace(day=1)
    if (end - start).days > MAX_DAYS:
        end = start + timedelta(days=MAX_DAYS)
    end = _month_end(end)
    if end < start:
        end = _month_end(start)
    return Scale(start, end, zoom)


def _month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def _month_label(day: date, language: str) -> str:
    if language.startswith("ja"):
        return f"{day.month}月"
    return day.strftime("%b")


def fiscal_year_title(year: int, language: str) -> str:
    """2026年度（令和8年度） / FY2026 (Reiwa 8)."""
    reiwa = fiscal.reiwa_year(year)
    if language.startswith("ja"):
        era = ("令和元年度" if reiwa == 1 else f"令和{reiwa}年度") if reiwa else ""
        return f"{year}年度（{era}）" if era else f"{year}年度"
    return f"FY{year} (Reiwa {reiwa})" if reiwa else f"FY{year}"


def header_rows(scale: Scale, language: str, holidays: dict[date, str]) -> list[list[Cell]]:
    """Three rows: fiscal years; quarters (quarter zoom) or months; months, weeks or days."""
    years, quarters, months, weeks, days = [], [], [], [], []
    year = fiscal.fiscal_year(scale.start)
    while fiscal.fiscal_year_range(year)[0] <= scale.end:
        first, last = fiscal.fiscal_year_range(year)
        x, width = scale.span(first, last)
        years.append(Cell(x, width, fiscal_year_title(year, language), fiscal_year_title(year, language)))
        year += 1
    quarter = fiscal.FiscalQuarter.of(scale.start)
    while quarter.start <= scale.end:
        x, width = scale.span(quarter.start, quarter.end)
        label = fiscal.quarter_label(quarter.quarter, language)
        quarters.append(Cell(x, width, label, f"{fiscal_year_title(quarter.year, language)} {label}"))
        quarter = quarter.next()
    month = scale.start.replace(day=1)
    while month <= scale.end:
        x, width = scale.span(month, _month_end(month))
        label = _month_label(month, language)
        long_label = f"{month.year}年{month.month}月" if language.startswith("ja") else month.strftime("%B %Y")
        months.append(Cell(x, width, label if scale.zoom == "quarter" else long_label, long_label))
        month = _month_end(month) + timedelta(days=1)
    if scale.zoom == "month":
        monday = scale.start - timedelta(days=scale.start.weekday())
        while monday <= scale.end:
            x, width = scale.span(monday, monday + timedelta(days=6))
            weeks.append(Cell(x, width, str(monday.day) if monday >= scale.start else "", monday.isoformat()))
            monday += timedelta(days=7)
    if scale.zoom == "week":
        day = scale.start
        while day <= scale.end:
            kind = "holiday" if day in holidays else "weekend" if day.weekday() >= 5 else ""
            days.append(Cell(scale.x(day), scale.px_per_day, str(day.day), holidays.get(day, day.isoformat()), kind))
            day += timedelta(days=1)
    if scale.zoom == "quarter":
        return [years, quarters, months]
    return [years, months, weeks if scale.zoom == "month" else days]
