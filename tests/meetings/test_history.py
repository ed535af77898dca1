"""A meeting's history names the changed fields, attendees and action items."""
from tests.conftest import csrf_token
from tracker.extensions import db
from tracker.meetings.models import Meeting


def test_editing_minutes_and_attendees_shows_in_history(client, make, login):
    leader, member = make.user(name="泉 係長"), make.user(name="木村 主任")
    wg = make.wg(members={leader: "WG責任者", member: "メンバー"})
    login(leader)
    base = {"title": "第3回定例会", "held_on": "2026-11-20", "agenda": "出張申請", "minutes": "一行目\r\n二行目"}
    url = f"/projects/{wg.identifier}/meetings/new"
    client.post(url, data={"csrf_token": csrf_token(client, url), **base, "attendee_ids": [str(leader.id)]})
    meeting = db.session.query(Meeting).one()
    edit = f"/projects/{wg.identifier}/meetings/{meeting.id}/edit"
    client.post(edit, data={"csrf_token": csrf_token(client, edit), **base, "decisions": "休日交付を試行",
                            "attendee_ids": [str(leader.id), str(member.id)]})
    client.post(edit, data={"csrf_token": csrf_token(client, edit), **base, "decisions": "休日交付を試行",
                            "attendee_ids": [str(leader.id), str(member.id)]})  # unchanged: nothing recorded
    page = client.get(f"/projects/{wg.identifier}/meetings/{meeting.id}").get_data(as_text=True)
    history = page.split('class="history"')[1]
    assert history.count("<li>") - history.count('<li><span class="field">') == 2  # created + one change
    assert "決定事項" in history and "休日交付を試行" in history and "木村 主任" in history
