"""Projects, memberships, users, groups, my account, categories, versions and queries written through the
Redmine-compatible API: Redmine 5.0's paths, status codes (201 with the object, 204, 422, 403, 404) and rules."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tracker.accounts.models import OrgRole, Section, User
from tracker.accounts.services import issue_api_key
from tracker.core.models import AuditEntry
from tracker.tickets.models import IssueCategory, SavedQuery, Ticket, Version
from tracker.wg.models import Member, Role, WorkingGroup


@pytest.fixture
def people(db, make):
    admin = make.admin(name="管理 太郎", language="en")  # the messages below are Redmine's English ones
    dx = make.user(name="推進 花子", org_roles=[OrgRole.DX_OFFICE])
    leader, staff = make.user(name="本間 一郎"), make.user(name="谷内田 花子")
    wg = make.wg(identifier="mynumber-wg", members={leader: "WG責任者", staff: "メンバー"})
    keys = {name: issue_api_key(u) for name, u in
            (("admin", admin), ("dx", dx), ("leader", leader), ("staff", staff))}
    db.session.commit()
    return {"admin": admin, "dx": dx, "leader": leader, "staff": staff, "wg": wg, "keys": keys}


def call(client, people, who, method, path, **kwargs):
    return getattr(client, method)(path, headers={"X-Redmine-API-Key": people["keys"][who]}, **kwargs)


# -- projects ----------------------------------------------------------------------------------------

def test_project_create_201_update_204_and_the_creator_leads_it(client, db, people):
    response = call(client, people, "dx", "post", "/projects.json",
                    json={"project": {"name": "窓口DX WG", "identifier": "madoguchi_dx-2", "description": "書かない窓口",
                                      "is_public": False}})
    assert response.status_code == 201
    project = response.get_json()["project"]
    assert response.headers["Location"].endswith(f"/projects/{project['id']}.json")
    assert (project["identifier"], project["name"], project["is_public"], project["status"]) == (
        "madoguchi_dx-2", "窓口DX WG", False, 1)
    wg = db.session.get(WorkingGroup, project["id"])
    assert [m.user_id for m in wg.members] == [people["dx"].id]

    response = call(client, people, "dx", "put", f"/projects/{wg.id}.json",
                    json={"project": {"name": "窓口DX推進WG", "identifier": "changed"}})
    assert response.status_code == 204 and response.data == b""
    db.session.expire_all()
    assert (wg.name, wg.identifier, wg.description) == ("窓口DX推進WG", "madoguchi_dx-2", "書かない窓口")
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "wg.update", AuditEntry.object_id == wg.id))


@pytest.mark.parametrize("identifier, message", [
    ("", "Identifier cannot be blank"),
    ("12345", "Identifier is invalid"),
    ("Upper", "Identifier is invalid"),
    ("with space", "Identifier is invalid"),
    ("x" * 101, "Identifier is too long (maximum is 100 characters)"),
    ("new", "Identifier is reserved"),
    ("mynumber-wg", "The identifier mynumber-wg is already used."),
])
def test_project_identifier_validated_as_redmine(client, db, people, identifier, message):
    before = db.session.scalar(select(WorkingGroup.id).order_by(WorkingGroup.id.desc()))
    response = call(client, people, "admin", "post", "/projects.json",
                    json={"project": {"name": "WG", "identifier": identifier}})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert any(error.startswith(message) for error in errors), errors
    assert db.session.scalar(select(WorkingGroup.id).order_by(WorkingGroup.id.desc())) == before


def test_digits_and_dashes_are_a_valid_identifier_as_in_redmine(client, people):
    response = call(client, people, "admin", "post", "/projects.json",
                    json={"project": {"name": "R7 WG", "identifier": "2025-wg"}})
    assert response.status_code == 201


def test_project_create_needs_the_right_and_update_needs_manage(client, people):
    assert call(client, people, "staff", "post", "/projects.json",
                json={"project": {"name": "x", "identifier": "x-wg"}}).status_code == 403
    assert call(client, people, "staff", "put", "/projects/mynumber-wg.json",
                json={"project": {"name": "x"}}).status_code == 403
    assert call(client, people, "leader", "put", "/projects/mynumber-wg.json",
                json={"project": {"name": "改名WG"}}).status_code == 204
    assert call(client, people, "leader", "put", "/projects/no-such-wg.json",
                json={"project": {"name": "x"}}).status_code == 404


def test_archive_hides_the_wg_until_unarchived_and_is_for_administrators(client, db, people):
    from tracker.tickets import services

    tracker_id = db.session.scalar(select(Ticket.tracker_id).limit(1)) or 1
    ticket = services.create_ticket(people["leader"], people["wg"], {"tracker_id": tracker_id, "subject": "保管"})
    db.session.commit()
    assert call(client, people, "leader", "put", "/projects/mynumber-wg/archive.json").status_code == 403
    assert call(client, people, "admin", "put", "/projects/mynumber-wg/archive.json").status_code == 204
    # Redmine: an archived project is 403 to its members, and gone from the list.
    assert call(client, people, "leader", "get", "/projects/mynumber-wg.json").status_code == 403
    assert call(client, people, "leader", "get", "/projects/mynumber-wg/issues.json").status_code == 403
    listed = call(client, people, "leader", "get", "/projects.json").get_json()["projects"]
    assert "mynumber-wg" not in [p["identifier"] for p in listed]
    archived = call(client, people, "admin", "get", "/projects.json?status=9").get_json()["projects"]
    assert [(p["identifier"], p["status"]) for p in archived] == [("mynumber-wg", 9)]
    assert client.get("/projects/mynumber-wg", headers={"X-Redmine-API-Key": people["keys"]["leader"]}).status_code != 200
    # Its tickets go with it, for its own members too.
    assert ticket.id not in [i["id"] for i in call(client, people, "leader", "get", "/issues.json?status_id=*").get_json()["issues"]]
    assert call(client, people, "leader", "get", f"/issues/{ticket.id}.json").status_code == 404

    assert call(client, people, "admin", "put", "/projects/mynumber-wg/unarchive.json").status_code == 204
    shown = call(client, people, "leader", "get", "/projects/mynumber-wg.json")
    assert shown.status_code == 200 and shown.get_json()["project"]["status"] == 1


def test_project_delete_takes_its_tickets_and_is_for_administrators(client, db, people):
    wg = people["wg"]
    from tracker.tickets import services

    tracker_id = db.session.scalar(select(Ticket.tracker_id).limit(1)) or 1
    services.create_ticket(people["leader"], wg, {"tracker_id": tracker_id, "subject": "消える"})
    db.session.commit()
    assert call(client, people, "leader", "delete", "/projects/mynumber-wg.json").status_code == 403
    assert call(client, people, "admin", "delete", "/projects/mynumber-wg.json").status_code == 204
    db.session.expire_all()
    assert db.session.scalar(select(WorkingGroup).where(WorkingGroup.identifier == "mynumber-wg")) is None
    assert db.session.scalar(select(Ticket).where(Ticket.subject == "消える")) is None
    assert call(client, people, "admin", "get", "/projects/mynumber-wg.json").status_code == 404


def test_a_role_granting_delete_wg_may_delete_as_redmines_delete_project(client, db, people, make):
    remover = make.user()
    wg = make.wg(identifier="to-go", members={remover: []})
    wg.members[0].roles = [make.role(permissions=["view_wg", "delete_wg"])]
    people["keys"]["remover"] = issue_api_key(remover)
    db.session.commit()
    assert call(client, people, "leader", "delete", "/projects/to-go.json").status_code == 403  # not a member
    assert call(client, people, "remover", "delete", "/projects/to-go.json").status_code == 204
    assert call(client, people, "admin", "get", "/projects/to-go.json").status_code == 404


def test_project_includes(client, db, people):
    db.session.add(IssueCategory(wg_id=people["wg"].id, name="広報"))
    db.session.commit()
    project = call(client, people, "leader", "get",
                   "/projects/mynumber-wg.json?include=trackers,issue_categories,enabled_modules,time_entry_activities"
                   ).get_json()["project"]
    assert project["trackers"] and all(set(t) == {"id", "name"} for t in project["trackers"])
    assert [c["name"] for c in project["issue_categories"]] == ["広報"]
    assert [m["name"] for m in project["enabled_modules"]] == ["issue_tracking", "time_tracking"]
    assert project["time_entry_activities"]


# -- memberships -------------------------------------------------------------------------------------

def test_membership_create_show_update_delete(client, db, people, make):
    newcomer = make.user(name="泉 健")
    db.session.commit()
    observer = db.session.scalar(select(Role).where(Role.name == "オブザーバー"))
    member_role = db.session.scalar(select(Role).where(Role.name == "メンバー"))
    response = call(client, people, "leader", "post", "/projects/mynumber-wg/memberships.json",
                    json={"membership": {"user_id": newcomer.id, "role_ids": [observer.id]}})
    assert response.status_code == 201
    membership = response.get_json()["membership"]
    assert membership["user"] == {"id": newcomer.id, "name": "泉 健"}
    assert membership["roles"] == [{"id": observer.id, "name": "オブザーバー"}]
    assert membership["project"]["id"] == people["wg"].id

    again = call(client, people, "leader", "post", "/projects/mynumber-wg/memberships.json",
                 json={"membership": {"user_id": newcomer.id, "role_ids": [observer.id]}})
    assert again.status_code == 422
    no_role = call(client, people, "leader", "post", "/projects/mynumber-wg/memberships.json",
                   json={"membership": {"user_id": people["dx"].id, "role_ids": []}})
    assert no_role.status_code == 422

    path = f"/memberships/{membership['id']}.json"
    assert call(client, people, "staff", "get", path).get_json()["membership"]["id"] == membership["id"]
    assert call(client, people, "staff", "put", path, json={"membership": {"role_ids": [member_role.id]}}).status_code == 403
    assert call(client, people, "leader", "put", path, json={"membership": {"role_ids": [member_role.id]}}).status_code == 204
    assert call(client, people, "leader", "get", path).get_json()["membership"]["roles"][0]["name"] == "メンバー"
    assert call(client, people, "leader", "delete", path).status_code == 204
    assert call(client, people, "leader", "get", path).status_code == 404
    assert db.session.scalar(select(Member).where(Member.user_id == newcomer.id)) is None


def test_membership_of_a_hidden_wg_is_404(client, db, people, make):
    secret = make.wg(is_public=False, members={people["leader"]: "WG責任者"})
    member = secret.members[0]
    db.session.commit()
    assert call(client, people, "staff", "get", f"/memberships/{member.id}.json").status_code == 404
    assert call(client, people, "staff", "delete", f"/memberships/{member.id}.json").status_code == 404


# -- users -------------------------------------------------------------------------------------------

def test_user_create_update_lock_delete_by_an_administrator(client, db, people):
    response = call(client, people, "admin", "post", "/users.json", json={"user": {
        "login": "tanaka", "firstname": "太郎", "lastname": "田中", "mail": "tanaka@city.example.jp",
        "password": "a-long-enough-passphrase-42"}})
    assert response.status_code == 201, response.get_json()
    created = response.get_json()["user"]
    assert (created["login"], created["firstname"], created["lastname"], created["mail"], created["status"]) == (
        "tanaka", "太郎", "田中", "tanaka@city.example.jp", 1)
    person = db.session.get(User, created["id"])
    assert person.name == "田中 太郎"

    path = f"/users/{person.id}.json"
    assert call(client, people, "admin", "put", path, json={"user": {"firstname": "次郎"}}).status_code == 204
    assert call(client, people, "admin", "put", path, json={"user": {"status": 3}}).status_code == 204
    db.session.expire_all()
    assert (person.name, person.active) == ("田中 次郎", False)
    assert call(client, people, "admin", "get", path).get_json()["user"]["status"] == 3

    assert call(client, people, "admin", "delete", path).status_code == 204
    assert call(client, people, "admin", "get", path).status_code == 404


def test_user_writes_are_for_administrators(client, people):
    body = {"user": {"login": "x", "firstname": "x", "lastname": "x", "mail": "x@example.jp"}}
    assert call(client, people, "leader", "post", "/users.json", json=body).status_code == 403
    assert call(client, people, "leader", "put", f"/users/{people['staff'].id}.json", json=body).status_code == 403
    assert call(client, people, "leader", "delete", f"/users/{people['staff'].id}.json").status_code == 403


def test_user_create_refused_with_reasons_and_nothing_created(client, db, people):
    count = db.session.scalar(select(User.id).order_by(User.id.desc()))
    response = call(client, people, "admin", "post", "/users.json",
                    json={"user": {"login": people["staff"].login, "firstname": "", "lastname": "", "mail": "bad"}})
    assert response.status_code == 422 and len(response.get_json()["errors"]) >= 2
    assert db.session.scalar(select(User.id).order_by(User.id.desc())) == count


def test_a_user_who_wrote_tickets_is_locked_not_deleted(client, db, people):
    from tracker.tickets import services

    tracker_id = db.session.scalar(select(Ticket.tracker_id).limit(1)) or 1
    services.create_ticket(people["staff"], people["wg"], {"tracker_id": tracker_id, "subject": "記録"})
    db.session.commit()
    response = call(client, people, "admin", "delete", f"/users/{people['staff'].id}.json")
    assert response.status_code == 422
    assert call(client, people, "admin", "delete", f"/users/{people['admin'].id}.json").status_code == 422
    assert db.session.get(User, people["staff"].id) is not None


def test_my_account_get_and_put(client, db, people):
    me = call(client, people, "staff", "get", "/my/account.json").get_json()["user"]
    assert (me["login"], me["lastname"], me["firstname"]) == (people["staff"].login, "谷内田", "花子")
    response = call(client, people, "staff", "put", "/my/account.json",
                    json={"user": {"firstname": "華子", "mail": "yachida@city.example.jp"}})
    assert response.status_code == 204
    db.session.expire_all()
    assert (people["staff"].name, people["staff"].email) == ("谷内田 華子", "yachida@city.example.jp")
    bad = call(client, people, "staff", "put", "/my/account.json", json={"user": {"mail": "not-a-mail"}})
    assert bad.status_code == 422


# -- groups (sections) -------------------------------------------------------------------------------

def test_groups_are_sections_with_their_staff(client, db, people, make):
    department = make.department(name="総務部")
    section = make.section(department=department, name="情報政策課")
    people["leader"].section_id = section.id
    db.session.commit()
    assert call(client, people, "leader", "get", "/groups.json").status_code == 403
    groups = call(client, people, "admin", "get", "/groups.json").get_json()["groups"]
    assert {"id": section.id, "name": "総務部 情報政策課"} in groups
    shown = call(client, people, "staff", "get", f"/groups/{section.id}.json?include=users,memberships").get_json()["group"]
    assert shown["users"] == [{"id": people["leader"].id, "name": "本間 一郎"}]
    assert shown["memberships"][0]["project"]["id"] == people["wg"].id
    assert shown["memberships"][0]["roles"][0]["name"] == "WG責任者"

    response = call(client, people, "admin", "post", "/groups.json",
                    json={"group": {"name": "総務部 行政改革課", "user_ids": [people["staff"].id]}})
    assert response.status_code == 201
    group = response.get_json()["group"]
    assert group["name"] == "総務部 行政改革課"
    db.session.expire_all()
    assert people["staff"].section_id == group["id"]

    path = f"/groups/{group['id']}"
    assert call(client, people, "admin", "put", f"{path}.json", json={"group": {"name": "総務部 DX推進課"}}).status_code == 204
    assert call(client, people, "admin", "post", f"{path}/users.json", json={"user_id": people["dx"].id}).status_code == 204
    assert call(client, people, "admin", "delete", f"{path}/users/{people['staff'].id}.json").status_code == 204
    db.session.expire_all()
    assert db.session.get(Section, group["id"]).name == "DX推進課"
    assert (people["staff"].section_id, people["dx"].section_id) == (None, group["id"])
    assert call(client, people, "leader", "delete", f"{path}.json").status_code == 403
    assert call(client, people, "admin", "delete", f"{path}.json").status_code == 204
    assert call(client, people, "admin", "get", f"{path}.json").status_code == 404


# -- categories, versions, queries -------------------------------------------------------------------

def test_category_update_and_delete_reassigning_its_tickets(client, db, people):
    wg = people["wg"]
    old, new = IssueCategory(wg_id=wg.id, name="旧"), IssueCategory(wg_id=wg.id, name="新")
    db.session.add_all([old, new])
    db.session.flush()
    from tracker.tickets import services

    tracker_id = db.session.scalar(select(Ticket.tracker_id).limit(1)) or 1
    ticket = services.create_ticket(people["leader"], wg, {"tracker_id": tracker_id, "subject": "分類", "category_id": old.id})
    db.session.commit()
    assert call(client, people, "staff", "put", f"/issue_categories/{old.id}.json",
                json={"issue_category": {"name": "x"}}).status_code == 403
    assert call(client, people, "leader", "put", f"/issue_categories/{old.id}.json",
                json={"issue_category": {"name": "旧分類"}}).status_code == 204
    assert call(client, people, "leader", "get", f"/issue_categories/{old.id}.json").get_json()["issue_category"]["name"] == "旧分類"
    assert call(client, people, "leader", "delete", f"/issue_categories/{old.id}.json?reassign_to_id={new.id}").status_code == 204
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).category_id == new.id
    assert db.session.get(IssueCategory, old.id) is None


def test_version_delete_refused_while_tickets_are_planned_for_it(client, db, people):
    wg = people["wg"]
    used, unused = Version(wg_id=wg.id, name="R7年度"), Version(wg_id=wg.id, name="R8年度")
    db.session.add_all([used, unused])
    db.session.flush()
    from tracker.tickets import services

    tracker_id = db.session.scalar(select(Ticket.tracker_id).limit(1)) or 1
    services.create_ticket(people["leader"], wg, {"tracker_id": tracker_id, "subject": "計画", "fixed_version_id": used.id})
    db.session.commit()
    assert call(client, people, "staff", "delete", f"/versions/{unused.id}.json").status_code == 403
    assert call(client, people, "leader", "delete", f"/versions/{used.id}.json").status_code == 422
    assert call(client, people, "leader", "delete", f"/versions/{unused.id}.json").status_code == 204
    assert call(client, people, "leader", "get", f"/versions/{unused.id}.json").status_code == 404


def test_queries_lists_own_and_public_ones_only(client, db, people):
    wg = people["wg"]
    db.session.add_all([
        SavedQuery(name="自分の", user_id=people["staff"].id, wg_id=wg.id, visibility="private", params={}),
        SavedQuery(name="みんなの", user_id=people["leader"].id, wg_id=wg.id, visibility="public", params={}),
        SavedQuery(name="他人の", user_id=people["leader"].id, wg_id=None, visibility="private", params={}),
    ])
    db.session.commit()
    answer = call(client, people, "staff", "get", "/queries.json").get_json()
    assert [(q["name"], q["is_public"], q["project_id"]) for q in answer["queries"]] == [
        ("みんなの", True, wg.id), ("自分の", False, wg.id)]
    assert answer["total_count"] == 2


# -- modules WG Tracker does not have ----------------------------------------------------------------

@pytest.mark.parametrize("path", ["/projects/mynumber-wg/news.json", "/projects/mynumber-wg/wiki/index.json",
                                  "/projects/mynumber-wg/wiki/Start_page.json", "/projects/mynumber-wg/files.json"])
def test_disabled_modules_answer_403_in_a_visible_project_and_404_elsewhere(client, people, path):
    assert call(client, people, "staff", "get", path).status_code == 403
    assert call(client, people, "staff", "post", path, json={}).status_code == 403
    assert call(client, people, "staff", "get", path.replace("mynumber-wg", "no-such-wg")).status_code == 404


def test_global_news_is_an_empty_list(client, people):
    answer = call(client, people, "staff", "get", "/news.json").get_json()
    assert answer == {"news": [], "total_count": 0, "offset": 0, "limit": 25}
    assert call(client, people, "staff", "get", "/news/1.json").status_code == 404
    assert call(client, people, "staff", "get", "/news.json?project_id=mynumber-wg").status_code == 403
    assert call(client, people, "staff", "get", "/news.json?project_id=no-such-wg").status_code == 404


def test_user_fields_as_redmine_5_0_4(client, people):
    import json
    from pathlib import Path

    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "redmine-5.0.4"
    listed = call(client, people, "admin", "get", "/users.json").get_json()["users"][0]
    assert set(listed) == set(json.loads((fixtures / "users.json").read_text())["users"][0])
    current = call(client, people, "admin", "get", "/users/current.json").get_json()["user"]
    # The API key is kept only as a digest, so it cannot be shown again.
    assert set(current) == set(json.loads((fixtures / "users-current.json").read_text())["user"]) - {"api_key"}
    other = call(client, people, "staff", "get", f"/users/{people['leader'].id}.json").get_json()["user"]
    assert "status" not in other and "mail" not in other


def test_an_administrator_sees_an_archived_wg_marked_in_the_list(client, db, people, login):
    call(client, people, "admin", "put", "/projects/mynumber-wg/archive.json")
    people["admin"].language = "ja"
    db.session.commit()
    login(people["admin"])
    page = client.get("/projects").get_data(as_text=True)
    row = page[page.index("mynumber-wg"):].split("</tr>", 1)[0]
    assert "badge" in row and ("Archived" in row or "アーカイブ" in row)
