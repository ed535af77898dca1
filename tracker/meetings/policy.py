"""Who sees and runs a WG's meetings (定例会): those who see the WG see its meetings (attendees or not);
members with ``manage_meetings`` record them."""
from __future__ import annotations

from tracker.core.policy import register
from tracker.core.wg_scoped import WgScopedPolicy
from tracker.meetings.models import Meeting


@register
class MeetingPolicy(WgScopedPolicy):
    model = Meeting
    actions = frozenset({"view", "manage"})
    permissions = {"manage": "manage_meetings"}
