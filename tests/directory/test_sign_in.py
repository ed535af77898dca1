"""Signing in with an Active Directory / LDAP account, against a real slapd."""
from __future__ import annotations

from sqlalchemy import func, select

from tests.conftest import TEST_PASSWORD, csrf_token
from tests.directory.slapd import PEOPLE
from tracker.accounts.models import User
from tracker.accounts.services import AccountError, set_password
from tracker.core.audit import AuditEntry
from tracker.directory.client import Directory, DirectoryRefused

import pytest


def sign_in(client, login, password):
    if client.get("/login").status_code == 302:  # someone is signed in
        client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    return client.post("/login", data={"login": login, "password": password, "csrf_token": csrf_token(client, "/login")},
                       follow_redirects=True)


def user(db, login) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.login) == login.lower()))


def test_first_sign_in_creates_the_user_from_the_directory(client, db, directory):
    directory.add_person("k-sato", "佐藤 花子", department="総務部", section="情報政策課", title="主査",
                         kana="さとう はなこ")
    response = sign_in(client, "k-sato", "pass-word-1")
    assert response.status_code == 200
    assert "佐藤 花子" in response.get_data(as_text=True)
    created = user(db, "k-sato")
    assert created.from_directory and created.password_hash is None
    assert (created.email, created.job_title, created.name_kana) == ("k-sato@city.example", "主査", "さとう はなこ")
    assert created.section.name == "情報政策課" and created.section.department.name == "総務部"
    assert created.directory_dn == f"uid=k-sato,ou=情報政策課,ou=総務部,{PEOPLE}"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "user", AuditEntry.object_id == created.id))
    assert entry.action == "user.create"


def test_a_later_sign_in_brings_the_account_up_to_date(client, db, directory):
    dn = directory.add_person("k-ueda", "上田 健", department="総務部", section="情報政策課", title="主事")
    sign_in(client, "k-ueda", "pass-word-1")
    directory.move_person(dn, "市民部", "市民課")
    sign_in(client, "k-ueda", "pass-word-1")
    moved = user(db, "k-ueda")
    assert moved.section.name == "市民課" and moved.section.department.name == "市民部"
    changes = db.session.scalars(select(AuditEntry.changes).where(
        AuditEntry.object_type == "user", AuditEntry.object_id == moved.id, AuditEntry.action == "user.update")).all()
    assert [c[0] for c in changes[-1]] == ["section_id"]


def test_wrong_password_is_refused_and_creates_nobody(client, db, directory):
    directory.add_person("k-mori", "森 一郎", department="総務部", section="情報政策課")
    body = sign_in(client, "k-mori", "not-the-password").get_data(as_text=True)
    assert "ログインIDまたはパスワードが違います" in body
    assert user(db, "k-mori") is None
    sign_in(client, "k-mori", "")  # an empty password would be an anonymous bind, which LDAP accepts
    assert user(db, "k-mori") is None


def test_a_locked_directory_account_is_refused_with_its_reason(client, db, directory):
    dn = directory.add_person("k-lock", "鍵 太郎", department="総務部", section="情報政策課")
    directory.lock_person(dn)
    body = sign_in(client, "k-lock", "pass-word-1").get_data(as_text=True)
    assert "ディレクトリのアカウントがロックされています" in body
    assert user(db, "k-lock") is None


def test_a_disabled_active_directory_account_is_refused(app):
    # Active Directory marks a disabled account in userAccountControl (0x2); slapd has no such attribute, so
    # the reading of a search result is checked directly.
    with app.app_context():
        person = Directory({**app.config, "LDAP_ATTR_SECTION": "", "LDAP_ATTR_DEPARTMENT": ""})._person(
            "CN=Taro,OU=情報政策課,OU=総務部,DC=city,DC=local", {"uid": ["taro"], "cn": ["太郎"], "userAccountControl": [514]})
        assert person.disabled and person.section == "情報政策課" and person.department == "総務部"
        with pytest.raises(DirectoryRefused) as refused:
            Directory._refuse_if_blocked(person)
        assert refused.value.reason == "disabled"


def test_unreachable_directory_still_lets_the_local_admin_in(client, db, make, directory, app, monkeypatch):
    admin = make.user(login="admin-local", is_admin=True)
    directory.add_person("k-far", "遠藤 遥", department="総務部", section="情報政策課")
    monkeypatch.setitem(app.config, "LDAP_URL", "ldap://127.0.0.1:9")  # nothing listens on the discard port
    body = sign_in(client, "k-far", "pass-word-1").get_data(as_text=True)
    assert "ディレクトリ（Active Directory）に接続できません" in body
    response = sign_in(client, admin.login, TEST_PASSWORD)
    assert admin.name in response.get_data(as_text=True)


def test_a_directory_user_without_mail_is_told_why(client, db, directory):
    directory.add_person("k-nomail", "無 名", department="総務部", section="情報政策課", mail=None)
    body = sign_in(client, "k-nomail", "pass-word-1").get_data(as_text=True)
    assert "メールアドレスが登録されていません" in body
    assert user(db, "k-nomail") is None


def test_duplicate_logins_in_the_directory_are_refused(client, db, directory):
    directory.add_person("k-twin", "双子 一", department="総務部", section="情報政策課")
    directory.add_person("k-twin", "双子 二", department="市民部", section="市民課", mail="twin2@city.example")
    body = sign_in(client, "k-twin", "pass-word-1").get_data(as_text=True)
    assert "複数のアカウントで使われています" in body
    assert user(db, "k-twin") is None


def test_a_local_account_keeps_its_login_and_password(client, db, make, directory):
    local = make.user(login="k-local")
    directory.add_person("k-local", "別人 次郎", department="総務部", section="情報政策課", mail="other@city.example")
    assert "ログインIDまたはパスワードが違います" in sign_in(client, "k-local", "pass-word-1").get_data(as_text=True)
    assert local.name in sign_in(client, "k-local", TEST_PASSWORD).get_data(as_text=True)
    assert not user(db, "k-local").from_directory


def test_a_directory_user_cannot_set_a_local_password(client, db, directory):
    directory.add_person("k-pw", "暗証 三郎", department="総務部", section="情報政策課")
    sign_in(client, "k-pw", "pass-word-1")
    page = client.get("/my/password").get_data(as_text=True)
    assert "Active Directory" in page and 'name="new_password"' not in page
    response = client.post("/my/password", data={"current_password": "pass-word-1", "new_password": "local-pass-2026",
                                                 "confirm": "local-pass-2026", "csrf_token": csrf_token(client, "/my/account")},
                           follow_redirects=True)
    assert "Active Directory" in response.get_data(as_text=True)
    account = user(db, "k-pw")
    assert account.password_hash is None
    with pytest.raises(AccountError):
        set_password(account, "another-pass-2026")


def test_direct_bind_without_a_service_account(client, db, directory, app, monkeypatch):
    monkeypatch.setitem(app.config, "LDAP_BIND_DN", "")
    monkeypatch.setitem(app.config, "LDAP_USER_DN", f"uid={{login}},ou=情報政策課,ou=総務部,{PEOPLE}")
    directory.add_person("k-direct", "直 結子", department="総務部", section="情報政策課")
    assert "直 結子" in sign_in(client, "k-direct", "pass-word-1").get_data(as_text=True)
    assert "ログインIDまたはパスワードが違います" in sign_in(client, "k-direct", "wrong").get_data(as_text=True)


def test_an_empty_password_never_reaches_the_directory_as_an_anonymous_bind(app, directory):
    directory.add_person("k-anon", "匿 名子", department="総務部", section="情報政策課")
    with app.test_request_context():
        with pytest.raises(DirectoryRefused):
            Directory().authenticate("k-anon", "")


def _tls_or_skip(slapd):
    if not slapd.ca_file:
        pytest.skip("openssl is missing: slapd runs without a certificate, so LDAPS and StartTLS are not tested")


def test_ldaps_with_the_citys_ca(client, db, directory, app, monkeypatch):
    _tls_or_skip(directory)
    monkeypatch.setitem(app.config, "LDAP_URL", directory.ldaps_url)
    monkeypatch.setitem(app.config, "LDAP_CA_FILE", directory.ca_file)
    directory.add_person("k-tls", "暗号 通子", department="総務部", section="情報政策課")
    assert "暗号 通子" in sign_in(client, "k-tls", "pass-word-1").get_data(as_text=True)


def test_starttls_with_the_citys_ca(client, db, directory, app, monkeypatch):
    _tls_or_skip(directory)
    monkeypatch.setitem(app.config, "LDAP_URL", directory.starttls_url)
    monkeypatch.setitem(app.config, "LDAP_STARTTLS", True)
    monkeypatch.setitem(app.config, "LDAP_CA_FILE", directory.ca_file)
    directory.add_person("k-stls", "開始 暗号", department="総務部", section="情報政策課")
    assert "開始 暗号" in sign_in(client, "k-stls", "pass-word-1").get_data(as_text=True)


def test_a_certificate_nobody_trusts_is_refused(client, db, directory, app, monkeypatch):
    _tls_or_skip(directory)
    monkeypatch.setitem(app.config, "LDAP_URL", directory.ldaps_url)
    monkeypatch.setitem(app.config, "LDAP_CA_FILE", "")  # the system's CAs do not know the city's
    directory.add_person("k-mitm", "偽 証明", department="総務部", section="情報政策課")
    body = sign_in(client, "k-mitm", "pass-word-1").get_data(as_text=True)
    assert "ディレクトリ（Active Directory）に接続できません" in body
    assert user(db, "k-mitm") is None


def test_a_directory_user_keeps_the_directorys_name_and_mail(client, db, directory):
    directory.add_person("k-own", "本名 太郎", department="総務部", section="情報政策課")
    sign_in(client, "k-own", "pass-word-1")
    assert "readonly" in client.get("/my/account").get_data(as_text=True)
    client.post("/my/account", data={"name": "別名", "name_kana": "", "email": "other@example.com", "language": "en",
                                     "csrf_token": csrf_token(client, "/my/account")})
    account = user(db, "k-own")
    assert (account.name, account.email, account.language) == ("本名 太郎", "k-own@city.example", "en")
