"""履歴 in a real browser: a WG leader edits a risk whose description has line breaks (Chromium sends them as
CRLF), changes one field, and the history shows exactly that change; saving again unchanged adds nothing."""
from datetime import date
from urllib.parse import unquote_plus

from tests.browser.conftest import browser_login
from tests.conftest import TEST_PASSWORD
from tests.factories import Factories
from tracker.extensions import db
from tracker.risks.services import save_risk


def _risk(server) -> str:
    with server.app.app_context():
        make = Factories(db)
        leader = make.user(login="takahashi", name="高橋 誠")
        wg = make.wg(identifier="online-procedures", name="行政手続オンライン化WG", members={leader: "WG責任者"})
        risk = save_risk(leader, None, wg, title="職員の抵抗感", category="organisational", probability=2, impact=3,
                         response="mitigate", next_review=date(2026, 12, 1),
                         description="紙の申請に慣れている\n窓口の負担が一時的に増える")
        db.session.commit()
        return f"{server.url}/projects/{wg.identifier}/risks/{risk.id}"


def _save(page):
    with page.expect_request(lambda r: r.method == "POST") as posted:
        with page.expect_navigation():
            page.click("form.grid2 button.primary")
    return unquote_plus(posted.value.post_data)


def test_editing_one_field_shows_exactly_that_change_and_an_unchanged_save_adds_nothing(live_server, page):
    edit = _risk(live_server)
    browser_login(page, live_server, "takahashi", TEST_PASSWORD)
    page.goto(edit)
    entries = page.locator("section.history ol.history-entries > li")
    assert entries.count() == 1  # created

    page.check("input[name=probability][value=\"4\"]")  # the 1-5 picker
    sent = _save(page)
    assert "紙の申請に慣れている\r\n窓口の負担が一時的に増える" in sent  # the browser's line endings
    assert "保存しました" in page.inner_text(".flashes")

    page.goto(edit)
    assert entries.count() == 2
    latest = entries.first  # newest first
    assert "高橋 誠" in latest.inner_text()
    changes = latest.locator("ul li")
    assert changes.count() == 1
    assert changes.first.locator("del").inner_text() == "2" and changes.first.locator("ins").inner_text() == "4"
    page.locator("section.history").screenshot(path="/tmp/history_risk.png")
    page.screenshot(path="/tmp/history_risk_page.png", full_page=True)

    _save(page)  # nothing changed, CRLF again
    page.goto(edit)
    assert entries.count() == 2
