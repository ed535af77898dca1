"""A person imported without a password follows the login page's "forgot password" link, opens the link in
the mail and logs in with the password they chose."""
import re

from sqlalchemy import select

from tests.browser.conftest import browser_login
from tracker.accounts.models import User
from tracker.extensions import db
from tracker.notify.models import OutboxMessage


def test_forgot_password_to_logged_in(live_server, page):
    with live_server.app.app_context():
        db.session.add(User(login="tsuda", name="津田 翔", email="tsuda@example.lg.jp", language="ja", password_hash=None))
        db.session.commit()

    page.goto(f"{live_server.url}/login")
    page.click("text=パスワードを忘れた場合")
    page.fill("input[name=login]", "tsuda@example.lg.jp")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "一致する有効なアカウントがあれば" in page.inner_text("body")

    with live_server.app.app_context():
        body = db.session.scalar(select(OutboxMessage.body_text).where(OutboxMessage.kind == "account.password_reset"))
    path = re.search(r"/account/password_reset/[A-Za-z0-9_-]+", body).group(0)
    page.goto(f"{live_server.url}{path}")
    assert "tsuda" in page.inner_text("body")
    page.fill("input[name=new_password]", "kaiten-sushi-2026")
    page.fill("input[name=confirm]", "kaiten-sushi-2026")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "パスワードを設定しました" in page.inner_text("body")

    browser_login(page, live_server, "tsuda", "kaiten-sushi-2026")
    assert page.url.rstrip("/") == live_server.url
