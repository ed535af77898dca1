"""Who reads the audit log: auditors (監査担当) and administrators; everyone else gets 403."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tracker.accounts.models import OrgRole, User
from tracker.audit.policy import VIEW_AUDIT_LOG
from tracker.core.org_permissions import has_org_permission, org_permissions


def test_view_audit_log_goes_to_auditors_and_admins_only(db, make):
    auditor = make.user(org_roles=[OrgRole.AUDITOR])
    others = make.user(org_roles=[r for r in OrgRole if r is not OrgRole.AUDITOR])
    assert org_permissions()[VIEW_AUDIT_LOG].roles == {OrgRole.AUDITOR}
    assert has_org_permission(auditor, VIEW_AUDIT_LOG)
    assert has_org_permission(make.admin(), VIEW_AUDIT_LOG)
    assert not has_org_permission(others, VIEW_AUDIT_LOG)
    assert not has_org_permission(make.user(org_roles=[OrgRole.AUDITOR], active=False), VIEW_AUDIT_LOG)


def test_auditor_sees_the_log_and_its_nav_link(client, login, auditor, entry):
    entry(actor=auditor, details={"n": 1})
    login(auditor)
    page = client.get("/admin/audit")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'href="/admin/audit"' in text
    assert "kansa" in text
    home = client.get("/").get_data(as_text=True)
    assert 'href="/admin/audit"' in home
    assert 'href="/admin/users"' not in home  # an auditor is not an administrator


def test_admin_reads_the_log(client, login, make):
    login(make.admin())
    assert client.get("/admin/audit").status_code == 200


@pytest.mark.parametrize("roles", [(), (OrgRole.DX_OFFICE,), (OrgRole.HR,), (OrgRole.IDEA_MODERATOR,)])
def test_everyone_else_gets_403_on_the_page_and_the_export(client, login, make, roles):
    user = login(make.user(org_roles=roles))
    assert client.get("/admin/audit").status_code == 403
    assert 'href="/admin/audit"' not in client.get("/").get_data(as_text=True)
    token = csrf_token(client, "/")
    assert client.post("/admin/audit/export.csv", data={"csrf_token": token}).status_code == 403
    assert user is not None


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/admin/audit")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_admin_assigns_the_auditor_role_on_the_user_form(client, login, make, db):
    login(make.admin())
    target = make.user(login="suzuki", name="鈴木 一郎", email="suzuki@example.lg.jp")
    form = client.get(f"/admin/users/{target.id}/edit").get_data(as_text=True)
    assert 'value="auditor"' in form
    response = client.post(f"/admin/users/{target.id}/edit", data={
        "login": "suzuki", "name": "鈴木 一郎", "email": "suzuki@example.lg.jp", "section_id": 0, "language": "",
        "active": "y", "org_roles": ["auditor"], "csrf_token": csrf_token(client, f"/admin/users/{target.id}/edit"),
    })
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.scalar(select(User).where(User.login == "suzuki"))
    assert saved.org_roles == {OrgRole.AUDITOR}
    assert has_org_permission(saved, VIEW_AUDIT_LOG)
