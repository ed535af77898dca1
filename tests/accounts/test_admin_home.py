"""The admin home lists every registered admin page; deactivation and deletes ask first, on the server."""
from __future__ import annotations

from flask import url_for

from tests.conftest import csrf_token
from tracker.core.layout import admin_tabs


def test_the_admin_home_links_every_registered_admin_page(client, make, login, app):
    login(make.admin())
    response = client.get("/admin")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    with app.test_request_context():
        pages = admin_tabs()
        urls = [url_for(tab.endpoint) for tab in pages]
    assert {"/admin/users", "/admin/departments", "/roles", "/admin/audit"} <= set(urls)
    for url in urls:
        assert f'href="{url}"' in page
    assert "管理" in page


def test_the_admin_home_is_for_administrators_only(client, make, login):
    login(make.user())
    assert client.get("/admin").status_code in (403, 404)


def test_deactivating_a_user_asks_first_and_changes_nothing_until_confirmed(client, make, login, db):
    user = make.user(name="佐藤 花子")
    login(make.admin())
    token = csrf_token(client, "/admin/users")
    response = client.post(f"/admin/users/{user.id}/active", data={"active": "0", "csrf_token": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "佐藤 花子" in page and 'name="confirmed" value="1"' in page
    db.session.refresh(user)
    assert user.active is True
    client.post(f"/admin/users/{user.id}/active", data={"active": "0", "confirmed": "1", "csrf_token": token})
    db.session.refresh(user)
    assert user.active is False
    # activating again needs no confirmation
    client.post(f"/admin/users/{user.id}/active", data={"active": "1", "csrf_token": token})
    db.session.refresh(user)
    assert user.active is True


def test_deleting_a_ticket_status_asks_first(client, make, login, db):
    from tracker.tickets.models import IssueStatus

    status = IssueStatus(name="保留中", is_closed=False, position=99)
    db.session.add(status)
    db.session.commit()
    login(make.admin())
    token = csrf_token(client, "/issue_statuses")
    response = client.post(f"/issue_statuses/{status.id}", data={"csrf_token": token, "action": "delete"})
    assert response.status_code == 200 and "保留中を削除しますか？" in response.get_data(as_text=True)
    assert db.session.get(IssueStatus, status.id) is not None
    client.post(f"/issue_statuses/{status.id}", data={"csrf_token": token, "action": "delete", "confirmed": "1"})
    db.session.expire_all()
    assert db.session.get(IssueStatus, status.id) is None


def test_role_permissions_are_grouped_by_feature(client, make, login):
    login(make.admin())
    page = client.get("/roles/new").get_data(as_text=True)
    assert page.count("<fieldset class=\"permission-group\">") >= 5
    for legend in ("チケット", "定例会", "リスク", "四半期報告"):
        assert f"<legend>{legend}</legend>" in page


def test_unticking_active_on_the_user_form_asks_first(client, make, login, db):
    user = make.user(login="yamada", name="山田 太郎", email="yamada@example.lg.jp")
    login(make.admin())
    url = f"/admin/users/{user.id}/edit"
    data = {"login": "yamada", "name": "山田 太郎", "email": "yamada@example.lg.jp", "section_id": 0,
            "language": "", "csrf_token": csrf_token(client, url)}
    page = client.post(url, data=data).get_data(as_text=True)
    assert "山田 太郎（yamada）を無効にしますか？" in page and 'name="login" value="yamada"' in page
    db.session.refresh(user)
    assert user.active is True
    client.post(url, data={**data, "confirmed": "1"})
    db.session.refresh(user)
    assert user.active is False
