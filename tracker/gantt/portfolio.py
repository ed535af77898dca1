"""The DX office's portfolio timeline: every WG the user may see is a row of its phases (立ち上げ, プランニング,
実行, 終了/中止), dated by its gate decisions (a "go" starts the next phase, a "stop" stops the WG; a
"hold" keeps it where it is and shows as a marker), with its milestones (versions and the charter's own)
as diamonds, over fiscal years and their quarters. A click on a row opens the WG."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from html import escape

from sqlalchemy import select

from tracker.charter.labels import DECISION_LABELS, PHASE_LABELS
from tracker.charter.models import LAUNCH, Charter, GateDecision, Milestone as CharterMilestone
from tracker.core import fiscal, policy
from tracker.core.i18n import local_today
from tracker.core.translation import gettext as _
from tracker.extensions import db
from tracker.gantt.calendar_days import japanese_holidays
from tracker.gantt.scale import Scale, header_rows
from tracker.tickets.models import Version
from tracker.wg.models import WorkingGroup

ROW, HEADER, LABEL_WIDTH = 30, 54, 260
MAX_YEARS = 3


@dataclass
class Segment:
    phase: str
    start: date
    end: date | None  # None: still in this phase


@dataclass
class Marker:
    day: date
    kind: str  # a decision (go / hold / stop) or "milestone"
    title: str


@dataclass
class WGRow:
    wg: WorkingGroup
    phase: str
    segments: list[Segment] = field(default_factory=list)
    gates: list[Marker] = field(default_factory=list)
    milestones: list[Marker] = field(default_factory=list)


@dataclass
class Timeline:
    rows: list[WGRow]
    scale: Scale
    fiscal_year: int
    years: int
    today: date
    errors: list[str]
    holidays: dict


def _local_day(moment: datetime) -> date:
    from flask_babel import to_user_timezone

    return to_user_timezone(moment).date()


def _int(value, default: int, low: int, high: int, errors: list[str], message: str) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors.append(message)
        return default
    if not low <= number <= high:
        errors.append(message)
        return default
    return number


def build_timeline(user, args, *, language: str = "ja", today: date | None = None) -> Timeline:
    today = today or local_today()
    errors: list[str] = []
    year = _int(args.get("fiscal_year"), fiscal.fiscal_year(today), 2000, 2100, errors,
                _("Choose a fiscal year between 2000 and 2100."))
    years = _int(args.get("years"), 2, 1, MAX_YEARS, errors, _("Show one to three fiscal years."))
    start = fiscal.fiscal_year_range(year)[0]
    end = fiscal.fiscal_year_range(year + years - 1)[1]
    scale = Scale(start, end, "quarter")
    wgs = list(db.session.scalars(select(WorkingGroup).where(WorkingGroup.visible(user))
                                  .order_by(WorkingGroup.name, WorkingGroup.id)))
    ids = [w.id for w in wgs]
    phases = dict(db.session.execute(select(Charter.wg_id, Charter.phase).where(Charter.wg_id.in_(ids))).all())
    gates: dict[int, list[GateDecision]] = {}
    for gate in db.session.scalars(select(GateDecision).where(GateDecision.wg_id.in_(ids),
                                                              policy.visible(GateDecision, user))
                                   .order_by(GateDecision.decided_at, GateDecision.id)):
        gates.setdefault(gate.wg_id, []).append(gate)
    milestones: dict[int, list[Marker]] = {}
    ticket_wgs = select(WorkingGroup.id).where(WorkingGroup.with_permission(user, "view_issues"))
    for version in db.session.execute(select(Version.wg_id, Version.name, Version.effective_date).where(
            Version.wg_id.in_(ids), Version.wg_id.in_(ticket_wgs), Version.effective_date.is_not(None))):
        milestones.setdefault(version.wg_id, []).append(Marker(version.effective_date, "milestone", version.name))
    for wg_id, title, due in db.session.execute(
            select(Charter.wg_id, CharterMilestone.title, CharterMilestone.due_date)
            .join(Charter, Charter.id == CharterMilestone.charter_id).where(Charter.wg_id.in_(ids))):
        milestones.setdefault(wg_id, []).append(Marker(due, "milestone", title))
    rows = []
    for wg in wgs:
        row = WGRow(wg, phases.get(wg.id, LAUNCH), milestones=sorted(milestones.get(wg.id, []), key=lambda m: m.day))
        current = Segment(LAUNCH, _local_day(wg.created_at), None)
        for gate in gates.get(wg.id, []):
            day = _local_day(gate.decided_at)
            label = DECISION_LABELS.get(gate.decision, gate.decision)
            row.gates.append(Marker(day, gate.decision, f"{day.isoformat()} {label}: "
                                    f"{PHASE_LABELS.get(gate.from_phase, gate.from_phase)} → "
                                    f"{PHASE_LABELS.get(gate.to_phase, gate.to_phase)}"))
            if gate.to_phase != current.phase:
                current.end = day
                row.segments.append(current)
                current = Segment(gate.to_phase, day, None)
        row.segments.append(current)
        rows.append(row)
    return Timeline(rows, scale, year, years, today, errors, japanese_holidays(start, end, language))


def timeline_json(timeline: Timeline) -> dict:
    return {
        "fiscal_year": timeline.fiscal_year, "years": timeline.years,
        "range": {"start": timeline.scale.start.isoformat(), "end": timeline.scale.end.isoformat()},
        "today": timeline.today.isoformat(),
        "wgs": [{
            "id": r.wg.id, "identifier": r.wg.identifier, "name": r.wg.name, "phase": r.phase,
            "url": f"/projects/{r.wg.identifier}",
            "phases": [{"phase": s.phase, "start": s.start.isoformat(), "end": s.end.isoformat() if s.end else None}
                       for s in r.segments],
            "gate_decisions": [{"date": g.day.isoformat(), "decision": g.kind, "title": g.title} for g in r.gates],
            "milestones": [{"date": m.day.isoformat(), "name": m.title} for m in r.milestones],
        } for r in timeline.rows],
    }


def _e(value) -> str:
    return escape(str(value), quote=True)


def timeline_svg(timeline: Timeline, language: str) -> str:
    scale = timeline.scale
    width = LABEL_WIDTH + scale.width
    height = HEADER + ROW * len(timeline.rows)
    out = [f'<svg class="portfolio-timeline" xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height}" '
           f'viewBox="0 0 {width:.0f} {height}" role="group" aria-label="{_e(_("Portfolio timeline"))}">',
           f'<g transform="translate({LABEL_WIDTH},0)">']
    for level, cells in enumerate(header_rows(scale, language, {})):
        for cell in cells:
            out.append(f'<g class="head-cell level-{level}"><rect x="{cell.x:.1f}" y="{level * 18}" width="{cell.width:.1f}" '
                       f'height="18"/><text x="{cell.x + 3:.1f}" y="{level * 18 + 13}">{_e(cell.label)}</text>'
                       f'<title>{_e(cell.title or cell.label)}</title></g>')
    quarter = fiscal.FiscalQuarter.of(scale.start).next()
    while quarter.start <= scale.end:
        x = scale.x(quarter.start)
        out.append(f'<line class="{"fy-line" if quarter.quarter == 1 else "quarter-line"}" x1="{x:.1f}" x2="{x:.1f}" '
                   f'y1="18" y2="{height}"/>')
        quarter = quarter.next()
    if scale.start <= timeline.today <= scale.end:
        x = scale.x(timeline.today)
        out.append(f'<line class="today" x1="{x:.1f}" x2="{x:.1f}" y1="{HEADER}" y2="{height}"><title>'
                   f'{_e(_("Today"))} {timeline.today.isoformat()}</title></line>')
    out.append("</g>")
    for index, row in enumerate(timeline.rows):
        y = HEADER + index * ROW
        out.append(f'<a href="/projects/{_e(row.wg.identifier)}" class="wg-row" data-wg="{_e(row.wg.identifier)}">'
                   f'<rect class="row-bg" x="0" y="{y}" width="{width:.0f}" height="{ROW}"/>'
                   f'<text class="wg-name" x="6" y="{y + 19}">{_e(row.wg.name)}</text>'
                   f'<g transform="translate({LABEL_WIDTH},0)">')
        for segment in row.segments:
            x, w = scale.span(segment.start, segment.end or scale.end)
            if w <= 0:
                continue
            label = PHASE_LABELS.get(segment.phase, segment.phase)
            until = segment.end.isoformat() if segment.end else "…"
            out.append(f'<g class="phase phase-{_e(segment.phase)}"><rect x="{x:.1f}" y="{y + 6}" width="{w:.1f}" '
                       f'height="{ROW - 12}" rx="3"/>'
                       + (f'<text x="{x + 4:.1f}" y="{y + 19}">{_e(label)}</text>' if w > 40 else "")
                       + f'<title>{_e(label)}: {segment.start.isoformat()} – {until}</title></g>')
        for gate in row.gates:
            if scale.start <= gate.day <= scale.end:
                x = scale.x(gate.day)
                out.append(f'<g class="gate gate-{_e(gate.kind)}" transform="translate({x:.1f},{y + 3})">'
                           f'<path d="M-5,0 L5,0 L0,8 Z"/><line x1="0" x2="0" y1="8" y2="{ROW - 6}"/>'
                           f'<title>{_e(gate.title)}</title></g>')
        for milestone in row.milestones:
            if scale.start <= milestone.day <= scale.end:
                x = scale.x(milestone.day)
                out.append(f'<g class="milestone" transform="translate({x:.1f},{y + ROW - 6})">'
                           f'<path d="M0,-5 L5,0 L0,5 L-5,0 Z"/><title>{_e(milestone.title)} {milestone.day.isoformat()}'
                           f'</title></g>')
        out.append("</g></a>")
    out.append("</svg>")
    return "".join(out)
