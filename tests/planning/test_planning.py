from tests.conftest import csrf_token
from tracker.extensions import db
from tracker.planning.models import Note, NoteGroup
from tracker.tickets.models import Ticket


def _board(client, wg):
    return f"/projects/{wg.identifier}/planning"


def test_notes_groups_moves_and_decisions_with_plain_forms(client, make, login):
    member = make.user()
    wg = make.wg(members={member: "メンバー"})
    login(member)
    board = _board(client, wg)
    client.post(f"{board}/notes", data={"csrf_token": csrf_token(client, board), "text": "出張申請の人員確保"})
    client.post(f"{board}/groups", data={"csrf_token": csrf_token(client, board), "name": "交付"})
    note, group = db.session.query(Note).one(), db.session.query(NoteGroup).one()
    client.post(f"{board}/notes/{note.id}/move", data={"csrf_token": csrf_token(client, board), "group_id": str(group.id)})
    db.session.refresh(note)
    assert note.group_id == group.id
    page = client.post(f"{board}/decide", data={"csrf_token": csrf_token(client, board), "note_ids": [str(note.id)],
                                                 "assignee_id": str(member.id), "due_date": "2026-12-25"},
                       follow_redirects=True).get_data(as_text=True)
    assert "スケジュールに入れました" in page
    db.session.refresh(note)
    assert note.assignee_id == member.id and note.decided
    ticket = db.session.get(Ticket, note.ticket_id)
    assert (ticket.subject, ticket.assigned_to_id, ticket.due_date.isoformat(), ticket.wg_id) == (
        "出張申請の人員確保", member.id, "2026-12-25", wg.id)
    assert f'href="/issues/{ticket.id}"' in page


def test_deciding_without_assignee_or_date_says_what_is_missing(client, make, login):
    member = make.user()
    wg = make.wg(members={member: "メンバー"})
    login(member)
    board = _board(client, wg)
    client.post(f"{board}/notes", data={"csrf_token": csrf_token(client, board), "text": "PR強化"})
    note = db.session.query(Note).one()
    page = client.post(f"{board}/decide", data={"csrf_token": csrf_token(client, board), "note_ids": [str(note.id)]},
                       follow_redirects=True).get_data(as_text=True)
    assert "担当者を選んでください" in page and "期日を入力してください" in page
    db.session.refresh(note)
    assert not note.decided


def test_moving_into_another_wgs_group_is_refused(client, make, login):
    member = make.user()
    wg, other = make.wg(members={member: "メンバー"}), make.wg()
    foreign = NoteGroup(wg_id=other.id, name="他WG")
    note = Note(wg_id=wg.id, text="付箋")
    db.session.add_all([foreign, note])
    db.session.flush()
    login(member)
    board = _board(client, wg)
    response = client.post(f"{board}/notes/{note.id}/move", data={"csrf_token": csrf_token(client, board), "group_id": str(foreign.id)},
                           headers={"Accept": "application/json"})
    assert response.status_code == 422
    db.session.refresh(note)
    assert note.group_id is None
