"""A planning note's history: written, moved to another column, rewritten, decided — each by whom, old → new.
Dropping a note back into the column it is already in records nothing."""
from sqlalchemy import select

from tests.conftest import csrf_token
from tracker.core.audit import AuditEntry
from tracker.extensions import db
from tracker.planning.models import Note, NoteGroup


def _entries(note):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "planning_note",
                                                       AuditEntry.object_id == note.id).order_by(AuditEntry.id)).all()


def _history(page: str) -> str:
    return page.split('class="history"')[1]


def test_moves_edits_and_decisions_are_journaled_and_shown_on_the_notes_page(client, make, login):
    member = make.user(name="山口 太郎")
    wg = make.wg(members={member: "メンバー"})
    login(member)
    board = f"/projects/{wg.identifier}/planning"
    client.post(f"{board}/notes", data={"csrf_token": csrf_token(client, board), "text": "申請数を洗い出す"})
    client.post(f"{board}/groups", data={"csrf_token": csrf_token(client, board), "name": "優先手続の抽出"})
    note, group = db.session.query(Note).one(), db.session.query(NoteGroup).one()
    move = f"{board}/notes/{note.id}/move"
    client.post(move, data={"csrf_token": csrf_token(client, board), "group_id": str(group.id)},
                headers={"Accept": "application/json"})
    client.post(move, data={"csrf_token": csrf_token(client, board), "group_id": str(group.id)},
                headers={"Accept": "application/json"})  # dropped where it already is: nothing to record
    page_url = f"{board}/notes/{note.id}"
    client.post(page_url, data={"csrf_token": csrf_token(client, page_url), "text": "申請数の多い手続を\r\n洗い出す",
                                "group_id": str(group.id)})
    client.post(f"{board}/decide", data={"csrf_token": csrf_token(client, board), "note_ids": [str(note.id)],
                                         "assignee_id": str(member.id), "due_date": "2026-12-25"})
    created, moved, rewritten, decided = _entries(note)
    assert [e.actor_id for e in (created, moved, rewritten, decided)] == [member.id] * 4
    assert moved.changes == [["group_id", None, group.id]]
    assert rewritten.changes == [["text", "申請数を洗い出す", "申請数の多い手続を\n洗い出す"]]
    db.session.refresh(note)
    assert sorted(decided.changes) == [["assignee_id", None, member.id], ["due_date", None, "2026-12-25"],
                                       ["ticket_id", None, note.ticket_id]]
    history = _history(client.get(page_url).get_data(as_text=True))
    assert "山口 太郎" in history and "優先手続の抽出" in history and "申請数を洗い出す" in history
    assert f"#{note.ticket_id}" in history and "グループ" in history


def test_a_note_page_without_the_board_permission_is_read_only(client, make, login):
    member, reader = make.user(), make.user()
    wg = make.wg(members={member: "メンバー"}, is_public=True)
    login(member)
    board = f"/projects/{wg.identifier}/planning"
    client.post(f"{board}/notes", data={"csrf_token": csrf_token(client, board), "text": "PR強化"})
    note = db.session.query(Note).one()
    login(reader)
    page_url = f"{board}/notes/{note.id}"
    page = client.get(page_url)
    assert page.status_code == 200 and "PR強化" in page.get_data(as_text=True)
    assert 'name="text"' not in page.get_data(as_text=True)
    response = client.post(page_url, data={"csrf_token": csrf_token(client, page_url), "text": "書き換え"})
    assert response.status_code == 403
    db.session.refresh(note)
    assert note.text == "PR強化" and len(_entries(note)) == 1


def test_an_empty_note_is_refused_with_a_message_and_changes_nothing(client, make, login):
    member = make.user()
    wg = make.wg(members={member: "メンバー"})
    login(member)
    board = f"/projects/{wg.identifier}/planning"
    client.post(f"{board}/notes", data={"csrf_token": csrf_token(client, board), "text": "PR強化"})
    note = db.session.query(Note).one()
    page_url = f"{board}/notes/{note.id}"
    page = client.post(page_url, data={"csrf_token": csrf_token(client, page_url), "text": "  ", "group_id": ""})
    assert page.status_code == 200 and "付箋に内容を書いてください" in page.get_data(as_text=True)
    db.session.refresh(note)
    assert note.text == "PR強化" and len(_entries(note)) == 1
