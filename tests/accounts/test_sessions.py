"""Sessions live on the server: logging out, changing or resetting the password end them, and a copied
session or remember-me cookie from before stops working. Users see their sessions and can end them."""
import re

from sqlalchemy import func, select

from tests.conftest import TEST_PASSWORD, csrf_token
from tracker.accounts.models import UserSession


def _login(client, user, remember=False):
    data = {"login": user.login, "password": TEST_PASSWORD, "csrf_token": csrf_token(client, "/login")}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302
    return response


def _cookies(client):
    return {cookie.key: cookie.value for cookie in client._cookies.values()}


def _use_cookies(client, cookies):
    client._cookies.clear()
    for name, value in cookies.items():
        client.set_cookie(name, value, domain="localhost")


def test_the_session_cookie_from_before_logout_no_longer_works(app, client, make):
    user = make.user()
    _login(client, user)
    stolen = _cookies(client)
    assert client.get("/my/account").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    _use_cookies(client, stolen)
    assert client.get("/my/account").status_code == 302


def test_the_remember_cookie_from_before_logout_no_longer_works(app, client, make):
    user = make.user()
    _login(client, user, remember=True)
    remember = {k: v for k, v in _cookies(client).items() if k == app.config.get("REMEMBER_COOKIE_NAME", "remember_token")}
    assert remember
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    _use_cookies(client, remember)
    assert client.get("/my/account").status_code == 302


def test_logout_ends_the_sessions_of_other_browsers_too(app, client, make):
    user = make.user()
    other = app.test_client()
    _login(other, user, remember=True)
    assert other.get("/my/account").status_code == 200
    _login(client, user)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert other.get("/my/account").status_code == 302  # sent to the login page


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, client, make):
    user = make.user()
    other = app.test_client()
    _login(other, user, remember=True)
    assert other.get("/my/account").status_code == 200
    _login(client, user)
    response = client.post("/my/password", data={"csrf_token": csrf_token(client, "/my/password"),
                                                 "current_password": TEST_PASSWORD,
                                                 "new_password": "another-long-password",
                                                 "confirm": "another-long-password"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert client.get("/my/account").status_code == 200
    assert other.get("/my/account").status_code == 302


def test_a_password_reset_ends_every_session(app, client, make, db):
    from tracker.accounts import password_reset

    user = make.user()
    _login(client, user, remember=True)
    token = password_reset.issue(user)
    db.session.commit()
    reset = app.test_client()
    response = reset.post(f"/account/password_reset/{token}", data={
        "csrf_token": csrf_token(reset, f"/account/password_reset/{token}"),
        "new_password": "another-long-password", "confirm": "another-long-password"})
    assert response.status_code == 302
    assert client.get("/my/account").status_code == 302


def test_users_see_their_sessions_and_end_one(app, client, make, db):
    user = make.user()
    other = app.test_client()
    _login(other, user)
    _login(client, user)
    page = client.get("/my/sessions").get_data(as_text=True)
    assert page.count('class="session"') == 2
    assert "/my/sessions" in client.get("/my/account").get_data(as_text=True)
    ids = re.findall(r'/my/sessions/(\d+)/end', page)
    assert len(ids) == 1  # this session is ended by logging out, the other one here
    response = client.post(f"/my/sessions/{ids[0]}/end", data={"csrf_token": csrf_token(client, "/my/sessions")})
    assert response.status_code == 302
    assert other.get("/my/account").status_code == 302
    assert client.get("/my/account").status_code == 200
    assert db.session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == user.id)) == 1


def test_ending_a_session_needs_the_csrf_token_and_only_ends_ones_own(app, client, make, db):
    owner, intruder = make.user(), make.user()
    other = app.test_client()
    _login(other, owner)
    session_id = db.session.scalar(select(UserSession.id).where(UserSession.user_id == owner.id))
    _login(client, intruder)
    assert client.post(f"/my/sessions/{session_id}/end").status_code == 400
    assert client.post(f"/my/sessions/{session_id}/end",
                       data={"csrf_token": csrf_token(client, "/my/sessions")}).status_code == 404
    assert other.get("/my/account").status_code == 200


def test_ending_all_other_sessions(app, client, make):
    user = make.user()
    others = [app.test_client() for _ in range(2)]
    for other in others:
        _login(other, user)
    _login(client, user)
    client.post("/my/sessions/end_others", data={"csrf_token": csrf_token(client, "/my/sessions")})
    assert [o.get("/my/account").status_code for o in others] == [302, 302]
    assert client.get("/my/account").status_code == 200


def test_deactivating_a_user_ends_their_sessions(app, client, make, login):
    user = make.user()
    other = app.test_client()
    _login(other, user)
    login(make.admin())
    client.post(f"/admin/users/{user.id}/active", data={"csrf_token": csrf_token(client, "/admin/users"), "active": "0", "confirmed": "1"})
    assert other.get("/my/account").status_code == 302
