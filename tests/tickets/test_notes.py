"""Editing a journal's notes afterwards (Redmine's journals/edit): in the UI, permissions, search, deletion."""
import re

from sqlalchemy import select

from tests.conftest import csrf_token
from tracker.core.models import SearchDocument
from tracker.core.textsearch import matches
from tracker.tickets import services
from tracker.tickets.models import Journal


def _found(db, query):
    subquery = matches(query, ["journal"])
    return [row[0] for row in db.session.execute(
        select(SearchDocument.object_id).join(subquery, subquery.c.id == SearchDocument.id))]


def _note(db, make, team, author, notes="申請書の様式を確認しました", **kwargs):
    ticket = make.ticket(team.wg, team.member, subject="出張申請の拡充")
    journal = services.add_note(ticket, author, notes, **kwargs)
    db.session.commit()
    return ticket, journal


def _edit(client, journal, **data):
    path = f"/journals/{journal.id}/edit"
    return client.post(path, data={"csrf_token": csrf_token(client, path), **data})


def test_author_edits_own_note_through_the_link(client, db, make, login, team):
    ticket, journal = _note(db, make, team, team.member)
    login(team.member)
    page = client.get(f"/issues/{ticket.id}").get_data(as_text=True)
    assert f'href="/journals/{journal.id}/edit"' in page
    form = client.get(f"/journals/{journal.id}/edit").get_data(as_text=True)
    assert "申請書の様式を確認しました" in form
    response = _edit(client, journal, notes="様式は第3号に決定")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#note-{journal.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "様式は第3号に決定" in page and "申請書の様式を確認しました" not in page
    assert _found(db, "第3号") == [journal.id] and _found(db, "申請書の様式") == []


def test_member_cannot_edit_anothers_note_leader_can(client, db, make, login, team):
    other = make.user()
    make.member(team.wg, other, "メンバー")
    ticket, journal = _note(db, make, team, team.leader, notes="予算は120万円")
    login(team.member)
    assert f"/journals/{journal.id}/edit" not in client.get(f"/issues/{ticket.id}").get_data(as_text=True)
    assert client.get(f"/journals/{journal.id}/edit").status_code == 403
    assert _edit(client, journal, notes="書き換え").status_code == 403
    db.session.expire_all()
    assert db.session.get(Journal, journal.id).notes == "予算は120万円"

    _ticket, members_note = _note(db, make, team, team.member, notes="メンバーのメモ")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(team.leader)
    assert f'href="/journals/{members_note.id}/edit"' in client.get(f"/issues/{_ticket.id}").get_data(as_text=True)
    assert _edit(client, members_note, notes="責任者が補足").status_code == 302
    db.session.expire_all()
    assert db.session.get(Journal, members_note.id).notes == "責任者が補足"


def test_private_notes_are_404_for_those_who_cannot_see_them(client, db, make, login, team):
    _ticket, journal = _note(db, make, team, team.leader, notes="非公開の人事情報", private_notes=True)
    login(team.observer)  # may see the ticket, not private notes
    assert client.get(f"/journals/{journal.id}/edit").status_code == 404
    assert _edit(client, journal, notes="x").status_code == 404


def test_private_flag_kept_out_of_search(client, db, make, login, team):
    _ticket, journal = _note(db, make, team, team.member, notes="検索される内容")
    assert _found(db, "検索される") == [journal.id]
    login(team.member)
    assert _edit(client, journal, notes="非公開にした内容", private_notes="y").status_code == 302
    db.session.expire_all()
    assert db.session.get(Journal, journal.id).private_notes is True
    assert _found(db, "非公開にした") == [] and _found(db, "検索される") == []


def test_emptying_a_note_without_details_deletes_the_journal(client, db, make, login, team):
    ticket, journal = _note(db, make, team, team.member)
    login(team.member)
    response = _edit(client, journal, notes="   ")
    assert response.status_code == 302
    assert db.session.get(Journal, journal.id) is None
    assert _found(db, "申請書の様式") == []
    assert "申請書の様式" not in client.get(f"/issues/{ticket.id}").get_data(as_text=True)


def test_emptying_a_note_with_details_keeps_the_details(client, db, make, login, team):
    ticket = make.ticket(team.wg, team.member, subject="件名")
    journal = services.update_ticket(ticket, team.member, {"subject": "新しい件名"}, notes="件名を変えた理由")
    db.session.commit()
    login(team.member)
    assert _edit(client, journal, notes="").status_code == 302
    db.session.expire_all()
    kept = db.session.get(Journal, journal.id)
    assert kept is not None and kept.notes == "" and kept.details
    page = client.get(f"/issues/{ticket.id}").get_data(as_text=True)
    assert not re.search(rf'href="/journals/{journal.id}/edit"', page)  # nothing left to edit
