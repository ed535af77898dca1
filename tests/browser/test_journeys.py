"""Three journeys in a real browser (Chromium sends textareas with CRLF, as every browser does):

- a member writes only a note on a ticket whose description has line breaks: the note is journaled, the
  description is not ("説明を更新" does not appear), the ticket's version goes up by one;
- a WG leader edits the charter of a WG set up like the demo, saves, sees the saved values and one entry in its
  history (saving again unchanged adds none); after a refused save everything typed is still in the form;
- the gate form offers a WG leader only what they may decide, with the checklist of what is missing; a hold
  shows as staying in the phase; a plain member sees the checklist and no form.
"""
from __future__ import annotations

import os

from sqlalchemy import select

from tests.browser.conftest import browser_login
from tests.conftest import TEST_PASSWORD
from tests.factories import Factories
from tracker.extensions import db

SHOTS = "/tmp/shots-wgui"


def _shot(page, name: str) -> None:
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _demo_like_wg(server):
    """The マイナンバーカード WG as the demo has it: two final responsible people, two leaders, a charter."""
    from tracker.charter.models import CharterPerson

    with server.app.app_context():
        make = Factories(db)
        honma = make.user(login="honma", name="本間 課長", name_kana="ほんま")
        yachida = make.user(login="yachida", name="谷田 課長", name_kana="やちだ")
        izumi = make.user(login="izumi", name="泉 由美", name_kana="いずみ")
        mogi = make.user(login="mogi", name="茂木 係長", name_kana="もぎ")
        member = make.user(login="kato", name="加藤 職員", name_kana="かとう")
        wg = make.wg(identifier="mynumber-card", name="マイナンバーカード普及・活用WG",
                     members={izumi: "WG責任者", mogi: "WG責任者", member: "メンバー", honma: "メンバー"})
        make.section(name="市民課")
        charter = make.charter(wg, purpose="①カードの普及促進と②カードの利活用を両輪で推進する。",
                               nature="- 未知（正解がない）の取り組みであること\n- これまでの取り組み実績があること")
        charter.people = [
            CharterPerson(user_id=honma.id, user=honma, kind="responsible", area="①普及促進"),
            CharterPerson(user_id=yachida.id, user=yachida, kind="responsible", area="②利活用"),
            CharterPerson(user_id=izumi.id, user=izumi, kind="leader", area="①普及促進"),
            CharterPerson(user_id=mogi.id, user=mogi, kind="leader", area="②利活用"),
        ]
        db.session.commit()
        return wg.id


# -- 1. a note only ----------------------------------------------------------------------------------

def test_a_note_on_a_multi_line_ticket_records_only_the_note(live_server, page):
    from tracker.tickets import services
    from tracker.tickets.models import Ticket, Tracker

    with live_server.app.app_context():
        make = Factories(db)
        member = make.user(login="izumi", name="泉 由美")
        wg = make.wg(identifier="mynumber-card", name="マイナンバーカード普及・活用WG", members={member: "メンバー"})
        tracker_id = db.session.scalar(select(Tracker.id).order_by(Tracker.position).limit(1))
        ticket = services.create_ticket(member, wg, {
            "subject": "出張申請の拡充", "tracker_id": tracker_id,
            "description": "出張申請にかかる人員やノウハウが不足している。\n\n- 人員の確保\n- 手順書の整備"})
        db.session.commit()
        ticket_id, version = ticket.id, ticket.lock_version

    browser_login(page, live_server, "izumi", TEST_PASSWORD)
    page.goto(f"{live_server.url}/issues/{ticket_id}/edit")
    page.fill("textarea[name=notes]", "手順書の案を共有しました。\n次回の定例会で確認します。")
    with page.expect_navigation():
        page.click("button.primary")
    _shot(page, "journeys-ticket-note")
    assert "手順書の案を共有しました。" in page.inner_text("body")
    assert "説明を更新" not in page.inner_text("body")
    with live_server.app.app_context():
        stored = db.session.get(Ticket, ticket_id)
        assert stored.lock_version == version + 1
        assert "\r" not in stored.description and "\r" not in stored.journals[-1].notes
        assert [d.prop_key for d in stored.journals[-1].details] == []
        db.session.remove()


# -- 2. the charter edit page ------------------------------------------------------------------------

def test_a_wg_leader_edits_and_saves_the_charter(live_server, page):
    _demo_like_wg(live_server)
    browser_login(page, live_server, "izumi", TEST_PASSWORD)
    page.goto(f"{live_server.url}/projects/mynumber-card/charter/edit")
    page.fill("textarea[name=purpose]", "①カードの普及促進と②カードの利活用を両輪で推進し、\n市民の利便性を向上させる。")
    page.fill("textarea[name=schedule]", "- R4年度末：交付円滑化計画の期限到来")
    page.fill("input[name=criterion-description-0]", "KPI（交付円滑化計画に定める目標値）の達成")
    page.fill("input[name=criterion-target-0]", "市民の90%がカードを保有")
    page.fill("input[name=milestone-title-0]", "現交付円滑化計画の期限到来")
    page.fill("input[name=milestone-due_date-0]", "2027-03-31")
    page.fill("input[name=budget-source-0]", "個人番号カード交付事務費補助金")
    page.fill("input[name=budget-amount-0]", "1,200,000")
    page.fill("input[name=budget-note-0]", "市民課")
    page.check("text=市民課")
    with page.expect_navigation():
        page.click("button.primary")
    _shot(page, "journeys-charter-saved")
    assert "重要事項を保存しました。" in page.inner_text("body")
    charter = page.inner_text("table.charter")
    assert "市民の利便性を向上させる。" in charter
    assert "個人番号カード交付事務費補助金 ¥1,200,000" in charter
    assert "現交付円滑化計画の期限到来" in charter and "市民の90%がカードを保有" in charter
    assert "本間 課長（①普及促進）" in charter and "茂木 係長（②利活用）" in charter  # the people kept
    assert "市民課" in charter
    history = page.locator("section.history ol.history-entries > li")
    assert history.count() == 1 and "市民の利便性を向上させる。" in history.first.inner_text()
    # saving the page again as it is (the browser sends every textarea with CRLF) records nothing
    page.goto(f"{live_server.url}/projects/mynumber-card/charter/edit")
    with page.expect_navigation():
        page.click("button.primary")
    _shot(page, "journeys-charter-history")
    assert page.locator("section.history ol.history-entries > li").count() == 1


def test_a_refused_charter_save_keeps_everything_typed(live_server, page):
    _demo_like_wg(live_server)
    browser_login(page, live_server, "izumi", TEST_PASSWORD)
    page.goto(f"{live_server.url}/projects/mynumber-card/charter/edit")
    page.fill("textarea[name=background]", "交付：1日に交付できる枚数には限界がある（200枚程度）")
    page.fill("input[name=budget-source-0]", "マイナポイント事業費補助金")
    page.fill("input[name=budget-amount-0]", "二百万円")  # not a number
    page.fill("input[name=milestone-title-0]", "マイタケ利用の一本化")
    page.fill("input[name=milestone-due_date-0]", "2026-04-01")
    spare = page.locator("select[name=person-user-4]")  # the first spare row after the four people
    spare.select_option(label="加藤 職員")
    page.select_option("select[name=person-kind-4]", "leader")
    page.fill("input[name=person-area-4]", "③周知")
    with page.expect_navigation():
        page.click("button.primary")
    _shot(page, "journeys-charter-refused")
    assert "予算額は円単位の整数で入力してください。" in page.inner_text("body")
    assert page.input_value("textarea[name=background]") == "交付：1日に交付できる枚数には限界がある（200枚程度）"
    budget_row = [page.input_value(f"input[name=budget-{f}-0]") for f in ("source", "amount")]
    assert budget_row == ["マイナポイント事業費補助金", "二百万円"]
    assert page.input_value("input[name=milestone-title-0]") == "マイタケ利用の一本化"
    assert page.input_value("input[name=milestone-due_date-0]") == "2026-04-01"
    assert page.locator("select[name=person-user-4] option:checked").inner_text() == "加藤 職員"
    assert page.input_value("select[name=person-kind-4]") == "leader"
    assert page.input_value("input[name=person-area-4]") == "③周知"
    # corrected, it saves
    page.fill("input[name=budget-amount-0]", "2000000")
    with page.expect_navigation():
        page.click("button.primary")
    assert "加藤 職員（③周知）" in page.inner_text("table.charter")
    assert "マイナポイント事業費補助金 ¥2,000,000" in page.inner_text("table.charter")


# -- 3. the gate form ----------------------------------------------------------------------------------

def test_gate_form_offers_a_leader_only_what_they_may_decide_and_a_hold_stays_in_the_phase(live_server, page):
    _demo_like_wg(live_server)
    browser_login(page, live_server, "izumi", TEST_PASSWORD)  # WG leader, not a final responsible person
    page.goto(f"{live_server.url}/projects/mynumber-card/charter")
    offered = page.locator("select[name=decision] option").all_inner_texts()
    assert offered == ["保留（Hold）", "中止（Stop）"], offered
    missing = page.inner_text("#gate-missing")
    assert "成功基準" in missing and "予算" in missing  # the charter items still empty
    assert "最終責任者またはDX推進担当" in missing  # and who must approve leaving launch
    _shot(page, "journeys-gate-leader")
    page.select_option("select[name=decision]", "hold")
    page.fill("textarea[name=conditions]", "成功基準と予算を次回までに記入")
    with page.expect_navigation():
        page.click("form[action$='/gate'] button.primary")
    _shot(page, "journeys-gate-hold")
    row = page.locator("section.panel:has(h2:text('判断の記録')) tbody tr").first.inner_text()
    assert "立ち上げ（フェーズは変わらず）" in row and "保留" in row and "→" not in row
    assert page.inner_text("#phase") == "立ち上げ"


def test_gate_go_is_offered_to_the_final_responsible_person_when_nothing_is_missing(live_server, page):
    from tracker.charter.models import BudgetLine, SuccessCriterion
    from tracker.charter.services import charter_for
    from tracker.wg.models import WorkingGroup

    wg_id = _demo_like_wg(live_server)
    with live_server.app.app_context():
        charter = charter_for(db.session.get(WorkingGroup, wg_id))
        charter.stakeholders = "市民課、未来政策課"
        charter.criteria = [SuccessCriterion(description="市民の90%がカードを保有", target="90%")]
        charter.budget_lines = [BudgetLine(source="個人番号カード交付事務費補助金", amount=1000000)]
        charter.schedule = "R4年度末まで"
        db.session.commit()
    browser_login(page, live_server, "honma", TEST_PASSWORD)  # a final responsible person (plain member role)
    page.goto(f"{live_server.url}/projects/mynumber-card/charter")
    assert page.locator("select[name=decision] option").all_inner_texts() == ["進む（Go）", "保留（Hold）", "中止（Stop）"]
    assert page.locator("#gate-missing").count() == 0 and page.locator("#gate-ready").count() == 1
    with page.expect_navigation():
        page.click("form[action$='/gate'] button.primary")
    assert page.inner_text("#phase") == "プランニング"
    assert "立ち上げ → プランニング" in page.locator("section.panel:has(h2:text('判断の記録')) tbody tr").first.inner_text()


def test_a_plain_member_sees_the_checklist_and_no_gate_form(live_server, page):
    _demo_like_wg(live_server)
    browser_login(page, live_server, "kato", TEST_PASSWORD)
    page.goto(f"{live_server.url}/projects/mynumber-card/charter")
    _shot(page, "journeys-gate-member")
    assert page.locator("select[name=decision]").count() == 0
    assert page.locator("form[action$='/gate']").count() == 0
    assert "成功基準" in page.inner_text("#gate-missing")
