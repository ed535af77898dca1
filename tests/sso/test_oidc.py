"""Single sign-on with OpenID Connect against a real provider: discovery, code flow with PKCE, claims mapping,
SSO-only mode, and the refusals a user can meet."""
from __future__ import annotations

from sqlalchemy import func, select

from tests.conftest import TEST_PASSWORD, csrf_token
from tests.sso.conftest import approve_at_provider, callback_path, query, set_person
from tracker.accounts.models import User


def user(db, login) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.login) == login.lower()))


def sso_sign_in(client, sub, next_path=None):
    start = client.get("/login/sso" + (f"?next={next_path}" if next_path else ""))
    assert start.status_code == 302, start.get_data(as_text=True)
    location = approve_at_provider(start.headers["Location"], sub)
    return client.get(callback_path(location), follow_redirects=False)


def test_first_sign_in_creates_the_user_from_the_claims(client, db, sso):
    set_person(sso, "sub-ota", preferred_username="ota", name="太田 理沙", email="ota@city.example",
               section="情報政策課", department="総務部", title="主査")
    start = client.get("/login/sso")
    params = query(start.headers["Location"])
    assert params["code_challenge_method"] == "S256" and params["code_challenge"]  # PKCE
    assert set(params["scope"].split()) == {"openid", "email", "profile"}
    location = approve_at_provider(start.headers["Location"], "sub-ota")
    response = client.get(callback_path(location))
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    home = client.get("/").get_data(as_text=True)
    assert "太田 理沙" in home
    created = user(db, "ota")
    assert created.auth_source == "oidc" and created.password_hash is None
    assert created.section.full_name == "総務部 情報政策課" and created.job_title == "主査"


def test_a_later_sign_in_updates_the_account_and_keeps_the_next_page(client, db, sso):
    set_person(sso, "sub-kubo", preferred_username="kubo", name="久保 周", email="kubo@city.example")
    sso_sign_in(client, "sub-kubo")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    set_person(sso, "sub-kubo", preferred_username="kubo", name="久保 周平", email="kubo@city.example")
    response = sso_sign_in(client, "sub-kubo", next_path="/my/account")
    assert response.headers["Location"].endswith("/my/account")
    assert user(db, "kubo").name == "久保 周平"


def test_a_next_to_another_site_is_ignored(client, db, sso):
    set_person(sso, "sub-nexto", preferred_username="nexto", name="外 行", email="nexto@city.example")
    response = sso_sign_in(client, "sub-nexto", next_path="//evil.example/")
    assert "evil.example" not in response.headers["Location"]


def test_a_replayed_or_forged_callback_signs_nobody_in(client, db, sso):
    set_person(sso, "sub-rep", preferred_username="rep", name="再 送", email="rep@city.example")
    start = client.get("/login/sso")
    location = approve_at_provider(start.headers["Location"], "sub-rep")
    assert client.get(callback_path(location)).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    replay = client.get(callback_path(location), follow_redirects=True).get_data(as_text=True)
    assert "シングルサインオンが完了しませんでした" in replay
    assert client.get("/my/account").status_code == 302  # not signed in
    forged = client.get("/login/sso/callback?code=made-up&state=made-up", follow_redirects=True)
    assert "シングルサインオンが完了しませんでした" in forged.get_data(as_text=True)


def test_denied_at_the_provider(client, db, sso):
    client.get("/login/sso")
    body = client.get("/login/sso/callback?error=access_denied&state=x", follow_redirects=True).get_data(as_text=True)
    assert "シングルサインオンが完了しませんでした" in body


def test_an_unreachable_provider_is_said_so(client, db, sso, app, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_ISSUER", "http://127.0.0.1:9")
    monkeypatch.setitem(app.config, "OIDC_TIMEOUT_SECONDS", 2)
    body = client.get("/login/sso", follow_redirects=True).get_data(as_text=True)
    assert "シングルサインオンのサービスに接続できません" in body


def test_claims_without_a_login_or_mail_are_refused(client, db, sso):
    set_person(sso, "sub-nologin", name="名 無し", email="nologin@city.example")
    body = client.get(callback_path(approve_at_provider(client.get("/login/sso").headers["Location"], "sub-nologin")),
                      follow_redirects=True).get_data(as_text=True)
    assert "ログインIDが含まれていません" in body
    set_person(sso, "sub-nomail", preferred_username="nomail", name="郵 便無")
    body = client.get(callback_path(approve_at_provider(client.get("/login/sso").headers["Location"], "sub-nomail")),
                      follow_redirects=True).get_data(as_text=True)
    assert "メールアドレスが登録されていません" in body
    assert user(db, "nomail") is None


def test_sso_only_mode_leaves_passwords_to_local_administrators(client, db, make, sso, app, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_ONLY", True)
    staff = make.user(login="pw-staff")
    admin = make.user(login="pw-admin", is_admin=True)
    page = client.get("/login").get_data(as_text=True)
    assert "/login/sso" in page and "<details>" in page
    refused = client.post("/login", data={"login": staff.login, "password": TEST_PASSWORD,
                                          "csrf_token": csrf_token(client, "/login")}, follow_redirects=True)
    assert "シングルサインオンでサインインします" in refused.get_data(as_text=True)
    assert client.get("/my/account").status_code == 302
    ok = client.post("/login", data={"login": admin.login, "password": TEST_PASSWORD,
                                     "csrf_token": csrf_token(client, "/login")})
    assert ok.status_code == 302
    assert client.get("/my/account").status_code == 200


def test_without_sso_configured_the_routes_do_not_exist(client):
    assert client.get("/login/sso").status_code == 404
    assert client.get("/login/sso/callback?code=x&state=y").status_code == 404
