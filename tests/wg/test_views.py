from sqlalchemy import select

from tests.conftest import csrf_token
from tracker.accounts.models import OrgRole
from tracker.wg.models import Member, Role, WorkingGroup


def test_dx_office_creates_a_wg(client, make, login, db):
    login(make.user(org_roles=[OrgRole.DX_OFFICE]))
    response = client.post(
        "/projects/new",
        data={"name": "窓口WG", "identifier": "counter", "description": "窓口を見直す", "is_public": "y",
              "csrf_token": csrf_token(client, "/projects/new")},
    )
    assert response.status_code == 302
    wg = db.session.scalar(select(WorkingGroup).where(WorkingGroup.identifier == "counter"))
    assert wg.name == "窓口WG"
    assert client.get("/projects/counter").status_code == 200


def test_staff_cannot_create_a_wg(client, make, login):
    login(make.user())
    assert client.get("/projects/new").status_code == 403


def test_bad_identifier_is_refused_and_input_kept(client, make, login, db):
    make.wg(identifier="taken")
    login(make.admin())
    page = client.post(
        "/projects/new",
        data={"name": "新しいWG", "identifier": "taken", "csrf_token": csrf_token(client, "/projects/new")},
    ).get_data(as_text=True)
    assert "すでに使われています" in page and 'value="新しいWG"' in page
    page = client.post(
        "/projects/new",
        data={"name": "新しいWG", "identifier": "Bad Id", "csrf_token": csrf_token(client, "/projects/new")},
    ).get_data(as_text=True)
    assert "識別子" in page
    assert db.session.scalar(select(WorkingGroup).where(WorkingGroup.name == "新しいWG")) is None


def test_leader_adds_and_removes_members(client, make, login, db):
    leader, newcomer = make.user(), make.user(name="新人 太郎")
    wg = make.wg(members={leader: "WG責任者"})
    login(leader)
    member_role = db.session.scalar(select(Role).where(Role.name == "メンバー"))
    path = f"/projects/{wg.identifier}/memberships"
    client.post(path, data={"user_id": newcomer.id, "role_ids": [member_role.id], "csrf_token": csrf_token(client, path)})
    member = db.session.scalar(select(Member).where(Member.wg_id == wg.id, Member.user_id == newcomer.id))
    assert [r.name for r in member.roles] == ["メンバー"]
    assert wg.visible_to(newcomer)
    client.post(f"{path}/{member.id}", data={"action": "remove", "csrf_token": csrf_token(client, path)})
    assert db.session.scalar(select(Member).where(Member.id == member.id)) is None


def test_member_without_permission_cannot_manage_members(client, make, login):
    member = make.user()
    wg = make.wg(members={member: "メンバー"})
    login(member)
    assert client.get(f"/projects/{wg.identifier}/memberships").status_code == 403
    assert client.get(f"/projects/{wg.identifier}/settings").status_code == 403


def test_admin_edits_role_permissions(client, make, login, db):
    login(make.admin())
    role = db.session.scalar(select(Role).where(Role.name == "オブザーバー"))
    path = f"/roles/{role.id}/edit"
    client.post(path, data={"name": "オブザーバー", "position": 3, "permissions": ["view_wg", "manage_members"],
                            "csrf_token": csrf_token(client, path)})
    assert role.permissions == ["manage_members", "view_wg"]
    page = client.get("/roles").get_data(as_text=True)
    assert "オブザーバー" in page


def test_wg_description_is_rendered_as_safe_markdown(client, make, login):
    wg = make.wg(description="**重要** <script>alert(1)</script> [x](javascript:alert(1))")
    login(make.user())
    page = client.get(f"/projects/{wg.identifier}").get_data(as_text=True)
    assert "<strong>重要</strong>" in page
    assert "<script>alert" not in page and "javascript:" not in page
