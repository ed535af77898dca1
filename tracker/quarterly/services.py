"""Quarterly targets and actuals, and the check for actuals missing after a quarter ended."""
from __future__ import annotations

from datetime import date

from tracker.core.translation import gettext as _, lazy_gettext as _l
from sqlalchemy import select

from tracker.charter.services import ensure_open
from tracker.core import events, history
from tracker.core.fiscal import FiscalQuarter
from tracker.core.services import ServiceError
from tracker.extensions import db
from tracker.quarterly import queries
from tracker.quarterly.models import STATUSES, QuarterlyEntry


class QuarterlyError(ServiceError):
    """Quarterly input that cannot be accepted."""


def save_entry(actor, wg, *, initiative: str, fiscal_year, quarter, target: str = "", actual: str = "",
               status: str = "planned", today: date) -> QuarterlyEntry:
    """Create or update the cell (WG, initiative, fiscal year, quarter)."""
    ensure_open(wg)
    initiative = (initiative or "").strip() or wg.name
    problems = []
    if not isinstance(fiscal_year, int) or not 2000 <= fiscal_year <= 2100:
        problems.append(_("Give the fiscal year (e.g. 2026)."))
    if quarter not in (1, 2, 3, 4):
        problems.append(_("The quarter is 1 to 4."))
    if status not in STATUSES:
        problems.append(_("Choose a valid status."))
    if len(initiative) > 200:
        problems.append(_("The initiative name is too long (200 characters at most)."))
    if not problems and (actual or "").strip():
        fq = FiscalQuarter(fiscal_year, quarter)
        if not fq.has_started(today):
            problems.append(_("An actual cannot be reported for a quarter that has not started (it starts on %(day)s).",
                              day=fq.start.isoformat()))
    if not problems and not (target or "").strip() and not (actual or "").strip():
        problems.append(_("Give a target or an actual."))
    if problems:
        raise QuarterlyError(problems)
    entry = db.session.scalar(select(QuarterlyEntry).where(
        QuarterlyEntry.wg_id == wg.id, QuarterlyEntry.initiative == initiative,
        QuarterlyEntry.fiscal_year == fiscal_year, QuarterlyEntry.quarter == quarter))
    if entry is None:
        entry = QuarterlyEntry(wg_id=wg.id, wg=wg, initiative=initiative, fiscal_year=fiscal_year, quarter=quarter)
    with history.recording(actor, entry):
        entry.target, entry.actual, entry.status = (target or "").strip(), (actual or "").strip(), status
        db.session.add(entry)
        db.session.flush()
    return entry


def check_missing_actuals(today: date | None = None) -> int:
    """Periodic check: after a quarter ends, tell the leaders of each WG in execution without an actual."""
    from tracker.core.i18n import local_today
    from tracker.kpi.services import already_reported

    today = today or local_today()
    quarter = queries.last_ended_quarter(today)
    reported = 0
    for wg in queries.wgs_missing_actual(quarter):
        if already_reported("quarterly.actual_missing", f"{wg.id}:{quarter.year}Q{quarter.quarter}"):
            continue
        leaders = [m.user for m in wg.members if wg.allows(m.user, "report_quarterly")]
        events.emit(events.Event(
            kind="quarterly.actual_missing",
            title=_l("%(wg)s: no actual reported for %(year)s %(quarter)sQ", wg=wg.name, year=quarter.year,
                     quarter=quarter.quarter),
            url=f"/projects/{wg.identifier}/quarterly?year={quarter.year}",
            recipients=leaders, wg=wg, subject=wg,
            data={"wg_id": wg.id, "fiscal_year": quarter.year, "quarter": quarter.quarter},
        ))
        reported += 1
    return reported


events.register_periodic_check("quarterly.actual_missing", check_missing_actuals)
