"""The KPI policies: the register is organisation-wide (every active member of staff), defined by the
DX office; measurements (also with no recorder) are recorded by the DX office and the charter keepers of
a WG serving the KPI."""
from datetime import date

from tests.policy_checks import anonymous, assert_visibility
from tracker.core import policy
from tracker.kpi.models import KpiMeasurement, WgKpi


def test_kpis_and_measurements_are_seen_by_all_staff(db, make):
    kpi = make.kpi()
    measurement = KpiMeasurement(kpi_id=kpi.id, value=30, as_of=date(2026, 3, 31), recorded_by_id=None)
    db.session.add(measurement)
    db.session.flush()
    staff, inactive = make.user(), make.user(active=False)
    for obj in (kpi, measurement):
        assert_visibility(obj, {"staff": (staff, True), "inactive": (inactive, False), "anonymous": (anonymous(), False)})


def test_who_defines_and_who_measures(db, make):
    kpi = make.kpi()
    keeper, observer, staff, dx = make.user(), make.user(), make.user(), make.user(org_roles=["dx_office"])
    wg = make.wg(members={keeper: "WG責任者", observer: "オブザーバー"})
    db.session.add(WgKpi(wg_id=wg.id, kpi_id=kpi.id))
    measurement = KpiMeasurement(kpi_id=kpi.id, value=30, as_of=date(2026, 3, 31))
    db.session.add(measurement)
    db.session.flush()
    db.session.expire(kpi, ["wg_links"])
    assert policy.can(dx, "edit", kpi) and not policy.can(keeper, "edit", kpi)
    assert policy.can(dx, "measure", kpi) and policy.can(keeper, "measure", kpi)
    assert not policy.can(observer, "measure", kpi) and not policy.can(staff, "measure", kpi)
    assert policy.can(keeper, "edit", measurement) and not policy.can(staff, "edit", measurement)


def test_a_kpi_served_by_no_wg_is_measured_only_by_the_dx_office(db, make):
    kpi = make.kpi()
    assert policy.can(make.user(org_roles=["dx_office"]), "measure", kpi)
    assert not policy.can(make.user(), "measure", kpi)
