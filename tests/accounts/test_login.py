from datetime import timedelta

from tests.conftest import TEST_PASSWORD, csrf_token
from tracker.core.db import utcnow


def _post_login(client, login, password, **extra):
    data = {"login": login, "password": password, "csrf_token": csrf_token(client, "/login"), **extra}
    return client.post("/login", data=data)


def test_login_and_logout(client, make):
    user = make.user(login="izumi")
    response = _post_login(client, "izumi", TEST_PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert user.last_login_at is not None
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert client.get("/").status_code == 302


def test_login_name_is_case_insensitive(client, make):
    make.user(login="Honma")
    assert _post_login(client, "honma", TEST_PASSWORD).status_code == 302


def test_wrong_password_is_refused_with_a_message(client, make):
    make.user(login="mogi")
    response = _post_login(client, "mogi", "not-the-password")
    assert response.status_code == 200
    assert "ログインIDまたはパスワードが違います" in response.get_data(as_text=True)


def test_repeated_failures_lock_the_account(client, make, app):
    user = make.user(login="kato")
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        _post_login(client, "kato", "wrong-password")
    assert user.locked_until is None
    page = _post_login(client, "kato", "wrong-password").get_data(as_text=True)
    assert "ロックされています" in page
    assert user.locked_until > utcnow() + timedelta(minutes=app.config["LOGIN_LOCK_MINUTES"] - 1)
    # Even the right password is refused while locked.
    page = _post_login(client, "kato", TEST_PASSWORD).get_data(as_text=True)
    assert "ロックされています" in page
    assert client.get("/").status_code == 302


def test_lock_expires(client, make):
    user = make.user(login="ito")
    user.locked_until = utcnow() - timedelta(seconds=1)
    assert _post_login(client, "ito", TEST_PASSWORD).status_code == 302


def test_admin_can_unlock(client, make, login):
    locked = make.user(login="suzuki")
    locked.locked_until = utcnow() + timedelta(minutes=10)
    login(make.admin())
    client.post(f"/admin/users/{locked.id}/unlock", data={"csrf_token": csrf_token(client, "/admin/users")})
    assert locked.locked_until is None


def test_login_attempts_are_throttled_per_address(client, make, app):
    _assert_login_throttled(client, make, app)


def test_an_app_without_rate_limits_leaves_the_others_throttled(client, make, app, tmp_path):
    # The limiter object is shared by the process: an app made with limits off (as the notification worker
    # tests do) once switched them off for every app, so the test above failed after tests/notify.
    from tracker import create_app

    other = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'other.db'}", RATELIMIT_ENABLED=False,
                       UPLOAD_DIR=str(tmp_path / "uploads"))
    assert other.config["RATELIMIT_ENABLED"] is False
    _assert_login_throttled(client, make, app)


def _assert_login_throttled(client, make, app):
    make.user(login="tanaka")
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    token = csrf_token(client, "/login")
    statuses = [
        client.post("/login", data={"login": f"nobody{i}", "password": "x", "csrf_token": token}).status_code
        for i in range(limit + 1)
    ]
    assert statuses[:limit] == [200] * limit
    assert statuses[-1] == 429
    response = client.post("/login", data={"login": "tanaka", "password": TEST_PASSWORD, "csrf_token": token})
    assert response.status_code == 429
    assert "試行が多すぎます" in response.get_data(as_text=True)


def test_inactive_user_cannot_log_in(client, make):
    make.user(login="yoshida", active=False)
    page = _post_login(client, "yoshida", TEST_PASSWORD).get_data(as_text=True)
    assert "無効" in page


def test_post_without_csrf_token_is_rejected_and_changes_nothing(client, make, login):
    user = login(make.user())
    response = client.post("/my/account", data={"name": "Changed", "email": user.email, "language": ""})
    assert response.status_code == 400
    assert "フォームの有効期限が切れたか" in response.get_data(as_text=True)
    assert user.name != "Changed"


def test_login_without_csrf_token_is_rejected(client, make):
    make.user(login="abe")
    response = client.post("/login", data={"login": "abe", "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_next_parameter_only_redirects_within_the_site(client, make):
    make.user(login="mori")
    token = csrf_token(client, "/login")
    response = client.post(
        "/login?next=https://evil.example/", data={"login": "mori", "password": TEST_PASSWORD, "csrf_token": token}
    )
    assert response.headers["Location"] == "/"


def test_session_cookie_is_httponly_and_samesite(client, make):
    make.user(login="kimura")
    response = _post_login(client, "kimura", TEST_PASSWORD)
    cookie = response.headers.get("Set-Cookie")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_successful_logins_from_one_address_are_not_throttled(client, make, app):
    # A city hall reaches the server from one address: thirty colleagues logging in at 8:30 is normal.
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    users = [make.user() for _ in range(limit + 5)]
    for user in users:
        response = _post_login(client, user.login, TEST_PASSWORD)
        assert response.status_code == 302, user.login
        client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
