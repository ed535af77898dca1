"""The burndown chart as server-side SVG: remaining open tickets (or hours) per day as a line, the ideal line
dashed, the milestone's date marked, today marked."""
from __future__ import annotations

from html import escape

from tracker.roadmap.progress import Day

WIDTH, HEIGHT = 760, 280
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 36


def _e(value) -> str:
    return escape(str(value), quote=True)


def burndown_svg(days: list[Day], mode: str, labels: dict, due=None, today=None) -> str:
    if not days:
        return ""
    actual = [(i, float(d.open_hours if mode == "hours" else d.open_tickets)) for i, d in enumerate(days)
              if (d.open_hours if mode == "hours" else d.open_tickets) is not None]
    ideal = [(i, d.ideal_hours if mode == "hours" else d.ideal_tickets) for i, d in enumerate(days)
             if (d.ideal_hours if mode == "hours" else d.ideal_tickets) is not None]
    top = max([v for _i, v in actual + ideal] + [1.0])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(days) - 1, 1)

    def x(i):
        return LEFT + i * step

    def y(v):
        return TOP + plot_h - (v / top) * plot_h

    out = [f'<svg class="burndown" xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
           f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="burndown-title">'
           f'<title id="burndown-title">{_e(labels["title"])}</title>']
    for k in range(5):
        value = top * k / 4
        out.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}"/>'
                   f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end">{value:.0f}</text>')
    out.append(f'<line class="axis" x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + plot_h}"/>'
               f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}"/>')
    ticks = sorted({0, len(days) - 1, *range(0, len(days), max(1, len(days) // 6))})
    for i in ticks:
        day = days[i].day
        out.append(f'<text x="{x(i):.1f}" y="{HEIGHT - 14}" text-anchor="middle">{day.month}/{day.day}</text>')
    for marker, css, label in ((due, "due-line", labels["due"]), (today, "today-line", labels["today"])):
        index = next((i for i, d in enumerate(days) if d.day == marker), None)
        if index is not None:
            out.append(f'<line class="{css}" x1="{x(index):.1f}" x2="{x(index):.1f}" y1="{TOP}" y2="{TOP + plot_h}">'
                       f'<title>{_e(label)} {marker.isoformat()}</title></line>')
    if ideal:
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in ideal)
        out.append(f'<polyline class="ideal" points="{points}"><title>{_e(labels["ideal"])}</title></polyline>')
    if actual:
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in actual)
        out.append(f'<polyline class="actual" points="{points}"><title>{_e(labels["actual"])}</title></polyline>')
    out.append("</svg>")
    return "".join(out)
