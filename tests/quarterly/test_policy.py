"""The quarterly-entry policy: visible exactly when the WG is; reported with report_quarterly."""
import pytest

from tests.policy_checks import assert_visibility, wg_expectations, wg_people
from tracker.core import policy
from tracker.quarterly.models import QuarterlyEntry


@pytest.mark.parametrize("wg_public", [True, False])
def test_an_entry_without_target_or_actual_is_visible_with_its_wg(db, make, wg_public):
    wg, people = wg_people(make, wg_public)
    entry = QuarterlyEntry(wg_id=wg.id, initiative="電子申請の拡充", fiscal_year=2026, quarter=1, target="", actual="")
    db.session.add(entry)
    db.session.flush()
    assert_visibility(entry, wg_expectations(people, wg_public))


def test_reporting_needs_report_quarterly(db, make):
    leader, observer = make.user(), make.user()
    wg = make.wg(members={leader: "WG責任者", observer: "オブザーバー"})
    entry = QuarterlyEntry(wg_id=wg.id, initiative="x", fiscal_year=2026, quarter=2)
    db.session.add(entry)
    db.session.flush()
    assert policy.can(leader, "report", entry) and not policy.can(observer, "report", entry)
