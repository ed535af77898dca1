"""The bell: a user sees the unread count, follows a notification to its page, and the count goes down."""

from tests.browser.conftest import browser_login
from tests.conftest import TEST_PASSWORD
from tracker.accounts.models import User
from tracker.accounts.passwords import hash_password
from tracker.core import events
from tracker.extensions import db
from tracker.wg.models import WorkingGroup


def test_the_bell_leads_to_the_notification_and_its_page(live_server, page):
    with live_server.app.app_context():
        actor = User(login="dx", name="大澤 恵", email="dx@example.lg.jp", password_hash=hash_password(TEST_PASSWORD))
        izumi = User(login="izumi", name="泉 由美", email="izumi@example.lg.jp", language="ja",
                     password_hash=hash_password(TEST_PASSWORD))
        db.session.add_all([actor, izumi])
        db.session.flush()
        wg = WorkingGroup(identifier="shuccho", name="出張申請WG", is_public=True)
        db.session.add(wg)
        db.session.flush()
        for title, url in [("出張申請受付の会場調整の担当になりました", "/projects"), ("判断が行われました", "/")]:
            events.emit(events.Event(kind="ticket.assigned", title=title, url=url, actor=actor, recipients=[izumi],
                                     subject=wg))
        db.session.commit()

    browser_login(page, live_server, "izumi", TEST_PASSWORD)
    assert page.inner_text(".bell [data-unread]") == "2"
    page.click(".bell a")
    page.click("text=出張申請受付の会場調整の担当になりました")
    page.wait_for_url(f"{live_server.url}/projects")
    assert page.inner_text(".bell [data-unread]") == "1"
