"""Who sees a milestone (version): whoever may see the tickets of its WG (Redmine shows versions with the
project's issues)."""
from __future__ import annotations

from sqlalchemy import ColumnElement, false, select

from tracker.core.policy import VIEW, Policy, is_signed_in, register
from tracker.tickets.models import Version


@register
class VersionPolicy(Policy):
    model = Version
    actions = frozenset({VIEW})

    def can(self, user, action: str, obj) -> bool:
        from tracker.core.wg_scoped import wg_of

        if action != VIEW or not is_signed_in(user):
            return False
        wg = wg_of(obj)
        return wg is not None and wg.allows(user, "view_issues")

    def visible(self, user) -> ColumnElement[bool]:
        from tracker.wg.models import WorkingGroup

        if not is_signed_in(user):
            return false()
        return Version.wg_id.in_(select(WorkingGroup.id).where(WorkingGroup.with_permission(user, "view_issues")))
