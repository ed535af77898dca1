"""User-facing names of phases, decisions, origins and charter items."""
from tracker.core.translation import lazy_gettext as _l, lazy_pgettext as _lp

PHASE_LABELS = {
    "launch": _l("Launch"), "planning": _l("Planning"), "execution": _l("Execution"),
    "closed": _l("Closed"), "stopped": _l("Stopped"),
}
DECISION_LABELS = {"go": _l("Go"), "hold": _l("Hold"), "stop": _l("Stop")}
ORIGIN_LABELS = {
    "top_down": _l("Top-down (plan priority)"), "bottom_up": _l("Bottom-up (DX promoter's issue)"), "idea": _l("From an idea"),
}
EVALUATION_LABELS = {"achieved": _l("Achieved"), "partly": _l("Partly achieved"), "not": _l("Not achieved")}
ITEM_LABELS = {
    "name": _l("WG name"), "purpose": _lp("charter", "Purpose"), "responsible": _l("Final responsible people"),
    "leader": _l("WG leaders"), "stakeholders": _l("Stakeholders"), "stakeholder_sections": _l("Stakeholder sections"), "criteria": _l("Success criteria"),
    "nature": _l("Nature of the WG"), "schedule": _l("Schedule and milestones"), "budget": _l("Budget"),
    "background": _l("Background"), "content": _l("Content"), "origin": _l("Origin"), "origin_note": _l("Origin note"),
    "milestones": _l("Milestones"), "phase": _l("Phase"), "evaluation": _l("Evaluation"), "keep": _l("Keep"),
    "problem": _lp("charter", "Problem"), "try_next": _l("Try"), "handover_note": _l("Hand-over"),
    "handover_section_id": _l("Section that carries the result on"),
}
