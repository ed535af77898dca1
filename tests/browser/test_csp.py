"""Under the Content-Security-Policy (no inline script) the pages' own scripts still work: no CSP
violation in the console, and the "Delete?" confirmation (static/js/app.js) still asks first."""
from tests.browser.conftest import browser_login
from tests.browser.test_tickets import _member_in_a_wg
from tests.conftest import TEST_PASSWORD
from tracker.accounts.models import User
from tracker.extensions import db


def test_scripts_run_under_the_csp_and_delete_asks_first(live_server, page):
    _member_in_a_wg(live_server)
    with live_server.app.app_context():
        db.session.query(User).filter_by(login="izumi").update({"is_admin": True})
        db.session.commit()
    violations = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None)
    browser_login(page, live_server, "izumi", TEST_PASSWORD)
    page.goto(f"{live_server.url}/projects/mynumber-card/issues/new")
    page.fill("input[name=subject]", "確認ダイアログの確認")
    with page.expect_navigation():
        page.click("button.primary")
    ticket_url = page.url
    dialogs = []

    def answer(dialog, accept):
        dialogs.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda d: answer(d, False))
    page.click("form[data-confirm] button")
    page.wait_for_timeout(300)
    assert dialogs and page.url == ticket_url  # dismissed: nothing was deleted
    page.once("dialog", lambda d: answer(d, True))
    with page.expect_navigation():
        page.click("form[data-confirm] button")
    assert len(dialogs) == 2 and page.url != ticket_url
    assert violations == []
