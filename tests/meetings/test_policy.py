"""The meeting policy: a meeting is visible exactly when its WG is, with or without attendees or times."""
from datetime import date

import pytest

from tests.policy_checks import assert_visibility, wg_expectations, wg_people
from tracker.core import policy
from tracker.meetings.models import Meeting


@pytest.mark.parametrize("wg_public", [True, False])
def test_a_meeting_without_attendees_or_times_is_visible_with_its_wg(db, make, wg_public):
    wg, people = wg_people(make, wg_public)
    meeting = Meeting(wg_id=wg.id, title="第3回定例会", held_on=date(2026, 6, 1), starts_at=None, ends_at=None)
    db.session.add(meeting)
    db.session.flush()
    assert meeting.attendees == []
    assert_visibility(meeting, wg_expectations(people, wg_public))


def test_only_members_who_manage_meetings_record_them(db, make):
    leader, observer, outsider = make.user(), make.user(), make.user()
    wg = make.wg(members={leader: "WG責任者", observer: "オブザーバー"})
    meeting = Meeting(wg_id=wg.id, title="定例会", held_on=date(2026, 6, 1))
    db.session.add(meeting)
    db.session.flush()
    assert policy.can(leader, "manage", meeting)
    assert not policy.can(observer, "manage", meeting) and policy.can(observer, "view", meeting)
    assert not policy.can(outsider, "manage", meeting)
    with pytest.raises(ValueError):
        policy.can(leader, "delete", meeting)  # an unknown action is a programming error


def test_a_hidden_meeting_is_a_404_on_its_page_and_calendar(db, make, client, login):
    member, outsider = make.user(), make.user()
    wg = make.wg(members={member: "メンバー"}, is_public=False)
    meeting = Meeting(wg_id=wg.id, title="非公開の定例会", held_on=date(2026, 6, 1))
    db.session.add(meeting)
    db.session.commit()
    login(outsider)
    assert client.get(f"/projects/{wg.identifier}/meetings/{meeting.id}").status_code == 404
    assert client.get(f"/projects/{wg.identifier}/calendar.ics").status_code == 404
    login(member)
    assert client.get(f"/projects/{wg.identifier}/meetings/{meeting.id}").status_code == 200
    assert "非公開の定例会" in client.get(f"/projects/{wg.identifier}/calendar.ics").get_data(as_text=True)
