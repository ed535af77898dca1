"""The WG home as a leader and as a plain member would see it: the phase stepper, the next gate's ✓/✗ list,
ticket counts that link to the same filter on the list (private tickets counted only for who may see them),
the next meeting, KPIs with sparklines, recent activity and members."""
from __future__ import annotations

import os
from datetime import date, timedelta

from tests.browser.conftest import browser_login
from tests.browser.test_journeys import _demo_like_wg
from tests.conftest import TEST_PASSWORD
from tests.factories import Factories
from tracker.extensions import db

SHOTS = "/tmp/shots-wgui"


def _shot(page, name: str) -> None:
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _with_tickets_and_a_meeting(server, wg_id):
    from tracker.meetings.models import Meeting
    from tracker.wg.models import WorkingGroup

    with server.app.app_context():
        make = Factories(db)
        wg = db.session.get(WorkingGroup, wg_id)
        izumi = next(m.user for m in wg.members if m.user.login == "izumi")
        make.ticket(wg=wg, author=izumi, subject="出張申請受付の会場調整", due_date=date.today() - timedelta(days=3))
        make.ticket(wg=wg, author=izumi, subject="周知チラシの作成", due_date=date.today() + timedelta(days=10))
        make.ticket(wg=wg, author=next(m.user for m in wg.members if m.user.login == "honma"), subject="非公開の人事調整", is_private=True)
        db.session.add(Meeting(wg_id=wg.id, title="第5回定例会", held_on=date.today() + timedelta(days=7), location="本庁舎3階会議室"))
        db.session.commit()


def test_a_leader_sees_the_wg_home_as_a_dashboard(live_server, page):
    wg_id = _demo_like_wg(live_server)
    _with_tickets_and_a_meeting(live_server, wg_id)
    browser_login(page, live_server, "izumi", TEST_PASSWORD)
    page.goto(f"{live_server.url}/projects/mynumber-card")
    _shot(page, "dashboard-leader")
    steps = page.locator("ol.phase-stepper li").all_inner_texts()
    assert [s.split()[-1] for s in steps] == ["立ち上げ", "プランニング", "実行", "終了"]
    assert page.locator("ol.phase-stepper li[aria-current=step]").inner_text().endswith("立ち上げ")
    checklist = page.locator("#overview-gate-checklist")
    assert "✓" in checklist.locator("li:has-text('事業の目的')").inner_text()
    assert "✗" in checklist.locator("li:has-text('予算')").inner_text()
    tiles = {t.locator(".stat-label").inner_text(): t for t in page.locator(".stat-tiles li").all()}
    assert tiles["未完了"].locator(".stat-count").inner_text() == "3"  # a WG leader sees the private one too
    assert tiles["期限切れ"].locator(".stat-count").inner_text() == "1"
    tiles["期限切れ"].locator("a").click()
    page.wait_for_load_state()
    assert "出張申請受付の会場調整" in page.inner_text("body") and "周知チラシの作成" not in page.inner_text("body")
    page.go_back()
    assert "第5回定例会" in page.inner_text(".overview-meeting")
    assert "周知チラシの作成" in page.inner_text(".overview-activity")
    assert "茂木 係長" in page.inner_text("body")
    # staff outside the WG (it is public) count and see only the tickets they may see
    with live_server.app.app_context():
        Factories(db).user(login="suzuki", name="鈴木 職員")
        db.session.commit()
    page.context.clear_cookies()
    browser_login(page, live_server, "suzuki", TEST_PASSWORD)
    page.goto(f"{live_server.url}/projects/mynumber-card")
    _shot(page, "dashboard-staff")
    assert page.locator(".stat-tiles li").first.locator(".stat-count").inner_text() == "2"
    assert "非公開の人事調整" not in page.inner_text("body")
    assert "✗" in page.locator("#overview-gate-checklist li:has-text('判断')").inner_text()


def test_a_stopped_wg_shows_stopped_in_the_stepper(live_server, page):
    from tracker.charter.services import charter_for
    from tracker.wg.models import WorkingGroup

    wg_id = _demo_like_wg(live_server)
    with live_server.app.app_context():
        charter = charter_for(db.session.get(WorkingGroup, wg_id))
        charter.phase, charter.stop_reason = "stopped", "効果が見込めないため"
        db.session.commit()
    browser_login(page, live_server, "kato", TEST_PASSWORD)
    page.goto(f"{live_server.url}/projects/mynumber-card")
    _shot(page, "dashboard-stopped")
    assert page.locator("ol.phase-stepper li[aria-current=step]").inner_text().endswith("中止")
    assert "効果が見込めないため" in page.inner_text(".overview-phase")
    assert page.locator("#overview-gate-checklist").count() == 0
