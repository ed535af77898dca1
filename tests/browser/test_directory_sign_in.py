"""A member of staff signs in with their Active Directory account for the first time, in Chromium, and finds
their section filled in; with the directory down, the local administrator still gets in."""
from sqlalchemy import select

from tests.browser.conftest import browser_login
from tests.directory.conftest import directory_config, slapd  # noqa: F401  (the slapd fixture)
from tests.live import live_app
from tracker.accounts.models import User
from tracker.accounts.passwords import hash_password
from tracker.extensions import db


def test_first_directory_sign_in_in_the_browser(slapd, database_url, tmp_path, page):  # noqa: F811
    dn = slapd.add_person("b-kato", "加藤 咲", department="総務部", section="情報政策課", title="主任")
    try:
        with live_app(database_url, tmp_path, **directory_config(slapd)) as server:
            browser_login(page, server, "b-kato", "wrong-password")
            assert "ログインIDまたはパスワードが違います" in page.inner_text("body")
            browser_login(page, server, "b-kato", "pass-word-1")
            assert "加藤 咲" in page.inner_text("header")
            page.goto(f"{server.url}/my/password")
            assert "Active Directory" in page.inner_text("main")
            page.screenshot(path="/tmp/directory-sign-in.png", full_page=True)
            with server.app.app_context():
                user = db.session.scalar(select(User).where(User.login == "b-kato"))
                assert user.section.full_name == "総務部 情報政策課" and user.job_title == "主任"
                db.session.add(User(login="b-admin", name="管理 者", email="b-admin@city.example", is_admin=True,
                                    password_hash=hash_password("local-pass-2026")))
                db.session.commit()
            page.context.clear_cookies()
            server.app.config["LDAP_URL"] = "ldap://127.0.0.1:9"  # the directory is down
            browser_login(page, server, "b-kato", "pass-word-1")
            assert "ディレクトリ（Active Directory）に接続できません" in page.inner_text("body")
            page.screenshot(path="/tmp/directory-down.png", full_page=True)
            browser_login(page, server, "b-admin", "local-pass-2026")
            assert "管理 者" in page.inner_text("header")
    finally:
        slapd.remove_person(dn)
