"""Who sees and keeps a WG's risk register: visible with the WG (whether or not the risk has an owner);
members with ``manage_risks`` change it."""
from __future__ import annotations

from tracker.core.policy import register
from tracker.core.wg_scoped import WgScopedPolicy
from tracker.risks.models import Risk


@register
class RiskPolicy(WgScopedPolicy):
    model = Risk
    actions = frozenset({"view", "manage"})
    permissions = {"manage": "manage_risks"}
