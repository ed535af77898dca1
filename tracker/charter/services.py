"""Charter edits (journaled: ``tracker.charter.history``), gate decisions with their rules, stopping, and close-out."""
from __future__ import annotations

from datetime import date

from tracker.core.org_permissions import has_org_permission
from tracker.charter.policy import DECIDE_GATES
from tracker.core.translation import gettext as _, lazy_gettext as _l
from sqlalchemy import select

from tracker.core import events, history
from tracker.core.services import ServiceError
from tracker.extensions import db
from tracker.charter import rules
from tracker.charter.models import (
    CLOSED, EVALUATIONS, GO, HOLD, LAUNCH, LEADER, NEXT_PHASE, ORIGINS, RESPONSIBLE, STOP, STOPPED,
    BudgetLine, Charter, CharterPerson, GateDecision, Milestone, SuccessCriterion,
)

TEXT_ITEMS = ["purpose", "background", "content", "nature", "schedule", "stakeholders", "origin", "origin_note"]


class CharterError(ServiceError):
    """Charter or gate input that cannot be accepted."""


def charter_for(wg, create: bool = True) -> Charter:
    """The WG's charter, made (in phase 立ち上げ) the first time it is changed; with ``create=False`` (pages
    that only read) an empty unsaved one stands in until then."""
    charter = db.session.scalar(select(Charter).where(Charter.wg_id == wg.id))
    if charter is None:
        charter = Charter(wg_id=wg.id, phase=LAUNCH, purpose="", background="", content="", nature="", schedule="",
                          stakeholders="", origin="", origin_note="", stop_reason="", keep="", problem="", try_next="",
                          handover_note="")
        charter.wg = wg
        if create:
            db.session.add(charter)
            db.session.flush()
    return charter


def phase_of(wg) -> str:
    phase = db.session.scalar(select(Charter.phase).where(Charter.wg_id == wg.id))
    return phase or LAUNCH


def ensure_open(wg) -> None:
    """Refuse a change to a closed or stopped WG (read-only except for comments)."""
    if phase_of(wg) in (CLOSED, STOPPED):
        raise CharterError([_("This WG is closed: it can no longer be changed.")])


def update_charter(charter: Charter, user, *, texts: dict, people: list[tuple], criteria: list[dict],
                   milestones: list[dict], budget_lines: list[dict], sections: list | None = None) -> None:
    """Replace the charter's items; what changed is one entry of the charter's history (old → new per item).

    ``people``: (user, kind, area); ``criteria``: {description, kpi_id, target};
    ``milestones``: {title, due_date}; ``budget_lines``: {source, amount, note}.
    """
    ensure_open(charter.wg)
    problems = []
    if texts.get("origin") and texts["origin"] not in ORIGINS:
        problems.append(_("Choose a valid origin."))
    for line in budget_lines:
        if not (line.get("source") or "").strip():
            problems.append(_("Each budget line needs a source."))
        amount = line.get("amount")
        if not isinstance(amount, int):
            problems.append(_("Budget amounts are whole yen."))
        elif amount < 0:
            problems.append(_("A budget amount cannot be negative (%(amount)s).", amount=f"{amount:,}"))
    for m in milestones:
        if not (m.get("title") or "").strip() or not isinstance(m.get("due_date"), date):
            problems.append(_("Each milestone needs a title and a date."))
    for c in criteria:
        if not (c.get("description") or "").strip():
            problems.append(_("Each success criterion needs a description."))
    for _user, kind, _area in people:
        if kind not in (RESPONSIBLE, LEADER):
            problems.append(_("Choose a valid role for each person."))
    if problems:
        raise CharterError(list(dict.fromkeys(problems)))

    with history.recording(user, charter):
        for item in TEXT_ITEMS:
            setattr(charter, item, (texts.get(item) or "").strip())
        if sections is not None:
            charter.stakeholder_sections = list(sections)
        charter.people = [CharterPerson(user_id=u.id, user=u, kind=k, area=(area or "").strip()) for u, k, area in people]
        new_criteria = [SuccessCriterion(description=c["description"].strip(), kpi_id=c.get("kpi_id"),
                                         target=(c.get("target") or "").strip()) for c in criteria]
        # keep evaluations of criteria whose description did not change
        previous = {c.description: c for c in charter.criteria}
        for c in new_criteria:
            if c.description in previous:
                c.evaluation, c.evidence = previous[c.description].evaluation, previous[c.description].evidence
        charter.criteria = new_criteria
        charter.milestones = sorted((Milestone(title=m["title"].strip(), due_date=m["due_date"]) for m in milestones),
                                    key=lambda m: m.due_date)
        charter.budget_lines = [BudgetLine(source=b["source"].strip(), amount=b["amount"], note=(b.get("note") or "").strip())
                                for b in budget_lines]
    db.session.flush()


def _forget_permissions() -> None:
    """A phase change can make the WG read-only: drop the request's memo of permission answers."""
    from flask import g, has_app_context

    if has_app_context():
        g.pop("_wg_permission_cache", None)


def may_decide(charter: Charter, user) -> bool:
    """The DX office, the final responsible people, and those who keep the charter record gate decisions."""
    if has_org_permission(user, DECIDE_GATES) or charter.wg.allows(user, "edit_charter"):
        return True
    return charter.wg.visible_to(user) and any(p.user_id == user.id for p in charter.people_of(RESPONSIBLE))


def available_decisions(charter: Charter, user, today: date | None = None) -> list[str]:
    """The gate decisions ``user`` may record now: none for who may not decide (or a finished WG); hold and
    stop for who may; go only when every rule of the gate holds for this user (``rules.missing_for``)."""
    if charter.is_finished or not may_decide(charter, user):
        return []
    decisions = [HOLD, STOP]
    if not rules.missing_for(charter, user, today=today):
        decisions.insert(0, GO)
    return decisions


def decide_gate(charter: Charter, user, *, decision: str, conditions: str = "", comment: str = "",
                today: date | None = None) -> GateDecision:
    """Record a gate decision. ``go`` moves to the next phase when the gate's rules hold; ``hold`` keeps the
    phase; ``stop`` stops the WG from any phase (the comment is the reason)."""
    wg = charter.wg
    if charter.is_finished:
        raise CharterError([_("This WG is closed: it can no longer be changed.")])
    if decision not in (GO, HOLD, STOP):
        raise CharterError([_("Choose go, hold or stop.")])
    if not may_decide(charter, user):
        raise CharterError([_("You may not decide at this WG's gates.")])
    problems = []
    to_phase = charter.phase
    if decision == STOP:
        if not (comment or "").strip():
            problems.append(_("Give the reason for stopping the WG in the comment."))
        to_phase = STOPPED
    elif decision == GO:
        to_phase = NEXT_PHASE[charter.phase]
        problems = rules.missing_for(charter, user, today=today)
    # else a hold: the WG stays in its phase, and the record says so (from and to are the current phase)
    if problems:
        raise CharterError(problems)
    gate = GateDecision(wg_id=wg.id, from_phase=charter.phase, to_phase=to_phase,
                        decision=decision, conditions=(conditions or "").strip(), comment=(comment or "").strip(),
                        decided_by_id=user.id, decided_by=user)
    db.session.add(gate)
    # The decision stays a record of its own (gate_decisions); the history tells it too, with its comment.
    with history.recording(user, charter, notes=gate.comment, extra=lambda: [["gate", None, decision]]):
        if decision != HOLD:
            charter.phase = to_phase
            _forget_permissions()
        if decision == STOP:
            charter.stop_reason = gate.comment
    db.session.flush()
    from tracker.charter.labels import DECISION_LABELS, PHASE_LABELS

    events.emit(events.Event(
        kind="wg.gate_decided",
        title=_l("%(wg)s: gate decision %(decision)s (%(phase)s)", wg=wg.name,
                 decision=DECISION_LABELS[decision], phase=PHASE_LABELS[charter.phase]),
        url=f"/projects/{wg.identifier}/charter",
        actor=user,
        recipients=[m.user for m in wg.members],
        wg=wg,
        body=gate.comment or None,
        subject=gate,
        data={"wg_id": wg.id, "gate_decision_id": gate.id, "decision": decision,
              "from_phase": gate.from_phase, "to_phase": gate.to_phase},
    ))
    return gate


def save_closeout(charter: Charter, user, *, evaluations: dict[int, tuple[str, str]], keep: str, problem: str,
                  try_next: str, handover_section_id: int | None, handover_note: str) -> None:
    """Evaluation per success criterion (achieved / partly / not, with evidence), KPT, and hand-over."""
    ensure_open(charter.wg)
    problems = []
    for criterion in charter.criteria:
        value, _evidence = evaluations.get(criterion.id, ("", ""))
        if value and value not in EVALUATIONS:
            problems.append(_("Choose achieved, partly or not for each success criterion."))
    if problems:
        raise CharterError(list(dict.fromkeys(problems)))
    with history.recording(user, charter):
        for criterion in charter.criteria:
            value, evidence = evaluations.get(criterion.id, ("", ""))
            criterion.evaluation, criterion.evidence = value or "", (evidence or "").strip()
        for item, value in (("keep", keep), ("problem", problem), ("try_next", try_next), ("handover_note", handover_note)):
            setattr(charter, item, (value or "").strip())
        charter.handover_section_id = handover_section_id
    db.session.flush()
