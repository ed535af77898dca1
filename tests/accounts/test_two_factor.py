"""Two-factor sign-in (TOTP): enrolment, the code step after the password, wrong / replayed / expired codes,
recovery codes, the requirement by role, remembered devices, the admin reset, and API keys untouched.
Codes are computed here with pyotp, as the user's phone would."""
from __future__ import annotations

import base64
import re
from datetime import datetime, timedelta, timezone

import pyotp
import pytest
from sqlalchemy import select

from tests.conftest import TEST_PASSWORD, csrf_token
from tracker.accounts import twofactor
from tracker.accounts.models import RecoveryCode, TwoFactorCredential, UserSession
from tracker.accounts.services import issue_api_key
from tracker.core.audit import AuditEntry

SECRET_RE = re.compile(r'id="totp-secret">([A-Z2-7]+)<')


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _code(secret: str, seconds_ago: int = 0) -> str:
    return pyotp.TOTP(secret).at(_now() - timedelta(seconds=seconds_ago))


def _enrolled(user) -> tuple[str, list[str]]:
    """Enrol ``user`` as the enrolment page does, with the previous step's code (so the current one is
    still unused for the test's sign-in)."""
    secret = pyotp.random_base32()
    codes = twofactor.enable(user, secret, _code(secret, seconds_ago=30))
    return secret, codes


def _password_step(client, user, password=TEST_PASSWORD, next_url=None):
    path = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(path, data={"login": user.login, "password": password, "csrf_token": csrf_token(client, "/login")})


def _code_step(client, code, **extra):
    token = csrf_token(client, "/login/two_factor")
    return client.post("/login/two_factor", data={"code": code, "csrf_token": token, **extra})


def _logout(client):
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})


def _audit(action):
    from tracker.extensions import db

    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def test_enrolment_shows_a_server_made_qr_code_and_needs_a_right_code(client, make, login, db):
    user = login(make.user())
    page = client.get("/my/two_factor/enroll").get_data(as_text=True)
    assert "<svg" in page and "<img" not in page  # the QR code is inline SVG, not an image from elsewhere
    secret = SECRET_RE.search(page).group(1)
    token = csrf_token(client, "/my/two_factor/enroll")
    assert client.get("/my/two_factor/enroll").get_data(as_text=True).count(secret) == 1  # same secret on reload

    wrong = client.post("/my/two_factor/enroll", data={"code": "000000" if _code(secret) != "000000" else "111111",
                                                        "csrf_token": token}).get_data(as_text=True)
    assert "コードが違います" in wrong
    assert db.session.get(TwoFactorCredential, user.id) is None

    done = client.post("/my/two_factor/enroll", data={"code": _code(secret), "csrf_token": token}).get_data(as_text=True)
    codes = re.findall(r"<code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code>", done)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert db.session.get(TwoFactorCredential, user.id).secret == secret
    stored = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10
    assert all(h.startswith("sha256$") for h in stored) and len(set(h.split("$")[1] for h in stored)) == 10
    assert not any(code.replace("-", "") in h for code in codes for h in stored)
    (entry,) = _audit("account.2fa_enabled")
    assert entry.actor_id == user.id and entry.object_id == user.id
    # The codes are shown once: the status page only counts them.
    status = client.get("/my/two_factor").get_data(as_text=True)
    assert codes[0] not in status and "有効" in status


def test_the_qr_code_encodes_the_otpauth_address(app, make, db):
    user = make.user(login="qr-user")
    with app.test_request_context():
        uri = twofactor.provisioning_uri(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        svg = twofactor.qr_svg(uri)
    assert uri.startswith("otpauth://totp/") and "secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" in uri and "qr-user" in uri
    assert svg.startswith("<svg") and "<path" in svg


def test_sign_in_asks_for_the_code_after_the_password(client, make, db):
    user = make.user()
    secret, _codes = _enrolled(user)
    response = _password_step(client, user, next_url="/my/account")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login/two_factor")
    # Between the two steps nothing is reachable: the session is not signed in.
    assert client.get("/my/account").status_code == 302
    assert db.session.scalar(select(UserSession).where(UserSession.user_id == user.id)) is None
    page = client.get("/login/two_factor").get_data(as_text=True)
    assert "認証アプリ" in page
    done = _code_step(client, _code(secret))
    assert done.status_code == 302 and done.headers["Location"].endswith("/my/account")
    assert client.get("/my/account").status_code == 200


def test_wrong_replayed_and_expired_codes_are_refused_with_a_reason(client, make, db):
    user = make.user()
    secret, _codes = _enrolled(user)
    _password_step(client, user)
    current = _code(secret)
    wrong = str((int(current) + 1) % 1_000_000).zfill(6)
    page = _code_step(client, wrong).get_data(as_text=True)
    assert "コードが違います" in page
    assert client.get("/my/account").status_code == 302

    expired = _code(secret, seconds_ago=300)
    page = _code_step(client, expired).get_data(as_text=True)
    assert "有効期限が切れています" in page

    assert _code_step(client, current).status_code == 302
    _logout(client)
    _password_step(client, user)
    page = _code_step(client, current).get_data(as_text=True)
    assert "既に使用されました" in page
    assert client.get("/my/account").status_code == 302
    reasons = [entry.details["reason"] for entry in _audit("auth.2fa_failed")]
    assert reasons == ["wrong", "expired", "replayed"]


def test_not_a_code_at_all_is_refused_and_counted(client, make, db):
    user = make.user()
    _enrolled(user)
    _password_step(client, user)
    page = _code_step(client, "abc").get_data(as_text=True)
    assert "コードが違います" in page or "6桁" in page
    assert db.session.get(TwoFactorCredential, user.id).failed_attempts == 1


def test_too_many_wrong_codes_lock_the_account(client, make, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES", 3)
    user = make.user()
    secret, _codes = _enrolled(user)
    _password_step(client, user)
    wrong = str((int(_code(secret)) + 500_000) % 1_000_000).zfill(6)
    for _ in range(2):
        _code_step(client, wrong)
    response = _code_step(client, wrong)
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert user.locked_until is not None
    assert "ロックされています" in client.get("/login").get_data(as_text=True)
    assert "ロックされています" in _password_step(client, user).get_data(as_text=True)


def test_the_code_step_expires_and_needs_the_password_again(client, make, db):
    user = make.user()
    _enrolled(user)
    assert client.get("/login/two_factor").headers["Location"].endswith("/login")  # no password step yet
    _password_step(client, user)
    with client.session_transaction() as session:
        session["two_factor_pending"]["at"] -= 3600
        session.modified = True
    response = client.get("/login/two_factor")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert "もう一度" in client.get("/login").get_data(as_text=True)


def test_a_recovery_code_signs_in_once(client, make, db):
    user = make.user()
    _secret, codes = _enrolled(user)
    _password_step(client, user)
    page = _code_step(client, codes[3].upper().replace("-", " "))  # as typed off paper
    assert page.status_code == 302
    assert "残りのリカバリーコードは 9 個" in client.get("/").get_data(as_text=True)
    assert twofactor.remaining_recovery_codes(user) == 9
    (entry,) = _audit("auth.2fa_recovery_code_used")
    assert entry.actor_id == user.id and entry.details == {"remaining": 9}
    _logout(client)
    _password_step(client, user)
    assert "コードが違います" in _code_step(client, codes[3]).get_data(as_text=True)
    assert _code_step(client, codes[4]).status_code == 302


def test_new_recovery_codes_replace_the_old_ones(client, make, login, db):
    user = make.user()
    _secret, old = _enrolled(user)
    db.session.commit()
    _password_step(client, user)
    _code_step(client, _code(_secret))
    page = client.post("/my/two_factor/recovery_codes",
                       data={"csrf_token": csrf_token(client, "/my/two_factor")}).get_data(as_text=True)
    new = re.findall(r"<code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code>", page)
    assert len(new) == 10 and not set(new) & set(old)
    _logout(client)
    _password_step(client, user)
    assert "コードが違います" in _code_step(client, old[0]).get_data(as_text=True)
    assert _code_step(client, new[0]).status_code == 302


@pytest.mark.parametrize("roles, org_roles, is_admin, required", [
    (("admin", "hr"), (), True, True),
    (("admin", "hr"), ("hr",), False, True),
    (("admin", "hr"), ("dx_office",), False, False),
    (("admin", "hr"), (), False, False),
    ((), (), True, False),
])
def test_required_roles(app, make, db, monkeypatch, roles, org_roles, is_admin, required):
    monkeypatch.setitem(app.config, "TWO_FACTOR_REQUIRED_ROLES", roles)
    user = make.user(org_roles=org_roles, is_admin=is_admin)
    assert twofactor.is_required(user) is required


def test_a_required_user_is_sent_to_enrolment_until_enrolled(client, make, login, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "TWO_FACTOR_REQUIRED_ROLES", ("admin", "hr"))
    hr = login(make.user(org_roles=["hr"]))
    response = client.get("/issues")
    assert response.status_code == 302 and response.headers["Location"].endswith("/my/two_factor/enroll")
    page = client.get("/my/two_factor/enroll").get_data(as_text=True)
    assert "2段階認証が必要です" in page
    secret = SECRET_RE.search(page).group(1)
    client.post("/my/two_factor/enroll", data={"code": _code(secret), "csrf_token": csrf_token(client, "/my/two_factor/enroll")})
    assert client.get("/issues").status_code == 200
    assert db.session.get(TwoFactorCredential, hr.id) is not None
    # Required: it cannot be turned off by the user.
    client.post("/my/two_factor/disable", data={"password": TEST_PASSWORD, "csrf_token": csrf_token(client, "/my/two_factor")})
    assert db.session.get(TwoFactorCredential, hr.id) is not None


def test_required_for_everyone(client, make, login, app, monkeypatch):
    monkeypatch.setitem(app.config, "TWO_FACTOR_REQUIRED_FOR_ALL", True)
    login(make.user())
    assert client.get("/").headers["Location"].endswith("/my/two_factor/enroll")


def test_an_optional_user_may_turn_it_off_with_the_password(client, make, db):
    user = make.user()
    secret, _codes = _enrolled(user)
    _password_step(client, user)
    _code_step(client, _code(secret))
    token = csrf_token(client, "/my/two_factor")
    client.post("/my/two_factor/disable", data={"password": "wrong-password", "csrf_token": token})
    assert db.session.get(TwoFactorCredential, user.id) is not None
    client.post("/my/two_factor/disable", data={"password": TEST_PASSWORD, "csrf_token": token})
    assert db.session.get(TwoFactorCredential, user.id) is None
    assert len(_audit("account.2fa_disabled")) == 1


def test_remember_this_device(client, make, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "TWO_FACTOR_REMEMBER_DAYS", 30)
    user = make.user()
    secret, _codes = _enrolled(user)
    _password_step(client, user)
    assert "30 日間" in client.get("/login/two_factor").get_data(as_text=True)
    response = _code_step(client, _code(secret), remember_device="y")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith(twofactor.DEVICE_COOKIE))
    assert "HttpOnly" in cookie and "Max-Age=2592000" in cookie
    _logout(client)
    response = _password_step(client, user)
    assert response.status_code == 302 and not response.headers["Location"].endswith("/login/two_factor")
    assert client.get("/my/account").status_code == 200
    _logout(client)

    # Another user on the same browser still needs their code.
    other = make.user()
    _enrolled(other)
    assert _password_step(client, other).headers["Location"].endswith("/login/two_factor")

    # Resetting the second factor forgets every device.
    twofactor.reset(user, make.admin())
    _enrolled(user)
    assert _password_step(client, user).headers["Location"].endswith("/login/two_factor")


def test_the_device_cookie_is_signed_and_expires(app, make, db, monkeypatch):
    monkeypatch.setitem(app.config, "TWO_FACTOR_REMEMBER_DAYS", 1)
    user = make.user()
    _enrolled(user)
    with app.test_request_context():
        value = twofactor.device_cookie_value(user)
        assert twofactor.device_remembered(user, value)
        assert not twofactor.device_remembered(user, value[:-2] + ("AA" if value[-2:] != "AA" else "BB"))
        assert not twofactor.device_remembered(user, base64.urlsafe_b64encode(b'{"user": 1}').decode())
        monkeypatch.setitem(app.config, "TWO_FACTOR_REMEMBER_DAYS", 0)
        assert not twofactor.device_remembered(user, value)  # turned off: never remembered


def test_admin_resets_a_lost_device_and_it_is_audited(client, make, login, db):
    user = make.user(login="lost-phone")
    secret, _codes = _enrolled(user)
    db.session.commit()
    admin = login(make.admin())
    page = client.get(f"/admin/users/{user.id}/edit").get_data(as_text=True)
    assert "第2要素をリセット" in page
    response = client.post(f"/admin/users/{user.id}/two_factor/reset",
                           data={"csrf_token": csrf_token(client, f"/admin/users/{user.id}/edit")})
    assert response.status_code == 302
    assert db.session.get(TwoFactorCredential, user.id) is None
    assert twofactor.remaining_recovery_codes(user) == 0
    (entry,) = _audit("admin.2fa_reset")
    assert entry.actor_id == admin.id and entry.object_id == user.id
    assert "lost-phone" in client.get(f"/admin/users/{user.id}/edit").get_data(as_text=True)
    # The user now signs in with the password alone (2FA is optional for them).
    _logout(client)
    assert not _password_step(client, user).headers["Location"].endswith("/login/two_factor")


def test_only_admins_reset(client, make, login, db):
    user = make.user()
    _enrolled(user)
    login(make.user())
    response = client.post(f"/admin/users/{user.id}/two_factor/reset", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 403
    assert db.session.get(TwoFactorCredential, user.id) is not None


def test_api_keys_are_not_affected_but_basic_passwords_are_refused(client, make, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "TWO_FACTOR_REQUIRED_ROLES", ("admin",))
    user = make.user()
    _enrolled(user)
    key = issue_api_key(user)
    admin_without_2fa = make.admin()
    admin_key = issue_api_key(admin_without_2fa)
    db.session.commit()
    assert client.get("/users/current.json", headers={"X-Redmine-API-Key": key}).status_code == 200
    assert client.get("/users/current.json", headers={"X-Redmine-API-Key": admin_key}).status_code == 200
    basic = "Basic " + base64.b64encode(f"{user.login}:{TEST_PASSWORD}".encode()).decode()
    response = client.get("/api/v1/wgs", headers={"Authorization": basic})
    assert response.status_code == 403
    assert "APIキー" in response.get_json()["errors"][0]


def test_the_next_person_on_a_shared_browser_gets_their_own_secret(client, make, login):
    login(make.user())
    first = SECRET_RE.search(client.get("/my/two_factor/enroll").get_data(as_text=True)).group(1)
    login(make.user())
    second = SECRET_RE.search(client.get("/my/two_factor/enroll").get_data(as_text=True)).group(1)
    assert first != second


def test_the_code_step_does_not_redirect_off_site(client, make, db):
    user = make.user()
    secret, _codes = _enrolled(user)
    _password_step(client, user, next_url="https://evil.example/")
    response = _code_step(client, _code(secret))
    assert response.status_code == 302 and "evil.example" not in response.headers["Location"]
