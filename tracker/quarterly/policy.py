"""Who sees and reports a WG's quarterly targets and actuals: visible with the WG; members with
``report_quarterly`` enter them."""
from __future__ import annotations

from tracker.core.policy import register
from tracker.core.wg_scoped import WgScopedPolicy
from tracker.quarterly.models import QuarterlyEntry


@register
class QuarterlyEntryPolicy(WgScopedPolicy):
    model = QuarterlyEntry
    actions = frozenset({"view", "report"})
    permissions = {"report": "report_quarterly"}
