"""The KPI register is organisation-wide: every member of staff sees every KPI and its measurements
(KPIs are public targets of the DX plan, served by WGs but not owned by one). The DX office defines KPIs;
the DX office and those who keep the charter of a WG serving the KPI record measurements."""
from __future__ import annotations


from tracker.core.org_permissions import has_org_permission
from tracker.core.policy import StaffPolicy, register
from tracker.kpi.models import Kpi, KpiMeasurement

from tracker.accounts.models import OrgRole
from tracker.core.org_permissions import register_org_permission
from tracker.core.translation import lazy_gettext as _l

MANAGE_KPIS = "manage_kpis"
register_org_permission(MANAGE_KPIS, _l("Define KPIs and record their measurements"), roles=[OrgRole.DX_OFFICE])


def _office(user) -> bool:
    return has_org_permission(user, MANAGE_KPIS)


def _may_measure(user, kpi: Kpi) -> bool:
    return _office(user) or any(link.wg.allows(user, "edit_charter") for link in kpi.wg_links)


@register
class KpiPolicy(StaffPolicy):
    model = Kpi
    actions = frozenset({"view", "edit", "measure"})

    def can_act(self, user, action: str, obj: Kpi) -> bool:
        if action == "edit":
            return _office(user)
        return _may_measure(user, obj)


@register
class KpiMeasurementPolicy(StaffPolicy):
    """A measurement is seen with its KPI; it is corrected by whoever may record measurements of the KPI
    (also when ``recorded_by`` is empty: an imported value or a deleted account)."""

    model = KpiMeasurement
    actions = frozenset({"view", "edit"})

    def can_act(self, user, action: str, obj: KpiMeasurement) -> bool:
        return _may_measure(user, obj.kpi)
