from sqlalchemy import select

from tests.conftest import csrf_token
from tracker.accounts.models import Department, OrgRole, Section, User


def test_non_admin_gets_403(client, make, login):
    login(make.user())
    assert client.get("/admin/users").status_code == 403


def test_admin_creates_a_user_with_org_roles(client, make, login, db):
    section = make.section(name="人事課")
    login(make.admin())
    token = csrf_token(client, "/admin/users/new")
    response = client.post(
        "/admin/users/new",
        data={
            "login": "koike", "name": "小池 直人", "name_kana": "こいけ なおと", "email": "koike@example.lg.jp",
            "section_id": section.id, "job_title": "主査", "language": "", "active": "y",
            "org_roles": ["hr"], "password": "a-good-long-pass", "csrf_token": token,
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.login == "koike"))
    assert user.section == section
    assert user.org_roles == {OrgRole.HR}
    assert user.is_hr and not user.is_dx_office


def test_duplicate_login_is_refused_and_form_kept(client, make, login, db):
    make.user(login="taken")
    login(make.admin())
    token = csrf_token(client, "/admin/users/new")
    page = client.post(
        "/admin/users/new",
        data={"login": "taken", "name": "別人", "email": "other@example.lg.jp", "section_id": 0,
              "language": "", "password": "a-good-long-pass", "csrf_token": token},
    ).get_data(as_text=True)
    assert "すでに使われています" in page
    assert 'value="別人"' in page
    assert db.session.scalar(select(User).where(User.email == "other@example.lg.jp")) is None


def test_admin_deactivates_a_user(client, make, login):
    user = make.user()
    login(make.admin())
    client.post(f"/admin/users/{user.id}/active", data={"active": "0", "confirmed": "1", "csrf_token": csrf_token(client, "/admin/users")})
    assert user.active is False


def test_admin_cannot_deactivate_themselves(client, make, login):
    admin = login(make.admin())
    client.post(f"/admin/users/{admin.id}/active", data={"active": "0", "csrf_token": csrf_token(client, "/admin/users")})
    assert admin.active is True


def test_admin_manages_departments_and_sections(client, make, login, db):
    login(make.admin())
    client.post("/admin/departments", data={"name": "未来創造部", "position": 1, "csrf_token": csrf_token(client, "/admin/departments")})
    department = db.session.scalar(select(Department).where(Department.name == "未来創造部"))
    client.post(
        "/admin/sections/new",
        data={"department_id": department.id, "name": "情報政策課", "position": 1, "csrf_token": csrf_token(client, "/admin/sections/new")},
    )
    assert [s.name for s in db.session.scalars(select(Section).where(Section.department_id == department.id))] == ["情報政策課"]
    page = client.get("/admin/departments").get_data(as_text=True)
    assert "未来創造部" in page and "情報政策課" in page


def test_duplicate_section_in_a_department_is_refused(client, make, login, db):
    section = make.section(name="市民課")
    login(make.admin())
    page = client.post(
        "/admin/sections/new",
        data={"department_id": section.department_id, "name": "市民課", "csrf_token": csrf_token(client, "/admin/sections/new")},
    ).get_data(as_text=True)
    assert "すでに「市民課」という課があります" in page
