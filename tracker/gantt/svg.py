"""The Gantt chart drawn on the server as SVG of the same rows: the names on the left (links, so the chart
works without script and each ticket is one tab stop away) and the timeline on the right. Built as strings:
Jinja loops over 3,000 bars cost several times more, and the markup is regular enough to read here.

The rows are cut into bands of ``BAND`` rows, each its own small SVG in a box with ``content-visibility: auto``
(static/css/gantt.css): the browser lays out and paints only the bands on screen, so 3,000 bars cost the first
render about what 200 do. Every band's viewBox starts at its own top, so all coordinates stay those of the whole
chart. Under the bands, one SVG (``svg.gantt-chart``) holds the header, days off, quarter lines and today's line,
which cross every row; over them, one SVG holds the arrows, which may join rows of different bands."""
from __future__ import annotations

from datetime import timedelta
from markupsafe import escape

from tracker.core import fiscal
from tracker.gantt.chart import Gantt
from tracker.gantt.scale import header_rows

ROW = 22  # px per row
HEADER = 3 * 18  # three header rows
LABEL_WIDTH = 360
INDENT = 14
BAND = 100  # rows per band


def bands(count: int) -> list[tuple[int, int]]:
    """The row ranges [first, last) of the bands."""
    return [(first, min(first + BAND, count)) for first in range(0, count, BAND)]


def _band_open(css: str, width: float, first: int, last: int) -> str:
    top, height = row_y(first), (last - first) * ROW
    return (f'<div class="gantt-band" style="width:{width:.0f}px;height:{height}px">'
            f'<svg class="{css}" xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height}" '
            f'viewBox="0 {top} {width:.0f} {height}">')


def _e(value) -> str:
    return str(escape(value))  # markupsafe's C escape: a few times faster than html.escape on 3,000 rows


def row_y(index: int) -> int:
    return HEADER + index * ROW


def labels_svg(gantt: Gantt, labels: dict) -> str:
    """The left pane: WG names, milestones and ticket subjects as links."""
    out = [f'<div role="group" aria-label="{_e(labels["names"])}">'
           f'<svg class="gantt-labels-head" xmlns="http://www.w3.org/2000/svg" width="{LABEL_WIDTH}" height="{HEADER}">'
           f'<text class="gantt-head" x="6" y="{HEADER - 6}">{_e(labels["subject"])}</text></svg>']
    for index, row in enumerate(gantt.rows):
        if index % BAND == 0:
            if index:
                out.append("</svg></div>")
            out.append(_band_open("gantt-labels", LABEL_WIDTH, index, min(index + BAND, len(gantt.rows))))
        y = row_y(index) + ROW - 7
        if row.kind == "wg":
            wg = row.item
            out.append(f'<a href="/projects/{_e(wg.identifier)}/gantt"><text class="wg-name" x="4" y="{y}">'
                       f'{_e(wg.name)}</text></a>')
        elif row.kind == "milestone":
            m = row.item
            late = f' <tspan class="late-flag">{_e(labels["late"])}</tspan>' if m.late else ""
            out.append(f'<a href="/versions/{m.id}/roadmap"><text class="milestone-name{" late" if m.late else ""}" '
                       f'x="{4 + INDENT}" y="{y}">◆ {_e(m.name)}{late}</text></a>')
        else:
            bar = row.item
            x = 4 + INDENT * (bar.depth + 1)
            css = "ticket-name" + (" closed" if bar.is_closed else "") + (" critical" if bar.critical else "")
            out.append(f'<a href="/issues/{bar.id}"><text class="{css}" x="{x}" y="{y}" data-id="{bar.id}">'
                       f'#{bar.id} {_e(bar.subject)}</text></a>')
    out.append("</svg></div></div>" if gantt.rows else "</div>")
    return "".join(out)


def chart_svg(gantt: Gantt, labels: dict, language: str) -> str:
    """The right pane: header, days off, quarter lines, today, milestones, bars and arrows."""
    scale = gantt.scale
    width, height = scale.width, row_y(len(gantt.rows))
    out = [f'<svg class="gantt-chart zoom-{scale.zoom}" xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" '
           f'height="{height}" viewBox="0 0 {width:.0f} {height}" role="group" aria-label="{_e(labels["chart"])}" '
           f'data-origin="{scale.start.isoformat()}" data-px-per-day="{scale.px_per_day}" data-row="{ROW}">',
           '<defs><marker id="gantt-arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" '
           'orient="auto"><path d="M0,0 L8,4 L0,8 z" class="arrow-head"/></marker>'
           '<marker id="gantt-arrow-critical" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" '
           'orient="auto"><path d="M0,0 L8,4 L0,8 z" class="arrow-head critical"/></marker></defs>']
    out += _days_off(gantt, height)
    out += _header(gantt, language)
    quarter = fiscal.FiscalQuarter.of(scale.start).next()
    while quarter.start <= scale.end:
        x = scale.x(quarter.start)
        css = "fy-line" if quarter.quarter == 1 else "quarter-line"
        out.append(f'<line class="{css}" x1="{x:.1f}" x2="{x:.1f}" y1="{18}" y2="{height}"/>')
        quarter = quarter.next()
    if scale.start <= gantt.today <= scale.end:
        x = scale.x(gantt.today) + scale.px_per_day / 2
        out.append(f'<line class="today" x1="{x:.1f}" x2="{x:.1f}" y1="{HEADER}" y2="{height}">'
                   f'<title>{_e(labels["today"])} {gantt.today.isoformat()}</title></line>')
    out.append(f'</svg><div class="gantt-head-space" style="width:{width:.0f}px;height:{HEADER}px"></div>')
    positions = {}
    draw_bar = _bar_drawer(gantt, labels)
    for index, row in enumerate(gantt.rows):
        if index % BAND == 0:
            if index:
                out.append("</svg></div>")
            out.append(_band_open("gantt-rows", width, index, min(index + BAND, len(gantt.rows))))
        y = row_y(index)
        if row.kind == "milestone":
            out.append(_diamond(gantt, row.item, y, labels))
        elif row.kind == "ticket":
            bar = row.item
            positions[bar.id] = y
            out.append(draw_bar(bar, y))
    if gantt.rows:
        out.append("</svg></div>")
    out.append(f'<svg class="gantt-arrows" xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height}" '
               f'viewBox="0 0 {width:.0f} {height}" aria-hidden="true">')
    for arrow in gantt.arrows:
        path = arrow_path(gantt, arrow.from_id, arrow.to_id, positions)
        if path:
            css = "arrow " + arrow.kind + (" critical" if arrow.critical else "")
            marker = "gantt-arrow-critical" if arrow.critical else "gantt-arrow"
            out.append(f'<path class="{css}" data-from="{arrow.from_id}" data-to="{arrow.to_id}" d="{path}" '
                       f'marker-end="url(#{marker})"/>')
    out.append("</svg>")
    return "".join(out)


def _header(gantt: Gantt, language: str) -> list[str]:
    out = []
    for level, cells in enumerate(header_rows(gantt.scale, language, gantt.holidays)):
        y = level * 18
        for cell in cells:
            kind = f" {cell.kind}" if cell.kind else ""
            out.append(f'<g class="head-cell level-{level}{kind}"><rect x="{cell.x:.1f}" y="{y}" width="{cell.width:.1f}" '
                       f'height="18"/><text x="{cell.x + 3:.1f}" y="{y + 13}">{_e(cell.label)}</text>'
                       f'<title>{_e(cell.title or cell.label)}</title></g>')
    return out


def _days_off(gantt: Gantt, height: int) -> list[str]:
    """Weekends (not in the quarter zoom, where a day is two pixels) and Japanese holidays, shaded."""
    scale, out = gantt.scale, []
    if scale.zoom != "quarter":
        day = scale.start + timedelta(days=(5 - scale.start.weekday()) % 7)
        while day <= scale.end:
            x, w = scale.span(day, day + timedelta(days=1))
            out.append(f'<rect class="weekend" x="{x:.1f}" y="{HEADER}" width="{w:.1f}" height="{height - HEADER}"/>')
            day += timedelta(days=7)
    for day, name in gantt.holidays.items():
        x = scale.x(day)
        out.append(f'<rect class="holiday" data-date="{day.isoformat()}" x="{x:.1f}" y="{HEADER}" '
                   f'width="{scale.px_per_day:.1f}" height="{height - HEADER}"><title>{_e(name)} {day.isoformat()}'
                   f'</title></rect>')
    return out


def _diamond(gantt: Gantt, milestone, y: int, labels: dict) -> str:
    scale = gantt.scale
    if not scale.start <= milestone.effective_date <= scale.end:
        return ""
    x = scale.x(milestone.effective_date) + scale.px_per_day / 2
    late = f" {labels['late']}" if milestone.late else ""
    return (f'<g class="milestone{" late" if milestone.late else ""}" transform="translate({x:.1f},{y + ROW / 2})">'
            f'<path d="M0,-7 L7,0 L0,7 L-7,0 Z"/><title>{_e(milestone.name)} {milestone.effective_date.isoformat()}'
            f'{_e(late)}</title></g>')


def _bar_drawer(gantt: Gantt, labels: dict):
    """A function drawing one bar at a row's y: the scale's numbers looked up once, each date written once (3,000
    bars: this is the page's hottest loop)."""
    scale = gantt.scale
    first, last, ppd = scale.start, scale.end, scale.px_per_day
    if float(ppd).is_integer():  # every zoom's is: whole pixels, written without a float's formatting
        ppd = int(ppd)
    critical = f" ({labels['critical']})"

    def draw(bar, y: int) -> str:
        start = bar.start.isoformat() if bar.start else ""
        due = bar.due.isoformat() if bar.due else ""
        attrs = (f'data-id="{bar.id}" data-lock="{bar.lock_version}" data-done="{bar.done_ratio}" '
                 f'data-start="{start}" data-due="{due}"')
        drawn = bar.drawn
        if drawn is None:
            return f'<g class="bar undated" {attrs}></g>'
        left, right = max(drawn[0], first), min(drawn[1], last)
        x = (left - first).days * ppd
        width = 0 if right < left else (right - left).days * ppd + ppd
        css = "bar"
        if bar.has_children:
            css += " parent"
        if bar.is_closed:
            css += " closed"
        if bar.critical:
            css += " critical"
        if bar.editable:
            css += " editable"
        top, tall = (7, 8) if bar.has_children else (4, 14)
        ratio = bar.done_ratio
        done = width * (0 if ratio < 0 else 100 if ratio > 100 else ratio) / 100
        if bar.start and bar.due and drawn[0] is bar.start and drawn[1] is bar.due:
            span = f"{start} – {due}"
        else:
            span = f"{drawn[0].isoformat()} – {drawn[1].isoformat()}"
        # The subject is on the same row in the left pane; the tooltip gives the dates and progress.
        return (f'<g class="{css}" {attrs} transform="translate({x},{y + top})">'
                f'<rect class="bar-bg" width="{width}" height="{tall}" rx="2"/>'
                + (f'<rect class="bar-done" width="{done:.1f}" height="{tall}" rx="2"/>' if done > 0 else "")
                + f'<title>#{bar.id}: {span}, {ratio}%{critical if bar.critical else ""}</title></g>')

    return draw




def arrow_path(gantt: Gantt, from_id: int, to_id: int, positions: dict[int, int]) -> str:
    """From the end of the predecessor (or blocker) to the start of the follower, in right angles."""
    a, b = gantt.bars.get(from_id), gantt.bars.get(to_id)
    if a is None or b is None or not a.drawn or not b.drawn:
        return ""
    scale = gantt.scale
    x1 = scale.span(*a.drawn)[0] + scale.span(*a.drawn)[1]
    x2 = scale.span(*b.drawn)[0]
    y1, y2 = positions[from_id] + ROW / 2, positions[to_id] + ROW / 2
    if x2 - x1 >= 10:
        return f"M{x1:.1f},{y1} H{x1 + 5:.1f} V{y2} H{x2 - 1:.1f}"
    middle = y1 + (ROW / 2 if y2 > y1 else -ROW / 2)
    return f"M{x1:.1f},{y1} H{x1 + 5:.1f} V{middle} H{x2 - 8:.1f} V{y2} H{x2 - 1:.1f}"
