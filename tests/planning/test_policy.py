"""The planning-note policy: visible exactly when the WG is, also without group, author or assignee."""
import pytest

from tests.policy_checks import assert_visibility, wg_expectations, wg_people
from tracker.core import policy
from tracker.planning.models import Note


@pytest.mark.parametrize("wg_public", [True, False])
def test_a_note_without_group_author_or_assignee_is_visible_with_its_wg(db, make, wg_public):
    wg, people = wg_people(make, wg_public)
    note = Note(wg_id=wg.id, text="窓口の待ち時間", group_id=None, author_id=None, assignee_id=None)
    db.session.add(note)
    db.session.flush()
    assert_visibility(note, wg_expectations(people, wg_public))


def test_the_author_of_a_note_in_a_private_wg_they_left_no_longer_sees_it(db, make):
    author = make.user()
    wg = make.wg(is_public=False)
    note = Note(wg_id=wg.id, text="付箋", author_id=author.id)
    db.session.add(note)
    db.session.flush()
    assert_visibility(note, {"former author": (author, False)})


def test_editing_needs_the_planning_board(db, make):
    leader, observer = make.user(), make.user()
    wg = make.wg(members={leader: "WG責任者", observer: "オブザーバー"})
    note = Note(wg_id=wg.id, text="付箋")
    db.session.add(note)
    db.session.flush()
    assert policy.can(leader, "edit", note) and not policy.can(observer, "edit", note)
