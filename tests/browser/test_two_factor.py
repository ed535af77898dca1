"""An administrator, for whom two-factor sign-in is required, is sent to enrolment after the password, scans
(here: reads) the key, confirms a code, keeps the recovery codes, logs out and logs in with password + code."""
from __future__ import annotations

import time

import pyotp
import pytest

from tests.browser.conftest import browser_login
from tests.conftest import TEST_PASSWORD
from tests.live import live_app
from tracker.accounts.models import TwoFactorCredential, User
from tracker.accounts.passwords import hash_password
from tracker.extensions import db


@pytest.fixture
def server(database_url, tmp_path):
    with live_app(database_url, tmp_path, TWO_FACTOR_REQUIRED_ROLES=("admin", "hr")) as live:
        yield live


def test_enrol_then_sign_in_with_password_and_code(server, page):
    with server.app.app_context():
        db.session.add(User(login="kanri", name="管理 花子", email="kanri@example.lg.jp", language="ja", is_admin=True,
                            password_hash=hash_password(TEST_PASSWORD)))
        db.session.commit()
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)

    browser_login(page, server, "kanri", TEST_PASSWORD)
    assert page.url.endswith("/my/two_factor/enroll")
    assert "このアカウントには2段階認証が必要です" in page.inner_text(".flash")
    assert page.is_visible(".qr svg")
    page.screenshot(path="/tmp/two_factor_enroll.png", full_page=True)
    secret = page.inner_text("#totp-secret").strip()
    totp = pyotp.TOTP(secret)
    page.fill("input[name=code]", totp.now())
    with page.expect_navigation():
        page.click("form:has(input[name=code]) button[type=submit]")
    assert "2段階認証を有効にしました" in page.inner_text("body")
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.screenshot(path="/tmp/two_factor_codes.png", full_page=True)
    page.click("text=コードを保管しました")
    assert "有効" in page.inner_text("main")

    with page.expect_navigation():
        page.click("button:has-text('ログアウト')")
    browser_login(page, server, "kanri", TEST_PASSWORD)
    assert page.url.endswith("/login/two_factor")
    page.screenshot(path="/tmp/two_factor_verify.png", full_page=True)
    # The next time step's code: the current one was used for the enrolment (a replay would be refused).
    page.fill("input[name=code]", totp.at(time.time() + 30))
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.url.rstrip("/") == server.url
    assert "ようこそ、管理 花子さん" in page.inner_text("h1")
    assert not violations, violations
    with server.app.app_context():
        assert db.session.get(TwoFactorCredential, db.session.query(User.id).filter_by(login="kanri").scalar()) is not None
