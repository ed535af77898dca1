"""A KPI's chart as inline SVG, drawn on the server: no JavaScript library and nothing to download."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from markupsafe import Markup, escape

from tracker.kpi.models import Kpi
from tracker.kpi.status import target_date

W, H, PAD = 560, 240, 40


def svg(kpi: Kpi, title: str = "") -> Markup:
    points = [(kpi.baseline_date, Decimal(kpi.baseline_value))] + [(m.as_of, Decimal(m.value)) for m in kpi.measurements]
    end = target_date(kpi)
    days = [p[0] for p in points] + [end]
    first, last = min(days), max(days)
    span = max((last - first).days, 1)
    values = [p[1] for p in points] + [Decimal(kpi.target_value)]
    low, high = min(min(values), Decimal(0)), max(values) or Decimal(1)
    if high == low:
        high = low + 1

    def x(day: date) -> float:
        return PAD + (W - 2 * PAD) * (day - first).days / span

    def y(value: Decimal) -> float:
        return H - PAD - float((value - low) / (high - low)) * (H - 2 * PAD)

    line = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in points)
    plan = f"{x(kpi.baseline_date):.1f},{y(Decimal(kpi.baseline_value)):.1f} {x(end):.1f},{y(Decimal(kpi.target_value)):.1f}"
    dots = "".join(
        f'<circle cx="{x(d):.1f}" cy="{y(v):.1f}" r="3" fill="#2563eb"><title>{d.isoformat()}: {v.normalize():f}</title></circle>'
        for d, v in points[1:]
    )
    unit = escape(kpi.unit)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="kpi-chart" viewBox="0 0 {W} {H}" width="100%" role="img" aria-label="{escape(title)}">'
        f'<line x1="{PAD}" y1="{H - PAD}" x2="{W - PAD}" y2="{H - PAD}" stroke="#999"/>'
        f'<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{H - PAD}" stroke="#999"/>'
        f'<polyline points="{plan}" fill="none" stroke="#9ca3af" stroke-dasharray="6 4"/>'
        f'<polyline points="{line}" fill="none" stroke="#2563eb" stroke-width="2"/>{dots}'
        f'<text x="{PAD}" y="{H - 10}" font-size="11">{first.isoformat()}</text>'
        f'<text x="{W - PAD}" y="{H - 10}" font-size="11" text-anchor="end">{end.isoformat()}</text>'
        f'<text x="{PAD - 4}" y="{y(high) + 4:.1f}" font-size="11" text-anchor="end">{high.normalize():f}{unit}</text>'
        f'<text x="{PAD - 4}" y="{y(low) + 4:.1f}" font-size="11" text-anchor="end">{low.normalize():f}</text>'
        "</svg>"
    )


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
