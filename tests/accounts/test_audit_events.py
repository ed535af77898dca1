"""Security and administration events of accounts in the audit log: each is exactly one entry, with who did
it, from which address and what changed; a failed sign-in is committed and changes nothing else; API
requests authenticated by key or HTTP Basic write no entry."""
from __future__ import annotations

import base64

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from tests.conftest import TEST_PASSWORD, csrf_token
from tracker.accounts import password_reset
from tracker.accounts.models import User, UserSession
from tracker.accounts.services import issue_api_key
from tracker.core.audit import AuditEntry

ADDRESS = "203.0.113.7"
FROM_ADDRESS = {"environ_base": {"REMOTE_ADDR": ADDRESS}}


def _last_id(db) -> int:
    return db.session.scalar(select(func.max(AuditEntry.id))) or 0


def entries_since(db, last_id: int) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id)))


@pytest.fixture
def writes(db):
    """The INSERT/UPDATE/DELETE statements sent while the test runs (first line of each)."""
    found: list[str] = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            found.append(" ".join(statement.split()[:3]).upper())

    sa.event.listen(db.engine, "before_cursor_execute", listen)
    yield found
    sa.event.remove(db.engine, "before_cursor_execute", listen)


def _sign_in(client, login: str, password: str):
    token = csrf_token(client, "/login")
    return client.post("/login", data={"login": login, "password": password, "csrf_token": token}, **FROM_ADDRESS)


def test_sign_in_is_one_entry_with_the_address(client, make, db):
    user = make.user(login="sato")
    before = _last_id(db)
    assert _sign_in(client, "sato", TEST_PASSWORD).status_code == 302
    [entry] = entries_since(db, before)
    assert (entry.action, entry.actor_id, entry.actor_login, entry.address) == ("auth.login", user.id, "sato", ADDRESS)


def test_failed_sign_in_with_an_unknown_login_is_committed_and_writes_nothing_else(client, db, writes):
    before = _last_id(db)
    token = csrf_token(client, "/login")
    writes.clear()
    response = client.post("/login", data={"login": "no-such-person", "password": "guess", "csrf_token": token},
                           **FROM_ADDRESS)
    assert "ログインIDまたはパスワードが違います" in response.get_data(as_text=True)
    assert writes == ["INSERT INTO AUDIT_ENTRIES"]
    db.session.rollback()  # what the request did not commit is gone now; the entry must not be
    [entry] = entries_since(db, before)
    assert entry.action == "auth.login_failed"
    assert (entry.actor_id, entry.actor_login, entry.address) == (None, "no-such-person", ADDRESS)
    assert entry.details == {"reason": "unknown_login"}


def test_wrong_password_counts_the_failure_and_is_one_entry(client, make, db, writes):
    user = make.user(login="kato")
    before = _last_id(db)
    token = csrf_token(client, "/login")
    writes.clear()
    client.post("/login", data={"login": "KATO", "password": "wrong-password", "csrf_token": token}, **FROM_ADDRESS)
    assert sorted(writes) == ["INSERT INTO AUDIT_ENTRIES", "UPDATE USERS SET"]
    db.session.rollback()
    [entry] = entries_since(db, before)
    assert (entry.action, entry.actor_id, entry.actor_login, entry.address) == ("auth.login_failed", user.id, "KATO", ADDRESS)
    assert entry.details == {"reason": "wrong_password"}
    db.session.refresh(user)
    assert user.failed_logins == 1 and user.last_login_at is None


def test_lockout_is_recorded_once_after_the_last_failure(client, make, db, app):
    user = make.user(login="ito")
    before = _last_id(db)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        _sign_in(client, "ito", "wrong-password")
    actions = [e.action for e in entries_since(db, before)]
    assert actions == ["auth.login_failed"] * app.config["LOGIN_MAX_FAILURES"] + ["auth.lockout"]
    lockout = entries_since(db, before)[-1]
    assert lockout.actor_id == user.id and lockout.details["via"] == "form"
    # signing in while locked is a failure too, with the reason
    before = _last_id(db)
    _sign_in(client, "ito", TEST_PASSWORD)
    [entry] = entries_since(db, before)
    assert (entry.action, entry.details) == ("auth.login_failed", {"reason": "locked"})


def test_logout_is_one_entry(client, make, login, db):
    user = login(make.user())
    before = _last_id(db)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")}, **FROM_ADDRESS)
    [entry] = entries_since(db, before)
    assert (entry.action, entry.actor_id, entry.address) == ("auth.logout", user.id, ADDRESS)
    assert entry.details == {"sessions_ended": 1}


def test_ending_a_session_and_every_other_session_is_recorded(client, make, login, db, app):
    user = login(make.user())
    other = app.test_client()  # a second browser
    _sign_in(other, user.login, TEST_PASSWORD)
    _sign_in(app.test_client(), user.login, TEST_PASSWORD)
    current = db.session.scalar(select(func.max(UserSession.id)).where(UserSession.user_id == user.id))
    first = db.session.scalar(select(func.min(UserSession.id)).where(UserSession.user_id == user.id))
    assert first != current
    before = _last_id(db)
    token = csrf_token(client, "/my/sessions")
    client.post(f"/my/sessions/{current}/end", data={"csrf_token": token})
    [entry] = entries_since(db, before)
    assert (entry.action, entry.actor_id, entry.details) == (
        "auth.session_revoked", user.id, {"session_id": current, "sessions_ended": 1})
    before = _last_id(db)
    client.post("/my/sessions/end_others", data={"csrf_token": token})
    [entry] = entries_since(db, before)
    assert (entry.action, entry.details) == ("auth.session_revoked", {"others": True, "sessions_ended": 1})


def test_password_change_is_one_entry(client, make, login, db):
    user = login(make.user())
    before = _last_id(db)
    client.post("/my/password", data={
        "current_password": TEST_PASSWORD, "new_password": "a-brand-new-passphrase",
        "confirm": "a-brand-new-passphrase",
        "csrf_token": csrf_token(client, "/my/password"),
    }, **FROM_ADDRESS)
    [entry] = entries_since(db, before)
    assert (entry.action, entry.actor_id, entry.object_id, entry.address) == (
        "account.password_changed", user.id, user.id, ADDRESS)


def test_wrong_current_password_records_no_change(client, make, login, db):
    login(make.user())
    before = _last_id(db)
    client.post("/my/password", data={
        "current_password": "not-it", "new_password": "a-brand-new-passphrase",
        "confirm": "a-brand-new-passphrase",
        "csrf_token": csrf_token(client, "/my/password"),
    })
    assert entries_since(db, before) == []


def test_password_reset_through_the_link_is_one_entry(client, make, db):
    user = make.user(login="reset-me")
    token = password_reset.issue(user)
    db.session.commit()
    before = _last_id(db)
    page = f"/account/password_reset/{token}"
    client.post(page, data={"new_password": "a-brand-new-passphrase", 
                            "confirm": "a-brand-new-passphrase", "csrf_token": csrf_token(client, page)}, **FROM_ADDRESS)
    [entry] = entries_since(db, before)
    assert (entry.action, entry.actor_id, entry.actor_login, entry.address) == (
        "account.password_reset", user.id, "reset-me", ADDRESS)


def test_api_key_created_and_regenerated(client, make, login, db):
    user = login(make.user())
    before = _last_id(db)
    client.post("/my/api_key", data={"csrf_token": csrf_token(client, "/my/api_key")})
    client.post("/my/api_key", data={"csrf_token": csrf_token(client, "/my/api_key")})
    first, second = entries_since(db, before)
    assert (first.action, first.actor_id, first.object_id) == ("account.api_key_created", user.id, user.id)
    assert (first.details["regenerated"], second.details["regenerated"]) == (False, True)


def test_api_requests_with_a_key_or_basic_write_no_entry(client, make, db):
    user = make.user(login="robot")
    key = issue_api_key(user)
    db.session.commit()
    before = _last_id(db)
    basic = "Basic " + base64.b64encode(f"robot:{TEST_PASSWORD}".encode()).decode()
    for headers in ({"X-Redmine-API-Key": key}, {"Authorization": basic}):
        for _ in range(3):
            assert client.get("/users/current.json", headers=headers).status_code == 200
    # a wrong password over HTTP Basic counts towards the lockout but is no sign-in entry either
    wrong = "Basic " + base64.b64encode(b"robot:wrong-password").decode()
    assert client.get("/users/current.json", headers={"Authorization": wrong}).status_code == 401
    assert entries_since(db, before) == []


def test_admin_creates_a_user_with_roles(client, make, login, db):
    admin = login(make.admin())
    before = _last_id(db)
    client.post("/admin/users/new", data={
        "login": "koike", "name": "小池 直人", "email": "koike@example.lg.jp", "section_id": 0, "language": "",
        "active": "y", "org_roles": ["hr"], "password": "a-good-long-pass",
        "csrf_token": csrf_token(client, "/admin/users/new"),
    })
    created = db.session.scalar(select(User).where(User.login == "koike"))
    [entry] = entries_since(db, before)
    assert (entry.action, entry.actor_id, entry.object_id) == ("admin.user_created", admin.id, created.id)
    assert ["org_roles", None, ["hr"]] in entry.changes and ["login", None, "koike"] in entry.changes
    assert not any(change[0] == "password" for change in entry.changes)


def _edit(client, user, **changes):
    data = {"login": user.login, "name": user.name, "email": user.email, "section_id": user.section_id or 0,
            "language": user.language or "", "active": "y", "org_roles": [r.value for r in user.org_roles],
            "password": ""}
    data.update(changes)
    data["csrf_token"] = csrf_token(client, f"/admin/users/{user.id}/edit")
    return client.post(f"/admin/users/{user.id}/edit", data={k: v for k, v in data.items() if v is not None})


def test_admin_edit_records_fields_and_rights_old_to_new(client, make, login, db):
    admin = login(make.admin())
    user = make.user(name="旧姓 花子", org_roles=["hr"])
    before = _last_id(db)
    assert _edit(client, user, name="新姓 花子", org_roles=["dx_office"], is_admin="y").status_code == 302
    updated, rights = entries_since(db, before)
    assert (updated.action, updated.actor_id, updated.object_id) == ("admin.user_updated", admin.id, user.id)
    assert updated.changes == [["name", "旧姓 花子", "新姓 花子"]]
    assert rights.action == "admin.user_roles_changed"
    assert sorted(rights.changes) == [["is_admin", False, True], ["org_roles", ["hr"], ["dx_office"]]]


def test_admin_edit_that_changes_nothing_records_nothing_and_password_is_never_stored(client, make, login, db):
    login(make.admin())
    user = make.user()
    before = _last_id(db)
    _edit(client, user)
    assert entries_since(db, before) == []
    _edit(client, user, password="an-admin-chosen-pass")
    [entry] = entries_since(db, before)
    assert (entry.action, entry.changes, entry.details) == ("admin.user_updated", [], {"password_set": True})
    assert "an-admin-chosen-pass" not in str(entry.details)


def test_admin_deactivates_activates_and_unlocks(client, make, login, db, app):
    admin = login(make.admin())
    user = make.user(login="locked-out")
    _sign_in(app.test_client(), "locked-out", TEST_PASSWORD)  # a session that deactivation ends
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        _sign_in(app.test_client(), "locked-out", "wrong-password")
    before = _last_id(db)
    token = csrf_token(client, "/admin/users")
    client.post(f"/admin/users/{user.id}/unlock", data={"csrf_token": token})
    client.post(f"/admin/users/{user.id}/active", data={"active": "0", "confirmed": "1", "csrf_token": token})
    client.post(f"/admin/users/{user.id}/active", data={"active": "1", "csrf_token": token})
    unlocked, deactivated, activated = entries_since(db, before)
    assert (unlocked.action, unlocked.actor_id, unlocked.object_id) == ("admin.user_unlocked", admin.id, user.id)
    assert unlocked.details["locked_until"] is not None
    assert (deactivated.action, deactivated.changes) == ("admin.user_deactivated", [["active", True, False]])
    assert deactivated.details == {"sessions_ended": 1}
    assert (activated.action, activated.changes) == ("admin.user_activated", [["active", False, True]])


def test_admin_sending_a_reset_mail_is_recorded(client, make, login, db):
    admin = login(make.admin())
    user = make.user()
    before = _last_id(db)
    client.post(f"/admin/users/{user.id}/password_reset", data={"csrf_token": csrf_token(client, "/admin/users")})
    [entry] = entries_since(db, before)
    assert (entry.action, entry.actor_id, entry.object_id) == ("admin.password_reset_sent", admin.id, user.id)


def test_security_admin_and_export_actions_are_registered_with_their_category(app):
    from tracker.core import audit

    names = [name for name in audit.actions() if name.split(".")[0] in ("auth", "account", "admin", "export")]
    assert {"auth.login", "auth.login_failed", "auth.lockout", "auth.logout", "account.password_changed",
            "account.password_reset", "account.api_key_created", "admin.user_created"} <= set(names)
    for name in names:
        assert audit.actions()[name].category in ("security", "admin", "export")


def test_a_lockout_reached_over_http_basic_is_recorded_but_its_attempts_are_not(client, make, db, app):
    user = make.user(login="script")
    before = _last_id(db)
    wrong = {"Authorization": "Basic " + base64.b64encode(b"script:wrong-password").decode()}
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.get("/users/current.json", headers=wrong)
    [entry] = entries_since(db, before)
    assert (entry.action, entry.actor_id, entry.details["via"]) == ("auth.lockout", user.id, "api")


def test_a_users_own_account_edit_is_in_their_history(client, db, make, login):
    from tracker.core.history import entries_for

    person = make.user(name="旧 名前")
    login(person)
    client.post("/my/account", data={"name": "新 名前", "name_kana": "", "email": person.email, "language": "ja",
                                     "csrf_token": csrf_token(client, "/my/account")})
    latest = entries_for(person)[-1]
    assert latest.actor == "新 名前" and [(c.old, c.new) for c in latest.changes] == [("旧 名前", "新 名前")]
