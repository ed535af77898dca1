from icalendar import Calendar

from tests.conftest import csrf_token
from tracker.extensions import db
from tracker.meetings.models import Meeting


def test_a_meeting_with_attendees_minutes_and_action_items(client, make, login):
    leader, member = make.user(name="泉 係長"), make.user()
    wg = make.wg(members={leader: "WG責任者", member: "メンバー"})
    login(leader)
    url = f"/projects/{wg.identifier}/meetings/new"
    page = client.post(url, data={
        "csrf_token": csrf_token(client, url), "title": "第3回定例会", "held_on": "2026-11-20", "starts_at": "10:00",
        "ends_at": "11:00", "location": "本庁舎3階", "attendee_ids": [str(leader.id), str(member.id)],
        "agenda": "出張申請の拡充", "minutes": "**出張申請**を全市民サービスセンターで実施", "decisions": "休日交付を試行",
        "action-title-0": "休日交付の人員計画", "action-assignee-0": str(member.id), "action-due_date-0": "2026-12-10",
    }, follow_redirects=True).get_data(as_text=True)
    assert "保存しました" in page and "<strong>出張申請</strong>" in page and "休日交付の人員計画" in page
    meeting = db.session.query(Meeting).one()
    assert [u.id for u in meeting.attendees] and len(meeting.attendees) == 2
    assert meeting.action_items[0].assignee_id == member.id


def test_a_meeting_that_ends_before_it_starts_is_refused(client, make, login):
    leader = make.user()
    wg = make.wg(members={leader: "WG責任者"})
    login(leader)
    url = f"/projects/{wg.identifier}/meetings/new"
    page = client.post(url, data={"csrf_token": csrf_token(client, url), "title": "定例会", "held_on": "2026-11-20",
                                  "starts_at": "11:00", "ends_at": "10:00", "minutes": "書きかけの議事録"},
                       follow_redirects=True).get_data(as_text=True)
    assert "終了時刻は開始時刻より後" in page and "書きかけの議事録" in page
    assert db.session.query(Meeting).count() == 0


def test_icalendar_export_has_meetings_and_milestones(client, make, login):
    from datetime import date, time

    leader = make.user()
    wg = make.wg(members={leader: "WG責任者"})
    make.charter(wg, complete=True)
    db.session.add(Meeting(wg_id=wg.id, title="定例会", held_on=date(2026, 11, 20), starts_at=time(10), ends_at=time(11)))
    db.session.flush()
    login(leader)
    response = client.get(f"/projects/{wg.identifier}/calendar.ics")
    assert response.mimetype == "text/calendar"
    events = Calendar.from_ical(response.data).walk("VEVENT")
    summaries = sorted(str(e["SUMMARY"]) for e in events)
    assert any(s.startswith("定例会") for s in summaries) and any("交付円滑化計画の期限" in s for s in summaries)
    meeting = next(e for e in events if str(e["SUMMARY"]).startswith("定例会"))
    assert meeting.decoded("DTSTART").hour == 10


def test_agenda_suggests_overdue_tickets_and_action_items_become_tickets(client, make, login):
    from datetime import date

    from tracker.charter.tickets import make_ticket
    from tracker.meetings.models import ActionItem
    from tracker.tickets.models import Ticket

    leader = make.user()
    wg = make.wg(members={leader: "WG責任者"})
    late = make_ticket(wg, leader, "交付通知の短縮", "", leader.id, date(2020, 1, 1))
    meeting = Meeting(wg_id=wg.id, title="定例会", held_on=date(2026, 11, 20))
    meeting.action_items.append(ActionItem(title="未取得者数の分析", assignee_id=leader.id, due_date=date(2026, 12, 10)))
    db.session.add(meeting)
    db.session.flush()
    login(leader)
    page = client.get(f"/projects/{wg.identifier}/meetings/new").get_data(as_text=True)
    assert "議題の候補" in page and f"#{late.id} 交付通知の短縮" in page
    url = f"/projects/{wg.identifier}/meetings/{meeting.id}"
    page = client.post(f"{url}/tickets", data={"csrf_token": csrf_token(client, url)}, follow_redirects=True).get_data(as_text=True)
    assert "チケットにしました" in page
    item = meeting.action_items[0]
    db.session.refresh(item)
    ticket = db.session.get(Ticket, item.ticket_id)
    assert ticket.subject == "未取得者数の分析" and ticket.assigned_to_id == leader.id
    assert f'href="/issues/{ticket.id}"' in page
