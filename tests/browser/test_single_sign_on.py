"""A member of staff clicks 「庁内アカウントでサインイン」, signs in at the city's identity provider, and lands
back in WG Tracker signed in, in Chromium."""
from sqlalchemy import select

from tests.live import live_app
from tests.sso.conftest import provider, set_person, sso_config  # noqa: F401  (the provider fixture)
from tracker.accounts.models import User
from tracker.extensions import db


def test_single_sign_on_in_the_browser(provider, database_url, tmp_path, page):  # noqa: F811
    set_person(provider, "sub-browser", preferred_username="b-sso", name="渡辺 結衣", email="b-sso@city.example",
               section="市民課", department="市民部")
    with live_app(database_url, tmp_path, **sso_config(provider)) as server:
        page.goto(f"{server.url}/login")
        page.screenshot(path="/tmp/sso-login.png", full_page=True)
        page.click("text=庁内アカウントでサインイン")
        assert page.url.startswith(provider)  # at the identity provider
        page.fill("input[name=sub]", "sub-browser")
        with page.expect_navigation(url=f"{server.url}/**"):
            page.click("button:text-is('Authorize')")
        assert "渡辺 結衣" in page.inner_text("header")
        page.screenshot(path="/tmp/sso-signed-in.png", full_page=True)
        with server.app.app_context():
            user = db.session.scalar(select(User).where(User.login == "b-sso"))
            assert user.auth_source == "oidc" and user.section.full_name == "市民部 市民課"
