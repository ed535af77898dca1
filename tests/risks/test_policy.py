"""The risk policy: a risk is visible exactly when its WG is, with or without an owner."""
from datetime import date

import pytest

from tests.policy_checks import assert_visibility, wg_expectations, wg_people
from tracker.core import policy
from tracker.risks.models import Risk


def _risk(db, wg, **fields):
    risk = Risk(wg_id=wg.id, title="ベンダー撤退", category="technical", probability=2, impact=3,
                response="mitigate", next_review=date(2026, 7, 1), **fields)
    db.session.add(risk)
    db.session.flush()
    return risk


@pytest.mark.parametrize("wg_public", [True, False])
def test_a_risk_without_owner_is_visible_with_its_wg(db, make, wg_public):
    wg, people = wg_people(make, wg_public)
    risk = _risk(db, wg, owner_id=None)
    assert_visibility(risk, wg_expectations(people, wg_public))


def test_the_owner_of_a_risk_in_another_private_wg_does_not_see_it_for_that(db, make):
    owner = make.user()
    wg = make.wg(is_public=False)
    risk = _risk(db, wg, owner_id=owner.id)
    assert_visibility(risk, {"owner, not a member": (owner, False)})


def test_managing_risks_needs_manage_risks(db, make):
    leader, observer = make.user(), make.user()
    wg = make.wg(members={leader: "WG責任者", observer: "オブザーバー"})
    risk = _risk(db, wg)
    assert policy.can(leader, "manage", risk) and not policy.can(observer, "manage", risk)
