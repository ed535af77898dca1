"""What the idea box reads from and writes to a WG started from an idea: the charter's phase, purpose and
origin, and the status of the WG's KPIs. The charter and KPI features are optional here (they are built
on their own branch), so each part is used only when that feature is installed."""
from __future__ import annotations

from datetime import date


def _installed(feature: str) -> bool:
    from tracker import FEATURES

    return feature in FEATURES


def fill_charter(wg, *, purpose: str, origin_note: str, actor=None) -> bool:
    """Put the new WG in its launch phase with purpose and origin taken from the idea (in the charter's history
    as ``actor``'s change)."""
    if not _installed("charter"):
        return False
    from tracker.charter.models import LAUNCH
    from tracker.charter.services import charter_for
    from tracker.core import history

    charter = charter_for(wg)
    with history.recording(actor, charter):
        charter.phase = LAUNCH
        charter.purpose = purpose
        charter.origin = "idea"
        charter.origin_note = origin_note[:300]
    return True


def wg_status(wg, today: date) -> dict:
    """``{"phase": label, "kpis": [(kpi, status label, status key)]}``; empty where the feature is missing."""
    result: dict = {}
    if _installed("charter"):
        from tracker.charter.labels import PHASE_LABELS
        from tracker.charter.services import phase_of

        result["phase"] = PHASE_LABELS.get(phase_of(wg), phase_of(wg))
    if _installed("kpi"):
        from sqlalchemy import select

        from tracker.extensions import db
        from tracker.kpi.models import WgKpi
        from tracker.kpi.status import status
        from tracker.kpi.views import STATUS_LABELS

        kpis = [link.kpi for link in db.session.scalars(select(WgKpi).where(WgKpi.wg_id == wg.id))]
        result["kpis"] = [(kpi, STATUS_LABELS.get(status(kpi, today)), status(kpi, today)) for kpi in kpis]
    return result
