"""What a charter's history records: its eight items (with the people, success criteria, milestones and budget
lines that are rows of their own), the phase and each gate decision, and the close-out.

The field names are the item names the old charter journal (``charter_changes``) used, so entries copied from
it by migration 0160 read the same as new ones.
"""
from tracker.charter.labels import DECISION_LABELS, EVALUATION_LABELS, ITEM_LABELS, ORIGIN_LABELS, PHASE_LABELS
from tracker.charter.models import LEADER, RESPONSIBLE, Charter
from tracker.core import history
from tracker.core.translation import lazy_gettext as _l


def person_text(p) -> str:
    user = p.user
    if user is None:  # a row made with only user_id, not flushed yet
        from tracker.accounts.models import User
        from tracker.extensions import db

        user = db.session.get(User, p.user_id)
    return f"{user.name}{'（' + p.area + '）' if p.area else ''}"


def criterion_text(c) -> str:
    return f"{c.description}{' → ' + c.target if c.target else ''}"


def milestone_text(m) -> str:
    return f"{m.due_date.isoformat()} {m.title}"


def budget_text(b) -> str:
    return f"{b.source} ¥{b.amount:,}{' ' + b.note if b.note else ''}"


def _evaluations(charter) -> str:
    # One line per evaluated criterion, "description: code"; the old journal wrote the same line per criterion.
    return "\n".join(f"{c.description}: {c.evaluation}" for c in charter.criteria if c.evaluation)


def _show_evaluations(value) -> str:
    lines = []
    for line in str(value).split("\n"):
        description, sep, code = line.rpartition(": ")
        lines.append(f"{description}: {EVALUATION_LABELS.get(code, code) or '—'}" if sep else line)
    return "、".join(lines)


def _section_name(section_id) -> str:
    from tracker.accounts.models import Section
    from tracker.extensions import db

    section = db.session.get(Section, int(section_id))
    return section.name if section is not None else f"#{section_id}"


TEXT_FIELDS = ["purpose", "background", "content", "nature", "schedule", "stakeholders", "origin", "origin_note"]
CLOSEOUT_FIELDS = ["keep", "problem", "try_next", "handover_note", "handover_section_id"]

history.journaled(
    Charter, "charter", _l("Charter"),
    {**{name: ITEM_LABELS[name] for name in TEXT_FIELDS},
     "stakeholder_sections": ITEM_LABELS["stakeholder_sections"], "responsible": ITEM_LABELS["responsible"],
     "leader": ITEM_LABELS["leader"], "criteria": ITEM_LABELS["criteria"], "milestones": ITEM_LABELS["milestones"],
     "budget": ITEM_LABELS["budget"], "gate": _l("Gate decision"), "phase": ITEM_LABELS["phase"],
     "evaluation": ITEM_LABELS["evaluation"],
     **{name: ITEM_LABELS[name] for name in CLOSEOUT_FIELDS}},
    display={"origin": history.choice(ORIGIN_LABELS), "phase": history.choice(PHASE_LABELS),
             "gate": history.choice(DECISION_LABELS), "evaluation": _show_evaluations,
             "handover_section_id": _section_name},
    values={
        "stakeholder_sections": lambda c: [s.name for s in c.stakeholder_sections],
        "responsible": lambda c: [person_text(p) for p in c.people_of(RESPONSIBLE)],
        "leader": lambda c: [person_text(p) for p in c.people_of(LEADER)],
        "criteria": lambda c: [criterion_text(x) for x in c.criteria],
        "milestones": lambda c: [milestone_text(m) for m in c.milestones],
        "budget": lambda c: [budget_text(b) for b in c.budget_lines],
        "evaluation": _evaluations,
        "gate": lambda c: None,  # not a field: decide_gate records the decision it took
    },
)
