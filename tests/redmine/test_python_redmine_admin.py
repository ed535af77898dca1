"""Projects, memberships, users, groups, queries, categories and versions written by python-redmine (a real
client nobody here wrote) over HTTP, as a city's administration scripts do it against Redmine 5.0."""
from __future__ import annotations

import pytest
import requests
from redminelib import Redmine
from redminelib import exceptions as rex

from tests.live import live_app
from tracker.extensions import db


@pytest.fixture(scope="module")
def live(database_url, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("redmine-admin-live")
    with live_app(database_url, tmp_path, BASE_URL="http://127.0.0.1") as server:
        with server.app.app_context():
            from tests.factories import Factories
            from tracker.accounts.services import issue_api_key

            make = Factories(db)
            admin = make.admin(login="admin", name="管理 太郎", language="en")
            leader = make.user(login="leader", name="本間 一郎")
            staff = make.user(login="staff", name="谷内田 花子")
            make.wg(identifier="mynumber-wg", name="マイナンバーカード普及・活用WG", members={leader: "WG責任者"})
            make.section(department=make.department(name="総務部"), name="情報政策課")
            server.keys = {u.login: issue_api_key(u) for u in (admin, leader, staff)}
            server.ids = {"leader": leader.id, "staff": staff.id, "admin": admin.id}
            db.session.commit()
        yield server


def client(live, login="admin") -> Redmine:
    return Redmine(live.url, key=live.keys[login], version="5.0.4")


def test_project_create_update_archive_unarchive_delete(live):
    redmine = client(live)
    project = redmine.project.create(name="窓口DX WG", identifier="madoguchi-dx", description="書かない窓口", is_public=True)
    assert project.id > 0 and project.identifier == "madoguchi-dx"
    redmine.project.update(project.id, name="窓口DX推進WG", description="書かない・待たない窓口")
    read = redmine.project.get("madoguchi-dx", include=["trackers", "issue_categories", "enabled_modules",
                                                        "time_entry_activities"])
    assert (read.name, read.description) == ("窓口DX推進WG", "書かない・待たない窓口")
    assert [m if isinstance(m, str) else m["name"] for m in read.enabled_modules] == ["issue_tracking", "time_tracking"]
    assert len(read.trackers) >= 1 and len(read.time_entry_activities) >= 1

    redmine.project.archive(project.id)
    with pytest.raises(rex.ForbiddenError):
        client(live, "leader").project.get("madoguchi-dx")
    assert "madoguchi-dx" not in [p.identifier for p in redmine.project.all()]
    redmine.project.unarchive(project.id)
    assert redmine.project.get("madoguchi-dx").status == 1

    redmine.project.delete(project.id)
    with pytest.raises(rex.ResourceNotFoundError):
        redmine.project.get("madoguchi-dx")


def test_invalid_identifier_is_422_with_redmines_message(live):
    with pytest.raises(rex.ValidationError) as refused:
        client(live).project.create(name="数字だけ", identifier="2025")
    assert "Identifier is invalid" in str(refused.value)
    with pytest.raises(rex.ValidationError) as refused:
        client(live).project.create(name="予約語", identifier="new")
    assert "Identifier is reserved" in str(refused.value)


def test_project_create_without_the_right_is_403(live):
    with pytest.raises(rex.ForbiddenError):
        client(live, "staff").project.create(name="勝手WG", identifier="katte")


def test_memberships_create_update_delete(live):
    leader = client(live, "leader")
    roles = {r.name: r.id for r in leader.role.all()}
    membership = leader.project_membership.create(project_id="mynumber-wg", user_id=live.ids["staff"],
                                                  role_ids=[roles["オブザーバー"]])
    assert membership.user.id == live.ids["staff"]
    assert [r.name for r in membership.roles] == ["オブザーバー"]
    leader.project_membership.update(membership.id, role_ids=[roles["メンバー"]])
    assert [r.name for r in leader.project_membership.get(membership.id).roles] == ["メンバー"]
    assert live.ids["staff"] in [m.user.id for m in leader.project_membership.filter(project_id="mynumber-wg")]
    with pytest.raises(rex.ForbiddenError):
        client(live, "staff").project_membership.delete(membership.id)
    leader.project_membership.delete(membership.id)
    with pytest.raises(rex.ResourceNotFoundError):
        leader.project_membership.get(membership.id)


def test_users_create_update_lock_delete(live):
    redmine = client(live)
    user = redmine.user.create(login="tanaka", firstname="太郎", lastname="田中", mail="tanaka@city.example.jp",
                               password="a-long-enough-passphrase-42")
    assert (user.login, user.firstname, user.lastname) == ("tanaka", "太郎", "田中")
    redmine.user.update(user.id, firstname="次郎")
    assert redmine.user.get(user.id).firstname == "次郎"
    redmine.user.update(user.id, status=3)  # lock
    assert redmine.user.get(user.id).status == 3
    assert user.id not in [u.id for u in redmine.user.filter(status=1)]
    assert user.id in [u.id for u in redmine.user.filter(status=3)]
    redmine.user.delete(user.id)
    with pytest.raises(rex.ResourceNotFoundError):
        redmine.user.get(user.id)


def test_non_admin_user_create_is_403(live):
    with pytest.raises(rex.ForbiddenError):
        client(live, "leader").user.create(login="x", firstname="x", lastname="x", mail="x@city.example.jp")


def test_groups_create_update_add_remove_delete(live):
    redmine = client(live)
    names = [g.name for g in redmine.group.all()]
    assert "総務部 情報政策課" in names
    group = redmine.group.create(name="総務部 行政改革課", user_ids=[live.ids["staff"]])
    read = redmine.group.get(group.id, include=["users", "memberships"])
    assert [u.id for u in read.users] == [live.ids["staff"]]
    redmine.group.update(group.id, name="総務部 DX推進課")
    group = redmine.group.get(group.id)
    assert group.name == "総務部 DX推進課"
    group.user.add(live.ids["leader"])
    read = redmine.group.get(group.id, include=["users", "memberships"])
    assert sorted(u.id for u in read.users) == sorted([live.ids["staff"], live.ids["leader"]])
    assert [m.project.name for m in read.memberships] == ["マイナンバーカード普及・活用WG"]
    group.user.remove(live.ids["staff"])
    assert [u.id for u in redmine.group.get(group.id, include=["users"]).users] == [live.ids["leader"]]
    redmine.group.delete(group.id)
    with pytest.raises(rex.ResourceNotFoundError):
        redmine.group.get(group.id)


def test_queries_categories_and_versions(live):
    leader = client(live, "leader")
    category = leader.issue_category.create(project_id="mynumber-wg", name="広報")
    leader.issue_category.update(category.id, name="広報・周知")
    assert leader.issue_category.get(category.id).name == "広報・周知"
    leader.issue_category.delete(category.id)
    with pytest.raises(rex.ResourceNotFoundError):
        leader.issue_category.get(category.id)

    version = leader.version.create(project_id="mynumber-wg", name="R8年度")
    leader.version.delete(version.id)
    with pytest.raises(rex.ResourceNotFoundError):
        leader.version.get(version.id)

    assert list(leader.query.all()) == []


def test_my_account_get_and_put(live):
    headers = {"X-Redmine-API-Key": live.keys["staff"], "Content-Type": "application/json"}
    me = requests.get(f"{live.url}/my/account.json", headers=headers, timeout=10)
    assert me.json()["user"]["login"] == "staff"
    changed = requests.put(f"{live.url}/my/account.json", headers=headers, timeout=10,
                           json={"user": {"firstname": "華子"}})
    assert changed.status_code == 204
    assert client(live, "staff").user.get("current").firstname == "華子"


def test_disabled_modules_as_redmine(live):
    leader = client(live, "leader")
    with pytest.raises(rex.ForbiddenError):
        list(leader.news.filter(project_id="mynumber-wg"))
    with pytest.raises(rex.ForbiddenError):
        list(leader.wiki_page.filter(project_id="mynumber-wg"))
    with pytest.raises(rex.ResourceNotFoundError):
        list(leader.wiki_page.filter(project_id="no-such-wg"))
    assert list(leader.news.all()) == []
