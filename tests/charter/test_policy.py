"""The charter and gate-decision policies: visible exactly when the WG is; a decision without a decider
(deleted account) too; deciding is the DX office's, the final responsible people's and the keepers'."""
import pytest

from tests.policy_checks import assert_visibility, wg_expectations, wg_people
from tracker.charter.models import GateDecision
from tracker.core import policy


@pytest.mark.parametrize("wg_public", [True, False])
def test_a_charter_without_handover_section_is_visible_with_its_wg(db, make, wg_public):
    wg, people = wg_people(make, wg_public)
    charter = make.charter(wg, handover_section_id=None)
    assert_visibility(charter, wg_expectations(people, wg_public))


@pytest.mark.parametrize("wg_public", [True, False])
def test_a_gate_decision_without_decider_is_visible_with_its_wg(db, make, wg_public):
    wg, people = wg_people(make, wg_public)
    decision = GateDecision(wg_id=wg.id, from_phase="launch", to_phase="planning", decision="go", decided_by_id=None)
    db.session.add(decision)
    db.session.flush()
    assert_visibility(decision, wg_expectations(people, wg_public))


def test_who_edits_the_charter_and_who_decides(db, make):
    leader, observer, outsider, dx = make.user(), make.user(), make.user(), make.user(org_roles=["dx_office"])
    responsible = make.user()
    wg = make.wg(members={leader: "WG責任者", observer: "オブザーバー"}, is_public=False)
    charter = make.charter(wg, complete=True, responsible=responsible)
    assert policy.can(leader, "edit", charter) and not policy.can(observer, "edit", charter)
    assert policy.can(dx, "decide", charter) and policy.can(leader, "decide", charter)
    assert not policy.can(observer, "decide", charter)
    assert not policy.can(outsider, "decide", charter)  # cannot even see the private WG
    # the final responsible person decides once they can see the WG
    assert not policy.can(responsible, "decide", charter)
    make.member(wg, responsible, "オブザーバー")
    db.session.expire_all()
    assert policy.can(responsible, "decide", charter)
