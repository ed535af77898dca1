"""The event kinds users can set preferences for. Features may register more with
``tracker.core.events.register_kind``; these are the ones the issue lists."""
from __future__ import annotations

from tracker.core.translation import lazy_gettext as _l

from tracker.core import events

DEFAULT_KINDS = {
    "ticket.created": _l("A ticket was created"),
    "ticket.assigned": _l("A ticket was assigned"),
    "ticket.updated": _l("A ticket was updated"),
    "ticket.mentioned": _l("I was mentioned"),
    "idea.answered": _l("An idea was answered"),
    "idea.state_changed": _l("The state of an idea changed"),
    "idea.mentioned": _l("I was mentioned on the idea box"),
    "idea.answer_overdue": _l("An official answer is overdue"),
    "talent.invited": _l("Help request invitation"),
    "talent.approved": _l("Help request approved"),
    "talent.completed": _l("Help request completed"),
    "talent.applied": _l("Someone offered to help"),
    "talent.rejected": _l("Help request offer not approved"),
    "talent.completion_due": _l("A help engagement is due to be recorded"),
    "wg.gate_decided": _l("A gate decision was made"),
    "quarterly.actual_missing": _l("A quarterly actual is missing"),
    "kpi.measurement_overdue": _l("A KPI measurement is overdue"),
}

for _kind, _label in DEFAULT_KINDS.items():
    if _kind not in events.kinds():
        events.register_kind(_kind, _label)


def kind_label(kind: str):
    return events.kinds().get(kind, kind)


def registered_kinds() -> dict[str, object]:
    return events.kinds()
