"""The password rules a city sets (TRACKER_PASSWORD_*): length, character classes, history, maximum age, the
forced change of an administrator's password, and the lockout threshold and duration. Every way of setting
a password (own change, reset link, administrator) goes through the one validator."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import TEST_PASSWORD, csrf_token
from tracker.accounts import password_policy, password_reset
from tracker.accounts.models import PasswordHistoryEntry, User
from tracker.accounts.passwords import verify_password
from tracker.config import load_config
from tracker.core.db import utcnow


def _change(client, new, current=TEST_PASSWORD):
    token = csrf_token(client, "/my/password")
    return client.post("/my/password", data={"current_password": current, "new_password": new, "confirm": new,
                                              "csrf_token": token})


def test_minimum_length_is_the_citys(client, make, login, app, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_MIN_LENGTH", 16)
    user = login(make.user())
    page = _change(client, "fifteen-chars-x").get_data(as_text=True)
    assert "16文字以上" in page
    assert verify_password(user.password_hash, TEST_PASSWORD)
    assert _change(client, "sixteen-chars-xy").status_code == 302


def test_required_character_classes(client, make, login, app, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_REQUIRED_CLASSES", ("lower", "upper", "digit", "symbol"))
    user = login(make.user())
    page = _change(client, "onlylowercaseletters").get_data(as_text=True)
    assert "英大文字" in page and "数字" in page and "記号" in page
    assert "英小文字" not in page
    assert verify_password(user.password_hash, TEST_PASSWORD)
    assert _change(client, "Mixed-Case-2026").status_code == 302


def test_the_last_passwords_cannot_be_reused(client, make, login, app, monkeypatch, db):
    monkeypatch.setitem(app.config, "PASSWORD_HISTORY", 3)
    user = login(make.user())
    assert "直近 3 個" in _change(client, TEST_PASSWORD).get_data(as_text=True)  # the current one
    assert _change(client, "second-long-secret").status_code == 302
    assert _change(client, "third-long-secret", current="second-long-secret").status_code == 302
    # The first (set before any history was kept) and the second are among the last three.
    assert "直近 3 個" in _change(client, TEST_PASSWORD, current="third-long-secret").get_data(as_text=True)
    assert "直近 3 個" in _change(client, "second-long-secret", current="third-long-secret").get_data(as_text=True)
    assert _change(client, "fourth-long-secret", current="third-long-secret").status_code == 302
    # Four passwords later the first may come back; only three hashes are kept.
    assert _change(client, TEST_PASSWORD, current="fourth-long-secret").status_code == 302
    rows = db.session.scalars(select(PasswordHistoryEntry).where(PasswordHistoryEntry.user_id == user.id)).all()
    assert len(rows) == 3
    assert all(row.password_hash.startswith("$argon2id$") for row in rows)


def test_history_applies_to_the_reset_link_and_the_administrator(client, make, login, app, monkeypatch, db):
    monkeypatch.setitem(app.config, "PASSWORD_HISTORY", 2)
    user = make.user()
    token = password_reset.issue(user)
    with pytest.raises(password_reset.AccountError) as refused:
        password_reset.reset_password(token, TEST_PASSWORD)
    assert "直近 2 個" in refused.value.messages[0]
    login(make.admin())
    edit = f"/admin/users/{user.id}/edit"
    page = client.post(edit, data={
        "login": user.login, "name": user.name, "email": user.email, "section_id": 0, "language": "", "active": "y",
        "password": TEST_PASSWORD, "csrf_token": csrf_token(client, edit),
    }).get_data(as_text=True)
    assert "直近 2 個" in page


def test_character_classes_apply_to_the_administrator_and_the_reset_link(client, make, login, app, monkeypatch, db):
    monkeypatch.setitem(app.config, "PASSWORD_REQUIRED_CLASSES", ("digit",))
    login(make.admin())
    page = client.post("/admin/users/new", data={
        "login": "nodigit", "name": "数字 なし", "email": "nodigit@example.lg.jp", "section_id": 0, "language": "",
        "password": "no-digits-in-here", "csrf_token": csrf_token(client, "/admin/users/new"),
    }).get_data(as_text=True)
    assert "数字を含めてください" in page
    assert db.session.scalar(select(User).where(User.login == "nodigit")) is None
    user = make.user()
    token = password_reset.issue(user)
    with pytest.raises(password_reset.AccountError):
        password_reset.reset_password(token, "no-digits-in-here")


def test_an_expired_password_must_be_changed_first(client, make, login, app, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_MAX_AGE_DAYS", 90)
    user = make.user()
    user.password_changed_at = utcnow() - timedelta(days=91)
    login(user)
    response = client.get("/issues")
    assert response.status_code == 302 and response.headers["Location"].endswith("/my/password")
    assert "有効期限が切れました" in client.get("/my/password").get_data(as_text=True)
    assert _change(client, "a-fresh-long-secret").status_code == 302
    assert client.get("/issues").status_code == 200
    assert password_policy.expires_at(user) > utcnow() + timedelta(days=89)


def test_a_young_password_and_no_maximum_age_do_not_expire(client, make, login, app, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_MAX_AGE_DAYS", 90)
    user = make.user()
    user.password_changed_at = utcnow() - timedelta(days=89)
    login(user)
    assert client.get("/issues").status_code == 200
    monkeypatch.setitem(app.config, "PASSWORD_MAX_AGE_DAYS", 0)
    user.password_changed_at = utcnow() - timedelta(days=4000)
    assert client.get("/issues").status_code == 200


def test_a_password_set_by_an_administrator_is_changed_at_first_sign_in(client, make, login, app, monkeypatch, db):
    monkeypatch.setitem(app.config, "PASSWORD_CHANGE_ADMIN_SET", True)
    login(make.admin())
    client.post("/admin/users/new", data={
        "login": "newcomer", "name": "新人 一郎", "email": "newcomer@example.lg.jp", "section_id": 0, "language": "",
        "active": "y", "password": "chosen-by-admin-1", "csrf_token": csrf_token(client, "/admin/users/new"),
    })
    newcomer = db.session.scalar(select(User).where(User.login == "newcomer"))
    assert newcomer.password_change_required
    login(newcomer, password="chosen-by-admin-1")
    response = client.get("/")
    assert response.headers["Location"].endswith("/my/password")
    assert "管理者が設定したパスワード" in client.get("/my/password").get_data(as_text=True)
    assert _change(client, "my-own-long-secret", current="chosen-by-admin-1").status_code == 302
    assert not newcomer.password_change_required
    assert client.get("/").status_code == 200


def test_an_administrators_new_password_for_an_existing_user_is_changed_too(client, make, login, app, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_CHANGE_ADMIN_SET", True)
    user = make.user()
    login(make.admin())
    edit = f"/admin/users/{user.id}/edit"
    client.post(edit, data={
        "login": user.login, "name": user.name, "email": user.email, "section_id": 0, "language": "", "active": "y",
        "password": "set-by-the-admin-2", "csrf_token": csrf_token(client, edit),
    })
    assert user.password_change_required
    monkeypatch.setitem(app.config, "PASSWORD_CHANGE_ADMIN_SET", False)
    client.post(edit, data={
        "login": user.login, "name": user.name, "email": user.email, "section_id": 0, "language": "", "active": "y",
        "password": "set-by-the-admin-3", "csrf_token": csrf_token(client, edit),
    })
    assert not user.password_change_required


def test_lockout_threshold_and_duration_are_settings(client, make, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES", 3)
    monkeypatch.setitem(app.config, "LOGIN_LOCK_MINUTES", 60)
    user = make.user()
    for _ in range(2):
        client.post("/login", data={"login": user.login, "password": "wrong-password", "csrf_token": csrf_token(client, "/login")})
    assert user.locked_until is None
    page = client.post("/login", data={"login": user.login, "password": "wrong-password",
                                       "csrf_token": csrf_token(client, "/login")}).get_data(as_text=True)
    assert "ロックされています" in page
    assert utcnow() + timedelta(minutes=59) < user.locked_until <= utcnow() + timedelta(minutes=60)


def test_policy_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("TRACKER_PASSWORD_LOCKOUT_THRESHOLD", "10")
    monkeypatch.setenv("TRACKER_PASSWORD_LOCKOUT_MINUTES", "30")
    monkeypatch.setenv("TRACKER_PASSWORD_MIN_LENGTH", "12")
    monkeypatch.setenv("TRACKER_PASSWORD_REQUIRED_CLASSES", "Upper, digit")
    monkeypatch.setenv("TRACKER_PASSWORD_HISTORY", "5")
    monkeypatch.setenv("TRACKER_PASSWORD_MAX_AGE_DAYS", "180")
    monkeypatch.setenv("TRACKER_2FA_REQUIRED_ROLES", "admin,dx_office")
    monkeypatch.setenv("TRACKER_2FA_REQUIRED_FOR_ALL", "1")
    monkeypatch.setenv("TRACKER_2FA_REMEMBER_DAYS", "14")
    config = load_config("development")
    assert (config.LOGIN_MAX_FAILURES, config.LOGIN_LOCK_MINUTES) == (10, 30)
    assert config.PASSWORD_MIN_LENGTH == 12 and config.PASSWORD_REQUIRED_CLASSES == ("upper", "digit")
    assert (config.PASSWORD_HISTORY, config.PASSWORD_MAX_AGE_DAYS) == (5, 180)
    assert config.TWO_FACTOR_REQUIRED_ROLES == ("admin", "dx_office")
    assert config.TWO_FACTOR_REQUIRED_FOR_ALL and config.TWO_FACTOR_REMEMBER_DAYS == 14


def test_defaults(monkeypatch):
    for name in ("PASSWORD_LOCKOUT_THRESHOLD", "LOGIN_MAX_FAILURES", "2FA_REQUIRED_ROLES", "PASSWORD_CHANGE_ADMIN_SET"):
        monkeypatch.delenv(f"TRACKER_{name}", raising=False)
    config = load_config("development")
    assert (config.LOGIN_MAX_FAILURES, config.LOGIN_LOCK_MINUTES) == (5, 15)
    assert config.TWO_FACTOR_REQUIRED_ROLES == ("admin", "hr")
    assert config.PASSWORD_CHANGE_ADMIN_SET is True
