"""The KPI register is organisation-wide: every member of staff sees every KPI and its measurements
(KPIs are public targets of the DX plan, served by WGs but not owned by one). The DX office defines KPIs;
the DX office and those who keep the charter of a WG serving the KPI record measurements."""
from __future__ import annotations

from sqlalchemy import ColumnElement, false, true

from tracker.core.org_permissions import has_org_permission
from tracker.core.policy import VIEW, Policy, is_signed_in, register
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
class KpiPolicy(Policy):
    model = Kpi
    actions = frozenset({"view", "edit", "measure"})

    def can(self, user, action: str, obj: Kpi) -> bool:
        if not is_signed_in(user):
            return False
        if action == VIEW:
            return True
        if action == "edit":
            return _office(user)
        return _may_measure(user, obj)

    def visible(self, user) -> ColumnElement[bool]:
        return true() if is_signed_in(user) else false()


@register
class KpiMeasurementPolicy(Policy):
    """A measurement is seen with its KPI; it is corrected by whoever may record measurements of the KPI
    (also when ``recorded_by`` is empty: an imported value or a deleted account)."""

    model = KpiMeasurement
    actions = frozenset({"view", "edit"})

    def can(self, user, action: str, obj: KpiMeasurement) -> bool:
        if not is_signed_in(user):
            return False
        if action == VIEW:
            return True
        return _may_measure(user, obj.kpi)

    def visible(self, user) -> ColumnElement[bool]:
        return true() if is_signed_in(user) else false()
