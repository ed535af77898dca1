"""Organisation roles are read where they are asked, never once per user a page shows.

The signed-in user's roles come with the user (one statement for the session or API key and the roles); the
authors of a ticket's notes, its assignee and the rows of a list are loaded without theirs. Before, every load of
users read their roles in a statement of its own: three per ticket page.
"""
from __future__ import annotations

from tests.tickets.test_update_statements import StatementLog
from tracker.accounts.services import issue_api_key
from tracker.tickets import services


def _ticket_with_notes_by_three(db, make):
    leader, member, observer = make.user(), make.user(), make.user()
    wg = make.wg(members={leader: "WG責任者", member: "メンバー", observer: "オブザーバー"}, is_public=False)
    ticket = services.create_ticket(leader, wg, {"subject": "窓口の待ち時間", "tracker_id": make.tracker().id})
    services.update_ticket(ticket, member, {}, notes="本庁舎の状況を確認しました。")
    services.update_ticket(ticket, leader, {"done_ratio": "30"}, notes="来週の定例会で報告します。")
    db.session.commit()
    return ticket, observer


def _role_reads(log: StatementLog) -> list[str]:
    return [s for s in log.statements if s.split(" FROM ", 1)[-1].startswith("user_org_roles")]


def test_a_ticket_page_reads_no_roles_of_the_people_it_shows(client, db, make, login):
    ticket, observer = _ticket_with_notes_by_three(db, make)
    login(observer)
    db.session.expire_all()
    with StatementLog(db.engine) as log:
        page = client.get(f"/issues/{ticket.id}")
    assert page.status_code == 200 and "来週の定例会で報告します。" in page.get_data(as_text=True)
    assert _role_reads(log) == []


def test_an_api_issue_with_journals_reads_no_roles_of_their_authors(client, db, make):
    ticket, observer = _ticket_with_notes_by_three(db, make)
    key = issue_api_key(observer)
    db.session.commit()
    db.session.expire_all()
    with StatementLog(db.engine) as log:
        response = client.get(f"/issues/{ticket.id}.json?include=journals", headers={"X-Redmine-API-Key": key})
    assert response.status_code == 200
    assert [j["notes"] for j in response.get_json()["issue"]["journals"]][-1] == "来週の定例会で報告します。"
    assert _role_reads(log) == []


def test_the_dx_office_still_sees_a_private_wg_it_is_not_a_member_of(client, db, make, login):
    ticket, _ = _ticket_with_notes_by_three(db, make)
    login(make.user(org_roles=("dx_office",)))
    assert client.get(f"/issues/{ticket.id}").status_code == 200
    login(make.user())
    assert client.get(f"/issues/{ticket.id}").status_code == 404


def test_the_user_list_reads_every_users_roles_in_one_statement(client, db, make, login):
    login(make.admin())
    for role in ("dx_office", "hr", "auditor"):
        make.user(org_roles=(role,))
    db.session.commit()
    db.session.expire_all()
    with StatementLog(db.engine) as log:
        page = client.get("/admin/users")
    assert page.status_code == 200
    assert len(_role_reads(log)) == 1
