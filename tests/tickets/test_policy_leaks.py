"""Private tickets leaked where a path did not use the ticket policy (search, time entries, a child's
parent). Each test puts a private, unassigned ticket (assignee NULL: the case that slipped through
``NOT visible(user)``) in a public WG and looks at it as everyone who might."""
import pytest

from tests.conftest import csrf_token
from tracker.accounts.services import issue_api_key


@pytest.fixture
def secret(db, make, team):
    """A private ticket with no assignee by the leader, with a time entry and a note, in the public WG."""
    from tracker.tickets import services, timelog

    ticket = make.ticket(team.wg, team.leader, subject="人事異動の内示メモ", is_private=True)
    services.update_ticket(ticket, team.leader, {}, notes="内示の調整コメント")
    timelog.log_time(team.leader, {"spent_on": "2026-11-20", "hours": "2", "comments": "内示資料の作成"}, ticket=ticket)
    db.session.commit()
    assert ticket.assigned_to_id is None
    return ticket


def _as(client, login, user):
    login(user)
    return client


@pytest.mark.parametrize("who", ["outsider", "observer"])
def test_search_hides_unassigned_private_tickets_and_their_notes(client, login, team, secret, who):
    _as(client, login, getattr(team, who))
    for path in ("/search?q=内示", "/search.json?q=内示"):
        page = client.get(path).get_data(as_text=True)
        assert "人事異動" not in page and "調整コメント" not in page, path
        assert f"/issues/{secret.id}" not in page


def test_search_shows_private_tickets_to_those_who_may_see_them(client, login, team, secret):
    _as(client, login, team.member)  # メンバー may view private tickets
    page = client.get("/search?q=内示").get_data(as_text=True)
    assert "人事異動" in page and "調整コメント" in page


def test_search_shows_nothing_to_anonymous(client, secret):
    response = client.get("/search?q=内示")
    assert "人事異動" not in response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["outsider", "observer"])
def test_time_entries_hide_unassigned_private_tickets(client, login, team, secret, who):
    _as(client, login, getattr(team, who))
    html = client.get("/time_entries").get_data(as_text=True)
    assert "内示資料の作成" not in html and "人事異動" not in html
    key = issue_api_key(getattr(team, who))
    for path in (f"/time_entries.json?issue_id={secret.id}", "/time_entries.json",
                 f"/projects/{team.wg.identifier}/time_entries.json"):
        data = client.get(path, headers={"X-Redmine-API-Key": key}).get_json()
        assert data["total_count"] == 0 and data["time_entries"] == [], path


def test_time_entries_of_private_tickets_shown_to_members(client, login, team, secret):
    key = issue_api_key(team.member)
    data = client.get(f"/time_entries.json?issue_id={secret.id}", headers={"X-Redmine-API-Key": key}).get_json()
    assert data["total_count"] == 1 and data["time_entries"][0]["comments"] == "内示資料の作成"


@pytest.mark.parametrize("who", ["outsider", "observer"])
def test_child_does_not_reveal_its_private_parent(client, db, make, login, team, secret, who):
    child = make.ticket(team.wg, team.leader, subject="公開の子チケット", parent_id=secret.id)
    viewer = getattr(team, who)
    _as(client, login, viewer)
    page = client.get(f"/issues/{child.id}").get_data(as_text=True)
    assert "公開の子チケット" in page and "人事異動" not in page and f"/issues/{secret.id}" not in page
    listing = client.get(f"/projects/{team.wg.identifier}/issues?set_filter=1&c[]=subject&c[]=parent").get_data(as_text=True)
    assert "公開の子チケット" in listing and f"#{secret.id}<" not in listing and "人事異動" not in listing
    key = issue_api_key(viewer)
    issue = client.get(f"/issues/{child.id}.json", headers={"X-Redmine-API-Key": key}).get_json()["issue"]
    assert "parent" not in issue
    csv = client.get(f"/projects/{team.wg.identifier}/issues.csv?c[]=subject&c[]=parent").get_data(as_text=True)
    assert "公開の子チケット" in csv and f"#{secret.id}" not in csv


def test_child_shows_a_visible_parent(client, make, login, team, secret):
    child = make.ticket(team.wg, team.leader, subject="公開の子チケット", parent_id=secret.id)
    _as(client, login, team.member)
    assert "人事異動" in client.get(f"/issues/{child.id}").get_data(as_text=True)
    key = issue_api_key(team.member)
    assert client.get(f"/issues/{child.id}.json", headers={"X-Redmine-API-Key": key}).get_json()["issue"]["parent"] == {"id": secret.id}
    csv = client.get(f"/projects/{team.wg.identifier}/issues.csv?c[]=subject&c[]=parent").get_data(as_text=True)
    assert f"#{secret.id}" in csv


def test_relation_to_a_private_ticket_is_hidden(client, db, make, login, team, secret):
    from tracker.core import policy
    from tracker.tickets.models import TicketRelation

    other = make.ticket(team.wg, team.leader, subject="公開の関連チケット")
    relation = TicketRelation(issue_from_id=other.id, issue_to_id=secret.id, relation_type="relates")
    db.session.add(relation)
    db.session.commit()
    assert not policy.can(team.observer, "view", relation) and policy.can(team.member, "view", relation)
    visible = db.session.scalars(db.select(TicketRelation.id).where(policy.visible(TicketRelation, team.observer))).all()
    assert relation.id not in visible
    _as(client, login, team.observer)
    key = issue_api_key(team.observer)
    issue = client.get(f"/issues/{other.id}.json?include=relations", headers={"X-Redmine-API-Key": key}).get_json()["issue"]
    assert issue["relations"] == []
    assert "人事異動" not in client.get(f"/issues/{other.id}").get_data(as_text=True)


def test_private_notes_rule_in_both_forms(db, make, team, secret):
    from tracker.core import policy
    from tracker.tickets import services
    from tracker.tickets.models import Journal

    public = make.ticket(team.wg, team.leader, subject="公開")
    services.update_ticket(public, team.leader, {}, notes="非公開メモ", private_notes=True)
    db.session.commit()
    note = db.session.scalars(db.select(Journal).where(Journal.ticket_id == public.id)).one()
    for user, expected in ((team.leader, True), (team.member, True), (team.observer, False), (team.outsider, False)):
        assert policy.can(user, "view", note) is expected
        ids = db.session.scalars(db.select(Journal.id).where(policy.visible(Journal, user))).all()
        assert (note.id in ids) is expected


@pytest.mark.parametrize("who, finds_child", [("outsider", False), ("observer", False), ("member", True)])
def test_the_parent_filter_names_only_a_parent_one_may_see(client, db, make, team, secret, who, finds_child):
    """A public child of the private ticket: filtering by parent_id=<the secret's id> would tell whoever may not
    see the secret that it exists (and has subtasks). Only a visible parent can be named."""
    child = make.ticket(team.wg, team.leader, subject="公開の子チケット", parent_id=secret.id)
    key = issue_api_key(getattr(team, who))
    db.session.commit()
    found = client.get(f"/issues.json?parent_id={secret.id}&status_id=*",
                       headers={"X-Redmine-API-Key": key}).get_json()
    assert [i["id"] for i in found["issues"]] == ([child.id] if finds_child else [])
    assert found["total_count"] == (1 if finds_child else 0)
