"""Who sees and moves a WG's planning notes (付箋): visible with the WG (with or without a group, author or
assignee); members with ``use_planning_board`` edit them."""
from __future__ import annotations

from tracker.core.policy import register
from tracker.core.wg_scoped import WgScopedPolicy
from tracker.planning.models import Note


@register
class PlanningNotePolicy(WgScopedPolicy):
    model = Note
    actions = frozenset({"view", "edit"})
    permissions = {"edit": "use_planning_board"}
