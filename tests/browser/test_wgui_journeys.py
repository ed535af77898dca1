"""Journeys of issue 14 in Chromium, each as the role who does it:

- staff post an idea: the similar posts appear while typing and before saving, the same title twice needs a
  confirmation, and a colleague votes from the list;
- the section that asked for help sees candidates lacking a required skill listed apart, on one 適合度 scale;
- the DX office reads a KPI chart (legend, fiscal years) and its table, and the quarterly grid;
- an administrator finds every admin page on /admin, deactivates a user through a confirmation page, and sees
  role permissions grouped by feature.
"""
from __future__ import annotations

import os
from datetime import date

from sqlalchemy import select

from tests.browser.conftest import browser_login
from tests.conftest import TEST_PASSWORD
from tests.factories import Factories
from tracker.extensions import db

SHOTS = "/tmp/shots-wgui"


def _shot(page, name: str) -> None:
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_staff_see_similar_posts_confirm_a_duplicate_and_vote_from_the_list(live_server, browser):
    with live_server.app.app_context():
        make = Factories(db)
        make.user(login="akita", name="秋田 花子")
        make.user(login="noshiro", name="能代 次郎")
        make.idea(title="窓口のオンライン予約システム導入", category="service")
        db.session.commit()
    author = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900}).new_page()
    browser_login(author, live_server, "akita", TEST_PASSWORD)
    author.goto(f"{live_server.url}/ideas/new?kind=idea")
    author.fill("input[name=title]", "窓口のオンライン予約システム導入")
    author.locator("#similar-ideas li").first.wait_for()  # the script's debounced look-up, while typing
    assert "重複の可能性があります" in author.inner_text("#similar-ideas")
    author.fill("textarea[name=body]", "予約で待ち時間をなくす")
    with author.expect_navigation():
        author.click("button[value=publish]")
    _shot(author, "ideas-duplicate")
    assert "同じ件名の投稿がすでにあります" in author.inner_text("body")
    assert author.input_value("textarea[name=body]") == "予約で待ち時間をなくす"
    author.check("#confirm_duplicate")
    with author.expect_navigation():
        author.click("button[value=publish]")
    assert "投稿しました" in author.inner_text("body")

    voter = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900}).new_page()
    browser_login(voter, live_server, "noshiro", TEST_PASSWORD)
    voter.goto(f"{live_server.url}/ideas?sort=newest")
    first = voter.locator(".idea-item").first
    with voter.expect_navigation():
        first.locator("button:has-text('投票')").click()
    _shot(voter, "ideas-voted-from-list")
    assert "/ideas?sort=newest" in voter.url  # back on the list
    first = voter.locator(".idea-item").first
    assert first.locator(".idea-votes strong").inner_text() == "1"
    assert "投票済み" in first.inner_text()


def test_the_requesting_section_sees_candidates_lacking_a_required_skill_apart(live_server, page):
    with live_server.app.app_context():
        make = Factories(db)
        analysis, stats = make.skill("データ分析"), make.skill("統計")
        requester = make.user(login="yachida", name="谷田 課長")
        make.wg(identifier="public-private-data", members={requester: "WG責任者"})
        request = make.help_request(requester, needs={analysis: (3, 3), stats: (2, 1)}, time_share=10)
        make.profile(make.user(name="山崎 悠斗"), skills={analysis: 4}, willing_to_help=True, time_share=10)
        make.profile(make.user(name="森 由紀子"), skills={stats: 5}, willing_to_help=True, time_share=50)
        db.session.commit()
        request_id = request.id
    browser_login(page, live_server, "yachida", TEST_PASSWORD)
    page.goto(f"{live_server.url}/talent/requests/{request_id}")
    _shot(page, "talent-candidates")
    assert "山崎 悠斗" in page.inner_text("#candidates-suitable")
    assert "森 由紀子" in page.inner_text("#candidates-lacking") and "森 由紀子" not in page.inner_text("#candidates-suitable")
    assert "適合度は" in page.inner_text("#fit-explained")
    assert page.locator(".talent-tabs a[aria-current=page]").inner_text() == "応援依頼"
    fits = page.locator(".fit strong").all_inner_texts()
    assert fits and all(f.endswith("%") and 0 <= int(f[:-1]) <= 100 for f in fits)


def test_the_dx_office_reads_a_kpi_chart_and_the_quarterly_grid(live_server, page):
    from tracker.kpi.models import KpiMeasurement
    from tracker.quarterly.services import save_entry

    with live_server.app.app_context():
        make = Factories(db)
        make.user(login="dx", name="DX推進担当", org_roles=["dx_office"])
        kpi = make.kpi(name="市民の90%がマイナンバーカードを保有する", target_value=90, baseline_value=30,
                       baseline_date=date(2025, 4, 1), target_fiscal_year=2026)
        db.session.add(KpiMeasurement(kpi_id=kpi.id, value=45, as_of=date(2026, 1, 1)))
        wg = make.wg(name="廃プラスチック類のリサイクルWG")
        for initiative in ("HP検索機能拡充", "マッチングの試行"):
            save_entry(None, wg, initiative=initiative, fiscal_year=2026, quarter=1, target="検討",
                       today=date(2026, 11, 22))
        db.session.commit()
        kpi_id = kpi.id
    browser_login(page, live_server, "dx", TEST_PASSWORD)
    page.goto(f"{live_server.url}/kpis/{kpi_id}")
    chart = page.locator("svg.kpi-chart")
    texts = chart.locator("text").all_text_contents()
    assert "実績" in texts and "目標ライン" in texts and "2025年度" in texts and "2026年度" in texts
    page.click("text=グラフの数値（表）")
    _shot(page, "kpi-chart")
    assert "2026年1月1日" in page.inner_text("#kpi-chart-data")
    page.goto(f"{live_server.url}/quarterly?year=2026")
    _shot(page, "quarterly-grid")
    assert page.locator("th.wg-cell").count() == 1
    assert page.locator("th.wg-cell").get_attribute("rowspan") == "4"


def test_an_administrator_uses_the_admin_home_and_confirms_a_deactivation(live_server, page):
    from tracker.accounts.models import User

    with live_server.app.app_context():
        make = Factories(db)
        make.admin(login="admin", name="システム管理者")
        make.user(login="sato", name="佐藤 花子")
        db.session.commit()
    browser_login(page, live_server, "admin", TEST_PASSWORD)
    page.click("nav >> text=管理")
    _shot(page, "admin-home")
    assert page.url.endswith("/admin")
    for title in ("ユーザー", "ロールと権限", "監査ログ", "メール送信キュー"):
        assert page.locator(f".admin-home h2:has-text('{title}')").count() == 1, title
    page.click(".admin-home >> text=ユーザー")
    with page.expect_navigation():
        page.locator("tr:has-text('sato') button:has-text('無効にする')").click()
    _shot(page, "admin-deactivate-confirm")
    assert "佐藤 花子（sato）を無効にしますか？" in page.inner_text("h1")
    with live_server.app.app_context():
        assert db.session.scalar(select(User.active).where(User.login == "sato")) is True
    with page.expect_navigation():
        page.click(".confirm-step button.danger")
    assert "無効にしました" in page.inner_text("body")
    with live_server.app.app_context():
        assert db.session.scalar(select(User.active).where(User.login == "sato")) is False
    page.goto(f"{live_server.url}/roles/new")
    _shot(page, "admin-role-form")
    legends = page.locator("fieldset.permission-group legend").all_inner_texts()
    assert {"WG", "チケット", "定例会", "リスク"} <= set(legends)
