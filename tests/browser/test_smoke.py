from tests.browser.conftest import browser_login
from tests.conftest import TEST_PASSWORD
from tracker.accounts.passwords import hash_password
from tracker.accounts.models import User
from tracker.extensions import db


def _create_user(server, **fields):
    with server.app.app_context():
        db.session.add(User(password_hash=hash_password(TEST_PASSWORD), **fields))
        db.session.commit()


def test_login_shows_the_japanese_home_page(live_server, page):
    _create_user(live_server, login="honma", name="本間 修", email="honma@example.lg.jp")
    browser_login(page, live_server, "honma", TEST_PASSWORD)
    page.wait_for_selector("h1")
    assert page.inner_text("h1") == "ようこそ、本間 修さん"
    assert page.get_attribute("html", "lang") == "ja"


def test_every_request_stays_on_the_servers_origin(live_server, page):
    _create_user(live_server, login="admin", name="管理 太郎", email="admin@example.lg.jp", is_admin=True)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    browser_login(page, live_server, "admin", TEST_PASSWORD)
    page.goto(f"{live_server.url}/admin/users")
    assert requested and all(url.startswith(live_server.url) for url in requested), requested


def test_navigation_collapses_at_phone_width(live_server, browser):
    _create_user(live_server, login="mobile", name="携帯 利用者", email="m@example.lg.jp")
    context = browser.new_context(locale="ja-JP", viewport={"width": 375, "height": 740})
    page = context.new_page()
    browser_login(page, live_server, "mobile", TEST_PASSWORD)
    assert not page.is_visible(".mainnav")
    page.click(".nav-toggle-label")
    assert page.is_visible(".mainnav")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()
