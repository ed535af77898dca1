"""A KPI's chart as inline SVG, drawn on the server: no JavaScript library and nothing to download."""
from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

from tracker.core.fiscal import fiscal_year, fiscal_year_range
from tracker.core.translation import gettext as _

from markupsafe import Markup, escape

from tracker.kpi.models import Kpi
from tracker.kpi.status import target_date

W, H = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 40, 44
ACTUAL, TARGET = "#1d4ed8", "#4b5563"


def _filter(name: str):
    """The app's date filters, so the chart follows the user's 西暦 / 和暦 choice like every page."""
    from flask import current_app

    return current_app.jinja_env.filters[name]


def _number(value: Decimal) -> str:
    return f"{value.normalize():,f}"


def nice_ticks(low: Decimal, high: Decimal, count: int = 6) -> list[Decimal]:
    """Round tick values (1, 2 or 5 times a power of ten apart) covering low..high."""
    span = float(high - low) or 1.0
    raw = span / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(float(low) / step) * step
    ticks, value = [], first
    while value <= float(high) + step * 0.001:
        ticks.append(Decimal(str(round(value, 10))))
        value += step
    if ticks[-1] < high:
        ticks.append(ticks[-1] + Decimal(str(step)))
    return ticks


def chart_points(kpi: Kpi) -> list[tuple[date, Decimal]]:
    return [(kpi.baseline_date, Decimal(kpi.baseline_value))] + [(m.as_of, Decimal(m.value)) for m in kpi.measurements]


def svg(kpi: Kpi, title: str = "", described_by: str = "") -> Markup:
    """The actual values (実績) against the straight target line (目標ライン) from the baseline to the target at
    the end of the target fiscal year; x ticks at each fiscal year's start, y ticks at round values."""
    fiscal_label, day_label = _filter("fiscal_year"), _filter("day")
    points = chart_points(kpi)
    end = target_date(kpi)
    first_year, last_year = fiscal_year(min(p[0] for p in points)), fiscal_year(max([p[0] for p in points] + [end]))
    first, last = fiscal_year_range(first_year)[0], fiscal_year_range(last_year)[1]
    span = max((last - first).days, 1)
    values = [p[1] for p in points] + [Decimal(kpi.target_value)]
    ticks = nice_ticks(min(min(values), Decimal(0)), max(values) or Decimal(1))
    low, high = ticks[0], ticks[-1]
    unit = escape(kpi.unit)

    def x(day: date) -> float:
        return LEFT + (W - LEFT - RIGHT) * (day - first).days / span

    def y(value: Decimal) -> float:
        return H - BOTTOM - float((value - low) / (high - low)) * (H - TOP - BOTTOM)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="kpi-chart" viewBox="0 0 {W} {H}" width="100%" '
             f'role="img" aria-label="{escape(title)}"' + (f' aria-describedby="{escape(described_by)}"' if described_by else "") + ">"]
    for tick in ticks:  # y grid and labels
        parts.append(f'<line x1="{LEFT}" y1="{y(tick):.1f}" x2="{W - RIGHT}" y2="{y(tick):.1f}" stroke="#e5e7eb"/>'
                     f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" font-size="12" text-anchor="end" fill="#374151">'
                     f'{escape(_number(tick))}</text>')
    parts.append(f'<text x="{LEFT - 6}" y="{TOP - 14}" font-size="12" text-anchor="end" fill="#374151">（{unit}）</text>')
    for year in range(first_year, last_year + 1):  # x ticks at each fiscal year's start, labelled R8年度 / 2026年度
        start = fiscal_year_range(year)[0]
        middle = start + (fiscal_year_range(year)[1] - start) / 2
        parts.append(f'<line x1="{x(start):.1f}" y1="{H - BOTTOM}" x2="{x(start):.1f}" y2="{H - BOTTOM + 6}" stroke="#6b7280"/>'
                     f'<text x="{x(middle):.1f}" y="{H - BOTTOM + 20}" font-size="12" text-anchor="middle" fill="#374151">'
                     f'{escape(fiscal_label(year))}</text>')
    parts.append(f'<line x1="{LEFT}" y1="{H - BOTTOM}" x2="{W - RIGHT}" y2="{H - BOTTOM}" stroke="#6b7280"/>'
                 f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{H - BOTTOM}" stroke="#6b7280"/>')
    base_x, base_y = x(kpi.baseline_date), y(Decimal(kpi.baseline_value))
    parts.append(f'<polyline points="{base_x:.1f},{base_y:.1f} {x(end):.1f},{y(Decimal(kpi.target_value)):.1f}" fill="none" '
                 f'stroke="{TARGET}" stroke-width="1.5" stroke-dasharray="6 4"/>'
                 f'<circle cx="{x(end):.1f}" cy="{y(Decimal(kpi.target_value)):.1f}" r="4" fill="#fff" stroke="{TARGET}" stroke-width="1.5"/>'
                 f'<text x="{x(end) - 6:.1f}" y="{y(Decimal(kpi.target_value)) - 8:.1f}" font-size="12" text-anchor="end" fill="{TARGET}">'
                 f'{escape(_number(Decimal(kpi.target_value)))}{unit}</text>')
    line = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in points)
    parts.append(f'<polyline points="{line}" fill="none" stroke="{ACTUAL}" stroke-width="2.5"/>')
    for d, v in points:
        parts.append(f'<circle cx="{x(d):.1f}" cy="{y(v):.1f}" r="4" fill="{ACTUAL}"><title>{escape(day_label(d))}: '
                     f'{escape(_number(v))}{unit}</title></circle>'
                     f'<text x="{x(d):.1f}" y="{y(v) - 9:.1f}" font-size="12" text-anchor="middle" fill="{ACTUAL}">'
                     f'{escape(_number(v))}</text>')
    legend_x = LEFT + 8  # legend: 実績 / 目標ライン
    parts.append(f'<g class="legend" font-size="12" fill="#111827">'
                 f'<line x1="{legend_x}" y1="14" x2="{legend_x + 24}" y2="14" stroke="{ACTUAL}" stroke-width="2.5"/>'
                 f'<text x="{legend_x + 30}" y="18">{escape(_("Actual"))}</text>'
                 f'<line x1="{legend_x + 90}" y1="14" x2="{legend_x + 114}" y2="14" stroke="{TARGET}" stroke-width="1.5" stroke-dasharray="6 4"/>'
                 f'<text x="{legend_x + 120}" y="18">{escape(_("Target line"))}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))


def data_rows(kpi: Kpi) -> list[tuple[date, Decimal | None, Decimal]]:
    """The chart as a table (its text alternative): each plotted date, the actual and the target line there."""
    from tracker.kpi.status import expected_value

    rows = [(d, v, expected_value(kpi, d).quantize(Decimal("0.1"))) for d, v in chart_points(kpi)]
    rows.append((target_date(kpi), None, Decimal(kpi.target_value)))
    return rows

def sparkline(kpi: Kpi, width: int = 120, height: int = 32) -> Markup:
    """A small line of the values so far against the target (dashed); decorative: the value is beside it."""
    points = [(kpi.baseline_date, Decimal(kpi.baseline_value))] + [(m.as_of, Decimal(m.value)) for m in kpi.measurements]
    first, last = points[0][0], max(points[-1][0], target_date(kpi))
    span = max((last - first).days, 1)
    values = [v for _, v in points] + [Decimal(kpi.target_value)]
    low, high = min(values), max(values)
    if high == low:
        high = low + 1

    def x(day: date) -> float:
        return 2 + (width - 4) * (day - first).days / span

    def y(value: Decimal) -> float:
        return height - 3 - float((value - low) / (high - low)) * (height - 6)

    line = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in points)
    target = y(Decimal(kpi.target_value))
    end_x, end_y = x(points[-1][0]), y(points[-1][1])
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" aria-hidden="true" focusable="false">'
        f'<line x1="2" y1="{target:.1f}" x2="{width - 2}" y2="{target:.1f}" stroke="#6b7280" stroke-dasharray="3 2"/>'
        f'<polyline points="{line}" fill="none" stroke="#1d4ed8" stroke-width="1.5"/>'
        f'<circle cx="{end_x:.1f}" cy="{end_y:.1f}" r="2.5" fill="#1d4ed8"/></svg>'
    )
