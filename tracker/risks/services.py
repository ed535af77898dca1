"""Risk register changes."""
from __future__ import annotations

from datetime import date

from tracker.core.translation import gettext as _

from tracker.charter.services import ensure_open
from tracker.core import history
from tracker.core.services import ServiceError
from tracker.extensions import db
from tracker.risks.models import CATEGORIES, RESPONSES, Risk


class RiskError(ServiceError):
    """Risk input that cannot be accepted."""


def _scale(value, label) -> str | None:
    if not isinstance(value, int) or not 1 <= value <= 5:
        return _("%(field)s must be between 1 and 5.", field=label)
    return None


def save_risk(actor, risk: Risk | None, wg, *, title: str, category: str, probability, impact, response: str,
              next_review: date | None, description: str = "", response_plan: str = "", owner=None,
              closed: bool = False) -> Risk:
    ensure_open(wg)
    problems = []
    if not (title or "").strip():
        problems.append(_("The title is required."))
    if category not in CATEGORIES:
        problems.append(_("Choose a category."))
    for value, label in ((probability, _("Probability")), (impact, _("Impact"))):
        problem = _scale(value, label)
        if problem:
            problems.append(problem)
    if response not in RESPONSES:
        problems.append(_("Choose a response."))
    if not isinstance(next_review, date):
        problems.append(_("Give the next review date."))
    if problems:
        raise RiskError(problems)
    risk = risk or Risk(wg_id=wg.id, wg=wg)
    with history.recording(actor, risk):
        risk.title, risk.description, risk.category = title.strip(), (description or "").strip(), category
        risk.probability, risk.impact, risk.response = probability, impact, response
        risk.response_plan, risk.next_review, risk.closed = (response_plan or "").strip(), next_review, bool(closed)
        risk.owner_id = owner.id if owner is not None else None
        db.session.add(risk)
        db.session.flush()
    return risk
