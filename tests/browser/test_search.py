"""A member who used Redmine searches as there: the newest ticket first with the number of matches, then "any
word" by unticking 全単語, then titles only; and "#123" in the box opens the ticket."""
from datetime import datetime, timedelta, timezone

from tests.browser.conftest import browser_login
from tests.conftest import TEST_PASSWORD
from tests.browser.test_tickets import _member_in_a_wg
from tracker.extensions import db

SHOTS = "/tmp/shots-search"


def _tickets(server):
    from sqlalchemy import select

    from tracker.accounts.models import User
    from tracker.tickets.models import IssuePriority, IssueStatus, Ticket, Tracker
    from tracker.tickets.services import reindex
    from tracker.wg.models import WorkingGroup

    with server.app.app_context():
        author = db.session.scalar(select(User).where(User.login == "izumi"))
        wg = db.session.scalar(select(WorkingGroup).where(WorkingGroup.identifier == "mynumber-card"))
        common = {"wg": wg, "author": author, "tracker": db.session.scalar(select(Tracker)),
                  "status": db.session.scalar(select(IssueStatus).where(IssueStatus.is_closed.is_(False))),
                  "priority": db.session.scalar(select(IssuePriority))}
        start = datetime(2026, 4, 1, tzinfo=timezone.utc)
        made = []
        for n, (subject, description) in enumerate([
            ("出張申請の受付体制", "窓口の人員を確保する"),
            ("窓口予約システムの導入", "出張申請は対象外"),
            ("出張申請の拡充", "22日間で約2,600人を受付"),
        ]):
            ticket = Ticket(subject=subject, description=description, created_at=start + timedelta(days=n), **common)
            db.session.add(ticket)
            db.session.flush()
            reindex(ticket)
            made.append(ticket.id)
        db.session.commit()
        return made


def test_search_newest_first_any_word_titles_only_and_jump(live_server, page):
    _member_in_a_wg(live_server)
    first, second, newest = _tickets(live_server)
    browser_login(page, live_server, "izumi", TEST_PASSWORD)
    page.goto(f"{live_server.url}/search")
    page.fill("#search-q", "出張申請")
    with page.expect_navigation():
        page.click("form.search-form button[type=submit]")
    links = page.locator("ol.search-results li.hit-ticket > a")
    assert links.count() == 3 and f"#{newest}" in links.nth(0).inner_text()  # newest first
    assert "3" in page.inner_text("p[role=status]")
    page.screenshot(path=f"{SHOTS}/newest-first.png", full_page=True)

    page.fill("#search-q", "出張申請 予約")
    with page.expect_navigation():
        page.click("form.search-form button[type=submit]")
    assert page.locator("ol.search-results li.hit-ticket").count() == 1  # every word: only the second ticket
    page.uncheck("input[name=all_words][type=checkbox]")
    with page.expect_navigation():
        page.click("form.search-form button[type=submit]")
    assert page.locator("ol.search-results li.hit-ticket").count() == 3  # any word
    assert not page.is_checked("input[name=all_words][type=checkbox]")  # the choice is kept

    page.fill("#search-q", "出張申請")
    page.check("input[name=all_words][type=checkbox]")
    page.check("input[name=titles_only]")
    with page.expect_navigation():
        page.click("form.search-form button[type=submit]")
    titles = page.inner_text("ol.search-results")
    assert "窓口予約システム" not in titles and "出張申請の拡充" in titles
    page.screenshot(path=f"{SHOTS}/titles-only.png", full_page=True)

    page.fill("#search-q", f"#{first}")
    with page.expect_navigation():
        page.click("form.search-form button[type=submit]")
    assert page.url.endswith(f"/issues/{first}")
