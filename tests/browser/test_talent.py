"""The help-request flow in a browser: the requester invites the best candidate, the helper accepts, the
helper's section chief approves, and the helper is a member of the linked WG."""
from sqlalchemy import select

from tests.browser.conftest import browser_login
from tracker.core.seeding import load_demo
from tracker.extensions import db
from tracker.talent.models import Engagement, EngagementStatus, HelpRequest, chiefs_of


def test_invite_accept_approve(live_server, page):
    with live_server.app.app_context():
        load_demo()
        request_id = db.session.scalar(select(HelpRequest.id).where(HelpRequest.wg.has(identifier="rpa-bpr")))
        password = live_server.app.config["DEMO_PASSWORD"]
    browser_login(page, live_server, "watanabe", password)
    page.click("text=人材バンク")
    page.click("text=RPA（BPR）WG：RPAシナリオ作成の応援")
    assert page.locator("h2", has_text="候補者").count() == 1  # the candidates, before the 履歴
    first = page.locator("tr.candidate").first
    name = first.locator("td >> nth=0").inner_text()
    assert "RPA レベル" in first.inner_text()
    with page.expect_navigation():
        first.locator("button", has_text="声をかける").click()
    assert f"{name} さんに声をかけました" in page.inner_text(".flashes")

    with live_server.app.app_context():
        engagement = db.session.scalar(select(Engagement).where(Engagement.request_id == request_id))
        helper, chiefs = engagement.user.login, [u.login for u in chiefs_of(engagement.user)]
    page.click("text=ログアウト")
    browser_login(page, live_server, helper, password)
    page.goto(f"{live_server.url}/talent/requests/{request_id}")
    with page.expect_navigation():
        page.click("button:has-text('引き受ける')")
    page.click("text=ログアウト")
    browser_login(page, live_server, chiefs[0], password)
    page.goto(f"{live_server.url}/talent/approvals")
    with page.expect_navigation():
        page.locator("tr", has_text="RPAシナリオ作成の応援").locator("button", has_text="承認").click()
    assert "承認しました" in page.inner_text(".flashes")
    with live_server.app.app_context():
        engagement = db.session.scalar(select(Engagement).where(Engagement.request_id == request_id))
        assert engagement.status == EngagementStatus.APPROVED
        assert engagement.request.wg.member_for(engagement.user) is not None
