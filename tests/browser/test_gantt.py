"""The Gantt chart, the portfolio timeline and a roadmap in a real browser: drag a bar and see its followers
move and the journal record it; zoom; the DX office opens the timeline and clicks through to a WG; a
milestone's burndown. Screenshots go to /tmp/shots-gantt/."""
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import select

from tests.browser.conftest import browser_login
from tests.conftest import TEST_PASSWORD
from tests.factories import Factories
from tracker.accounts.models import OrgRole
from tracker.charter.models import GateDecision
from tracker.extensions import db
from tracker.tickets.models import Ticket, TicketRelation, Version

SHOTS = Path("/tmp/shots-gantt")
RANGE = "from=2026-03-01&to=2026-07-31"


def _plan(server):
    with server.app.app_context():
        make = Factories(db)
        leader = make.user(login="mori", name="森 健一")
        make.user(login="dx-office", name="情報政策課 佐藤", org_roles=[OrgRole.DX_OFFICE])
        wg = make.wg(identifier="madoguchi", name="窓口DX WG", members={leader: "WG責任者"})
        wg.created_at = datetime(2026, 3, 2, tzinfo=timezone.utc)
        charter = make.charter(wg, phase="planning")
        db.session.add(GateDecision(wg_id=wg.id, from_phase="launch", to_phase="planning", decision="go",
                                    decided_at=datetime(2026, 4, 20, 3, tzinfo=timezone.utc)))
        version = Version(wg_id=wg.id, name="書かない窓口 第1期", effective_date=date(2026, 6, 30),
                          created_at=datetime(2026, 4, 1, tzinfo=timezone.utc))
        db.session.add(version)
        db.session.flush()
        tickets = {}
        for name, start, due in (("現状の手続き調査", (4, 1), (4, 10)), ("申請書様式の統一", (4, 13), (4, 30)),
                                 ("窓口システムの試行", (5, 1), (5, 22)), ("職員向け説明会", (4, 6), (6, 12))):
            tickets[name] = make.ticket(wg=wg, author=leader, subject=name, start_date=date(2026, *start),
                                        due_date=date(2026, *due), fixed_version_id=version.id, done_ratio=30,
                                        created_at=datetime(2026, 4, 1, tzinfo=timezone.utc))
        ids = [t.id for t in tickets.values()]
        db.session.add_all([
            TicketRelation(issue_from_id=ids[0], issue_to_id=ids[1], relation_type="precedes", delay=2),
            TicketRelation(issue_from_id=ids[1], issue_to_id=ids[2], relation_type="precedes", delay=0),
        ])
        assert charter is not None
        db.session.commit()
        return ids, version.id


def _shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def test_drag_a_bar_and_its_followers_move_and_the_journal_records_it(live_server, page):
    ids, _version = _plan(live_server)
    browser_login(page, live_server, "mori", TEST_PASSWORD)
    page.goto(f"{live_server.url}/projects/madoguchi/gantt?{RANGE}")
    _shot(page, "gantt-month.png")
    assert page.locator("a[href='/projects/madoguchi/gantt'][aria-current]").count() == 1  # the WG tab
    bar = page.locator(f"g.bar[data-id='{ids[0]}']")
    assert "critical" in bar.get_attribute("class")
    box = bar.bounding_box()
    px = float(page.locator("svg.gantt-chart").get_attribute("data-px-per-day"))
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 2 * px, box["y"] + box["height"] / 2, steps=4)
    with page.expect_response(lambda r: r.url.endswith(f"/gantt/issues/{ids[0]}/schedule")) as answer:
        page.mouse.move(box["x"] + box["width"] / 2 + 5 * px, box["y"] + box["height"] / 2, steps=4)
        page.mouse.up()
    assert answer.value.status == 200
    page.wait_for_selector(".gantt[data-synced]")
    # 現状の手続き調査 moved 5 days (ends 4/15); 申請書様式の統一 follows 2 days later; 窓口システムの試行 right after.
    assert bar.get_attribute("data-due") == "2026-04-15"
    assert page.locator(f"g.bar[data-id='{ids[1]}']").get_attribute("data-start") == "2026-04-18"
    assert page.locator(f"g.bar[data-id='{ids[2]}']").get_attribute("data-start") == "2026-05-06"
    assert f"#{ids[1]}" in page.inner_text("#gantt-status")
    _shot(page, "gantt-after-drag.png")
    page.reload()  # the server draws the new dates too
    assert page.locator(f"g.bar[data-id='{ids[1]}']").get_attribute("data-start") == "2026-04-18"

    page.goto(f"{live_server.url}/issues/{ids[1]}")
    journal = page.inner_text("#history, .journals, main")
    assert "2026年4月18日" in journal or "2026-04-18" in journal
    with live_server.app.app_context():
        assert db.session.get(Ticket, ids[1]).start_date == date(2026, 4, 18)


def test_the_assignee_of_a_follower_reads_that_its_dates_moved(live_server, page, browser):
    """The leader drags a bar; the person assigned to the follower it pushes finds it in their notifications."""
    ids, _version = _plan(live_server)
    with live_server.app.app_context():
        make = Factories(db)
        assignee = make.user(login="ueda", name="上田 彩")
        follower = db.session.get(Ticket, ids[1])
        make.member(follower.wg, assignee, roles="メンバー")
        follower.assigned_to_id = assignee.id
        db.session.commit()
    browser_login(page, live_server, "mori", TEST_PASSWORD)
    page.goto(f"{live_server.url}/projects/madoguchi/gantt?{RANGE}")
    box = page.locator(f"g.bar[data-id='{ids[0]}']").bounding_box()
    px = float(page.locator("svg.gantt-chart").get_attribute("data-px-per-day"))
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    with page.expect_response(lambda r: r.url.endswith(f"/gantt/issues/{ids[0]}/schedule")) as answer:
        page.mouse.move(box["x"] + box["width"] / 2 + 5 * px, box["y"] + box["height"] / 2, steps=8)
        page.mouse.up()
    assert answer.value.status == 200

    other = browser.new_context(locale="ja-JP").new_page()
    browser_login(other, live_server, "ueda", TEST_PASSWORD)
    other.goto(f"{live_server.url}/my/notifications")
    listed = other.inner_text("main")
    assert f"#{ids[1]} 申請書様式の統一" in listed and "森 健一" in listed
    _shot(other, "gantt-follower-notified.png")
    other.click(f"text=#{ids[1]} 申請書様式の統一")
    assert f"/issues/{ids[1]}" in other.url


def test_zoom_by_week_and_quarter(live_server, page):
    ids, _version = _plan(live_server)
    browser_login(page, live_server, "mori", TEST_PASSWORD)
    page.goto(f"{live_server.url}/projects/madoguchi/gantt?{RANGE}")
    # the keyboard's way of dragging: on the ticket's name, Alt+→ moves it by a day
    page.focus(f"svg.gantt-labels a:has(text[data-id='{ids[3]}'])")
    with page.expect_response(lambda r: r.url.endswith(f"/gantt/issues/{ids[3]}/schedule")) as answer:
        page.keyboard.press("Alt+ArrowRight")
    assert answer.value.status == 200
    page.wait_for_selector(".gantt[data-synced]")
    assert page.locator(f"g.bar[data-id='{ids[3]}']").get_attribute("data-start") == "2026-04-07"
    page.click("nav.zooms a[href*='zoom=week']")
    assert page.locator("svg.gantt-chart.zoom-week").count() == 1
    assert page.locator("rect.holiday[data-date='2026-04-29']").count() == 1  # 昭和の日
    assert "2026年度（令和8年度）" in page.inner_text(".gantt-right")
    _shot(page, "gantt-week.png")
    page.click("nav.zooms a[href*='zoom=quarter']")
    assert page.locator("svg.gantt-chart.zoom-quarter").count() == 1
    _shot(page, "gantt-quarter.png")
    page.emulate_media(media="print")
    _shot(page, "gantt-print.png")
    assert not page.locator(".gantt-filters").is_visible()


def test_the_dx_office_opens_the_portfolio_timeline_and_a_wg(live_server, page):
    _plan(live_server)
    browser_login(page, live_server, "dx-office", TEST_PASSWORD)
    page.goto(f"{live_server.url}/")
    with page.expect_navigation():
        page.click("nav.mainnav a[href='/portfolio/timeline']")
    page.goto(f"{live_server.url}/portfolio/timeline?fiscal_year=2025")
    assert page.locator("a.wg-row[data-wg='madoguchi'] g.phase-planning").count() == 1
    assert page.locator("a.wg-row[data-wg='madoguchi'] g.gate-go").count() == 1
    _shot(page, "portfolio-timeline.png")
    with page.expect_navigation():
        page.click("a.wg-row[data-wg='madoguchi'] text.wg-name")
    assert page.url.endswith("/projects/madoguchi")


def test_a_roadmap_with_its_burndown(live_server, page):
    _ids, version_id = _plan(live_server)
    browser_login(page, live_server, "mori", TEST_PASSWORD)
    page.goto(f"{live_server.url}/projects/madoguchi/roadmap")
    with page.expect_navigation():
        page.click("text=書かない窓口 第1期")
    assert page.url.endswith(f"/versions/{version_id}/roadmap")
    assert page.locator("svg.burndown polyline.actual").count() == 1
    assert page.locator("svg.burndown polyline.ideal").count() == 1
    assert "申請書様式の統一" in page.inner_text(".roadmap-tracker")
    _shot(page, "roadmap.png")
    # across WGs, from the top navigation
    with page.expect_navigation():
        page.click("nav.mainnav a[href='/roadmap']")
    assert page.locator(f"#version-{version_id} .badge.late").count() == 1  # its date has passed with open tickets
    _shot(page, "roadmap-all.png")
    with page.expect_navigation():
        page.click("nav.mainnav a[href='/gantt']")
    page.goto(f"{live_server.url}/gantt?{RANGE}")
    assert page.locator("svg.gantt-labels text.wg-name", has_text="窓口DX WG").count() == 1
    _shot(page, "gantt-all.png")


def test_a_roadmap_milestone_opens_in_place_to_its_tickets(live_server, page):
    ids, version_id = _plan(live_server)
    browser_login(page, live_server, "mori", TEST_PASSWORD)
    page.goto(f"{live_server.url}/projects/madoguchi/roadmap")
    button = page.locator(f"#version-{version_id} button.roadmap-expand")
    assert button.get_attribute("aria-expanded") == "false"
    with page.expect_response(lambda r: f"/api/v1/versions/{version_id}/roadmap" in r.url) as answer:
        button.click()
    assert answer.value.ok
    region = page.locator(f"#version-{version_id}-tickets")
    region.locator("li").first.wait_for()
    assert button.get_attribute("aria-expanded") == "true"
    assert page.url.endswith("/projects/madoguchi/roadmap")  # opened in place
    assert region.locator(f"a[href='/issues/{ids[1]}']").inner_text() == f"#{ids[1]} 申請書様式の統一"
    assert region.locator("li").count() == 4
    assert "2026年4月30日" in region.inner_text()  # its due date, as the server writes dates
    assert region.locator("time.overdue").count() == 4  # all four are open and past their dates
    _shot(page, "roadmap-expanded.png")
    button.click()
    assert button.get_attribute("aria-expanded") == "false" and not region.is_visible()


def test_the_burndown_switches_to_hours_and_reads_out_a_day_without_reloading(live_server, page):
    _ids, version_id = _plan(live_server)
    browser_login(page, live_server, "mori", TEST_PASSWORD)
    with page.expect_response(lambda r: r.url.endswith(f"/api/v1/versions/{version_id}/roadmap")) as answer:
        page.goto(f"{live_server.url}/versions/{version_id}/roadmap")
    assert answer.value.ok
    page.wait_for_selector(".burndown-chart[data-ready]")
    page.evaluate("() => { window.notReloaded = true; }")
    tickets_title = page.text_content("svg.burndown title#burndown-title")
    page.click("a[data-mode='hours']")
    assert page.evaluate("() => window.notReloaded === true")
    assert page.url.endswith("?mode=hours")
    assert page.locator("a[data-mode='hours'][aria-current]").count() == 1
    assert page.text_content("svg.burndown title#burndown-title") != tickets_title
    assert page.locator("svg.burndown polyline.actual").count() == 1
    page.click("a[data-mode='tickets']")
    # the first day, from the keyboard: all four tickets open, on the ideal line
    page.focus("input.burndown-day")
    page.keyboard.press("Home")
    readout = page.inner_text("output.burndown-output")
    assert readout.startswith("2026年4月1日") and " 4" in readout
    assert page.locator("svg.burndown .cursor-line[visibility='visible']").count() == 1
    _shot(page, "roadmap-burndown-readout.png")


def test_the_dx_office_filters_the_portfolio_timeline(live_server, page):
    _plan(live_server)
    with live_server.app.app_context():
        make = Factories(db)
        make.wg(identifier="bousai", name="防災情報WG")
        db.session.commit()
    browser_login(page, live_server, "dx-office", TEST_PASSWORD)
    with page.expect_response(lambda r: "/api/v1/portfolio/timeline" in r.url) as answer:
        page.goto(f"{live_server.url}/portfolio/timeline?fiscal_year=2025")
    assert answer.value.ok
    page.wait_for_selector(".timeline-wrap[data-ready]")
    assert page.locator("a.wg-row:visible").count() == 2
    page.fill(".timeline-filter input[name=text]", "防災")
    assert page.locator("a.wg-row:visible").count() == 1
    assert page.locator("a.wg-row[data-wg='bousai']").is_visible()
    assert page.inner_text(".timeline-count") == "2件中1件のWGを表示"
    page.fill(".timeline-filter input[name=text]", "")
    page.select_option(".timeline-filter select[name=phase]", "planning")  # 窓口DX WG passed its first gate
    assert page.locator("a.wg-row:visible").count() == 1
    assert page.locator("a.wg-row[data-wg='madoguchi']").is_visible()
    _shot(page, "portfolio-timeline-filtered.png")
    with page.expect_navigation():
        page.click("a.wg-row[data-wg='madoguchi'] text.wg-name")  # the row left is where it now is, and still opens
    assert page.url.endswith("/projects/madoguchi")
