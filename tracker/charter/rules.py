"""What each gate needs; a refused gate says exactly what is missing.

The planning gate also needs scheduled tickets (with an assignee and a due date).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from tracker.core.translation import gettext as _

from tracker.core.org_permissions import has_org_permission
from tracker.charter.policy import DECIDE_GATES
from tracker.charter.models import EXECUTION, LAUNCH, PLANNING, RESPONSIBLE, Charter



def empty_items(charter: Charter) -> list[str]:
    """The charter's 8 items (and the people in them) that are still empty, as labels."""
    from tracker.charter.labels import ITEM_LABELS

    missing = []
    if not charter.purpose.strip():
        missing.append(ITEM_LABELS["purpose"])
    if not charter.people_of(RESPONSIBLE):
        missing.append(ITEM_LABELS["responsible"])
    if not charter.people_of("leader"):
        missing.append(ITEM_LABELS["leader"])
    if not charter.stakeholders.strip() and not charter.stakeholder_sections:
        missing.append(ITEM_LABELS["stakeholders"])
    if not charter.criteria:
        missing.append(ITEM_LABELS["criteria"])
    if not charter.nature.strip():
        missing.append(ITEM_LABELS["nature"])
    if not charter.schedule.strip() and not charter.milestones:
        missing.append(ITEM_LABELS["schedule"])
    if not charter.budget_lines:
        missing.append(ITEM_LABELS["budget"])
    return [str(label) for label in missing]


def missing_for(charter: Charter, user, today: date | None = None) -> list[str]:
    problems: list[str] = []
    if charter.phase == LAUNCH:
        empty = empty_items(charter)
        if empty:
            problems.append(_("The charter is not complete; still empty: %(items)s.", items="、".join(empty)))
        responsible = {p.user_id for p in charter.people_of(RESPONSIBLE)}
        if not (has_org_permission(user, DECIDE_GATES) or user.id in responsible):
            problems.append(_("Leaving launch must be approved by a final responsible person or the DX office."))
    elif charter.phase == PLANNING:
        if not charter.milestones:
            problems.append(_("Leaving planning needs milestones in the charter."))
        from tracker.charter.tickets import scheduled_count

        if scheduled_count(charter.wg) == 0:
            problems.append(_("Leaving planning needs scheduled tickets (with an assignee and a due date)."))
    elif charter.phase == EXECUTION:
        unevaluated = [c.description for c in charter.criteria if not c.evaluation]
        if not charter.criteria:
            problems.append(_("Closing needs success criteria to evaluate."))
        if unevaluated:
            problems.append(_("Closing needs the evaluation of each success criterion; not evaluated: %(items)s.",
                              items="、".join(unevaluated)))
        if not (charter.keep.strip() and charter.problem.strip() and charter.try_next.strip()):
            problems.append(_("Closing needs the retrospective (Keep, Problem and Try)."))
    return problems


@dataclass(frozen=True)
class GateCheck:
    """One thing the next gate needs, met or not: the ✓/✗ lines of the WG home and the gate form."""

    label: str
    met: bool
    detail: str = ""  # e.g. how many scheduled tickets, which criteria are not evaluated


def gate_checks(charter: Charter, user) -> list[GateCheck]:
    """Every rule of the gate out of the current phase (the same rules ``missing_for`` refuses on)."""
    from tracker.charter.labels import ITEM_LABELS

    checks: list[GateCheck] = []
    if charter.phase == LAUNCH:
        empty = set(empty_items(charter))
        for key in ("purpose", "responsible", "leader", "stakeholders", "criteria", "nature", "schedule", "budget"):
            label = str(ITEM_LABELS[key])
            checks.append(GateCheck(label, label not in empty))
        responsible = {p.user_id for p in charter.people_of(RESPONSIBLE)}
        checks.append(GateCheck(_("Decided by a final responsible person or the DX office"),
                                has_org_permission(user, DECIDE_GATES) or user.id in responsible))
    elif charter.phase == PLANNING:
        from tracker.charter.tickets import scheduled_count

        checks.append(GateCheck(str(ITEM_LABELS["milestones"]), bool(charter.milestones),
                                str(len(charter.milestones))))
        scheduled = scheduled_count(charter.wg)
        checks.append(GateCheck(_("Scheduled tickets (with an assignee and a due date)"), scheduled > 0,
                                str(scheduled)))
    elif charter.phase == EXECUTION:
        unevaluated = [c.description for c in charter.criteria if not c.evaluation]
        checks.append(GateCheck(str(ITEM_LABELS["criteria"]), bool(charter.criteria)))
        checks.append(GateCheck(_("Each success criterion evaluated"), bool(charter.criteria) and not unevaluated,
                                "、".join(unevaluated)))
        checks.append(GateCheck(_("Retrospective (Keep, Problem and Try)"),
                                bool(charter.keep.strip() and charter.problem.strip() and charter.try_next.strip())))
    return checks
