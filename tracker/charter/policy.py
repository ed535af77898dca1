"""Who sees a WG's charter and its gate decisions (visible with the WG), who edits the charter
(``edit_charter``) and who records a gate decision (``services.may_decide``: the DX office, the final
responsible people, those who keep the charter)."""
from __future__ import annotations

from tracker.charter.models import Charter, GateDecision
from tracker.core.policy import VIEW, is_signed_in, register
from tracker.core.wg_scoped import WgScopedPolicy

from tracker.accounts.models import OrgRole
from tracker.core.org_permissions import register_org_permission
from tracker.core.translation import lazy_gettext as _l

# What the DX office (DX推進本部事務局) may do across the organisation, by name (tracker.core.org_permissions).
DECIDE_GATES = "decide_gates"
VIEW_PORTFOLIO = "view_portfolio"
register_org_permission(DECIDE_GATES, _l("Record gate decisions in every WG"), roles=[OrgRole.DX_OFFICE])
register_org_permission(VIEW_PORTFOLIO, _l("See the portfolio and quarterly reports of every WG"), roles=[OrgRole.DX_OFFICE])


@register
class CharterPolicy(WgScopedPolicy):
    model = Charter
    actions = frozenset({"view", "edit", "decide"})
    permissions = {"edit": "edit_charter"}

    def can(self, user, action: str, obj) -> bool:
        if action == "decide":
            from tracker.charter.services import may_decide

            return super().can(user, VIEW, obj) and may_decide(obj, user)
        return super().can(user, action, obj)


@register
class GateDecisionPolicy(WgScopedPolicy):
    """A gate decision is a record: seen with the WG, never edited."""

    model = GateDecision
    actions = frozenset({"view"})

    def can(self, user, action: str, obj) -> bool:
        return is_signed_in(user) and super().can(user, action, obj)
