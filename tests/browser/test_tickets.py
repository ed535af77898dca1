"""A WG member files a ticket through the browser, changes the tracker (a button, not the select, reloads
the form, which keeps what was typed), and finds the ticket in the WG's list and through the search box."""
from tests.browser.conftest import browser_login
from tests.conftest import TEST_PASSWORD
from tracker.accounts.models import User
from tracker.accounts.passwords import hash_password
from tracker.extensions import db


def _member_in_a_wg(server):
    from sqlalchemy import select

    from tracker.wg.models import Role
    from tracker.wg.services import add_member, create_wg

    with server.app.app_context():
        user = User(login="izumi", name="泉 由美", email="izumi@example.lg.jp", password_hash=hash_password(TEST_PASSWORD))
        db.session.add(user)
        db.session.flush()
        wg = create_wg(identifier="mynumber-card", name="マイナンバーカード普及・活用WG", description="")
        add_member(None, wg, user, [db.session.scalar(select(Role).where(Role.name == "メンバー"))])
        db.session.commit()


def test_member_files_a_ticket_and_finds_it(live_server, page):
    _member_in_a_wg(live_server)
    browser_login(page, live_server, "izumi", TEST_PASSWORD)
    page.goto(f"{live_server.url}/projects/mynumber-card/issues/new")
    page.fill("input[name=subject]", "出張申請の拡充")
    page.fill("textarea[name=description]", "出張申請にかかる人員やノウハウが不足している")
    page.evaluate("window.stayed = true")
    page.select_option("select[name=tracker_id]", label="課題")
    # choosing with the arrow keys must not reload the page (WCAG 3.2.2): the button does it
    page.focus("select[name=tracker_id]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    assert page.input_value("input[name=subject]") == "出張申請の拡充"
    assert page.evaluate("window.stayed")
    with page.expect_navigation():
        page.click("[data-refresh-button]")  # the form comes back with the tracker's fields, keeping the input
    assert page.input_value("input[name=subject]") == "出張申請の拡充"
    assert page.input_value("select[name=tracker_id]") == page.eval_on_selector(
        "select[name=tracker_id] option:text-is('課題')", "o => o.value")
    with page.expect_navigation():
        page.click("button.primary")
    assert "出張申請の拡充" in page.inner_text("h2.subject")
    page.goto(f"{live_server.url}/projects/mynumber-card/issues")
    assert "出張申請の拡充" in page.inner_text("table.issues")
    page.goto(f"{live_server.url}/search?q=出張")
    assert page.inner_html("ol.search-results").count("<mark>出張</mark>") >= 1
