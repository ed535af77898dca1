from tests.conftest import csrf_token
from sqlalchemy import select

from tracker.charter.models import GateDecision
from tracker.charter.services import charter_for
from tracker.core import events
from tracker.core.audit import AuditEntry
from tracker.extensions import db


def _entries(charter):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "charter", AuditEntry.object_id == charter.id)
                              .order_by(AuditEntry.id)).all()


def _post(client, url, data, page):
    return client.post(url, data={"csrf_token": csrf_token(client, page), **data}, follow_redirects=True)


def test_charter_page_lists_the_empty_items(client, make, login):
    leader = make.user()
    wg = make.wg(members={leader: "WG責任者"})
    login(leader)
    page = client.get(f"/projects/{wg.identifier}/charter").get_data(as_text=True)
    assert "重要事項" in page or "WG憲章" in page
    assert "まだ空欄" in page and "事業の目的" in page and "予算" in page


def test_editing_the_charter_journals_each_change(client, make, login):
    leader = make.user()
    wg = make.wg(members={leader: "WG責任者"})
    make.charter(wg, purpose="旧い目的")
    login(leader)
    edit = f"/projects/{wg.identifier}/charter/edit"
    page = _post(client, edit, {
        "purpose": "市民の利便性を向上させる", "person-user-0": str(leader.id), "person-kind-0": "leader",
        "person-area-0": "①普及促進", "budget-source-0": "マイナポイント事業費補助金", "budget-amount-0": "1,200,000",
        "budget-note-0": "未来政策課", "milestone-title-0": "R4年度末", "milestone-due_date-0": "2023-03-31",
    }, edit).get_data(as_text=True)
    assert "保存しました" in page
    assert "¥1,200,000" in page and "①普及促進" in page
    (entry,) = _entries(charter_for(wg))  # one save, one entry of the charter's history
    changes = {field: (old, new) for field, old, new in entry.changes}
    assert changes["purpose"] == ("旧い目的", "市民の利便性を向上させる") and entry.actor_id == leader.id
    assert changes["budget"] == (None, ["マイナポイント事業費補助金 ¥1,200,000 未来政策課"])
    assert changes["leader"] == (None, [f"{leader.name}（①普及促進）"])
    assert set(changes) == {"purpose", "leader", "budget", "milestones"}  # nothing that was not changed
    history = page.split('class="history"')[1]
    assert leader.name in history and "旧い目的" in history and "市民の利便性を向上させる" in history


def test_stakeholder_sections_are_chosen_from_the_organisation(client, make, login):
    leader = make.user()
    wg = make.wg(members={leader: "WG責任者"})
    civic = make.section(name="市民課")
    login(leader)
    edit = f"/projects/{wg.identifier}/charter/edit"
    page = _post(client, edit, {"section_ids": [str(civic.id)], "stakeholders": "J-LIS"}, edit).get_data(as_text=True)
    assert "市民課" in page.split("関係者一覧")[1]
    assert [s.name for s in charter_for(wg).stakeholder_sections] == ["市民課"]
    (entry,) = _entries(charter_for(wg))
    assert ["stakeholder_sections", None, ["市民課"]] in entry.changes


def test_viewing_a_charter_writes_nothing(client, make, login):
    from tracker.charter.models import Charter

    wg = make.wg()
    login(make.user())
    assert client.get(f"/projects/{wg.identifier}/charter").status_code == 200
    assert db.session.query(Charter).filter_by(wg_id=wg.id).count() == 0


def test_a_negative_budget_is_refused_and_the_form_keeps_the_input(client, make, login):
    leader = make.user()
    wg = make.wg(members={leader: "WG責任者"})
    login(leader)
    edit = f"/projects/{wg.identifier}/charter/edit"
    page = _post(client, edit, {"purpose": "新しい目的", "budget-source-0": "DX枠予算", "budget-amount-0": "-5000"},
                 edit).get_data(as_text=True)
    assert "マイナス" in page
    assert 'value="DX枠予算"' in page and "新しい目的" in page
    assert charter_for(wg).purpose == "" and _entries(charter_for(wg)) == []


def test_members_cannot_edit_the_charter(client, make, login):
    member = make.user()
    wg = make.wg(members={member: "メンバー"})
    login(member)
    assert client.get(f"/projects/{wg.identifier}/charter/edit").status_code == 403


def test_leaving_launch_needs_a_complete_charter_and_says_what_is_missing(client, make, login):
    leader = make.user()
    wg = make.wg(members={leader: "WG責任者"})
    make.charter(wg, purpose="目的だけ")
    login(leader)
    url = f"/projects/{wg.identifier}/charter"
    page = _post(client, f"/projects/{wg.identifier}/gate", {"decision": "go"}, url).get_data(as_text=True)
    assert "成功基準" in page and "予算" in page and "最終責任者またはDX推進担当" in page
    assert charter_for(wg).phase == "launch" and db.session.query(GateDecision).count() == 0


def test_the_final_responsible_person_moves_the_wg_to_planning_and_members_hear_of_it(client, make, login):
    responsible, member = make.user(), make.user()
    wg = make.wg(members={responsible: "WG責任者", member: "メンバー"})
    make.charter(wg, complete=True, responsible=responsible)
    heard = []
    events.subscribe(heard.append)
    try:
        login(responsible)
        url = f"/projects/{wg.identifier}/charter"
        page = _post(client, f"/projects/{wg.identifier}/gate", {"decision": "go", "conditions": "月1回定例会"}, url)
    finally:
        events._subscribers.remove(heard.append)
    assert "判断を記録しました" in page.get_data(as_text=True)
    assert charter_for(wg).phase == "planning"
    gate = db.session.query(GateDecision).one()
    assert (gate.from_phase, gate.to_phase, gate.decision, gate.decided_by_id) == ("launch", "planning", "go", responsible.id)
    event = next(e for e in heard if e.kind == "wg.gate_decided")
    assert member in event.recipients


def test_a_leader_who_is_not_the_final_responsible_person_cannot_leave_launch(client, make, login):
    leader = make.user()
    wg = make.wg(members={leader: "WG責任者"})
    make.charter(wg, complete=True)
    login(leader)
    page = _post(client, f"/projects/{wg.identifier}/gate", {"decision": "go"}, f"/projects/{wg.identifier}/charter")
    assert "最終責任者またはDX推進担当" in page.get_data(as_text=True)
    assert charter_for(wg).phase == "launch"


def test_the_dx_office_may_approve_launch(client, make, login):
    office = make.user(org_roles=["dx_office"])
    wg = make.wg()
    make.charter(wg, complete=True)
    login(office)
    _post(client, f"/projects/{wg.identifier}/gate", {"decision": "go"}, f"/projects/{wg.identifier}/charter")
    assert charter_for(wg).phase == "planning"


def test_leaving_planning_needs_milestones_and_scheduled_tickets(client, make, login):
    from datetime import date

    from tracker.charter.models import Milestone
    from tracker.charter.tickets import make_ticket

    office, member = make.user(org_roles=["dx_office"]), make.user()
    wg = make.wg(members={member: "メンバー"})
    charter = make.charter(wg, phase="planning")
    login(office)
    charter_url, gate_url = f"/projects/{wg.identifier}/charter", f"/projects/{wg.identifier}/gate"
    page = _post(client, gate_url, {"decision": "go"}, charter_url).get_data(as_text=True)
    assert "マイルストーン" in page and "担当者と期日の決まったチケット" in page
    assert charter_for(wg).phase == "planning"
    charter.milestones = [Milestone(title="モデルケースの作成", due_date=date(2027, 3, 31))]
    make_ticket(wg, member, "優先手続の抽出", "", None, date(2027, 1, 31))  # no assignee: not scheduled
    db.session.commit()  # a refused gate rolls back what was not committed
    page = _post(client, gate_url, {"decision": "go"}, charter_url).get_data(as_text=True)
    assert "担当者と期日の決まったチケット" in page and charter_for(wg).phase == "planning"
    make_ticket(wg, member, "添付書類の確認", "", member.id, date(2027, 1, 31))
    db.session.commit()  # a refused gate rolls back what was not committed
    _post(client, gate_url, {"decision": "go"}, charter_url)
    assert charter_for(wg).phase == "execution"


def test_hold_keeps_the_phase_and_stop_needs_a_reason(client, make, login):
    office = make.user(org_roles=["dx_office"])
    wg = make.wg()
    make.charter(wg, phase="planning")
    login(office)
    charter_url, gate_url = f"/projects/{wg.identifier}/charter", f"/projects/{wg.identifier}/gate"
    _post(client, gate_url, {"decision": "hold", "conditions": "予算確保後に再判断"}, charter_url)
    assert charter_for(wg).phase == "planning"
    page = _post(client, gate_url, {"decision": "stop"}, charter_url).get_data(as_text=True)
    assert "理由" in page and charter_for(wg).phase == "planning"
    _post(client, gate_url, {"decision": "stop", "comment": "成果が出せないため止める"}, charter_url)
    charter = charter_for(wg)
    assert charter.phase == "stopped" and charter.stop_reason == "成果が出せないため止める"
    assert [g.decision for g in db.session.query(GateDecision).order_by(GateDecision.id)] == ["hold", "stop"]


def test_closing_needs_evaluations_and_kpt_then_the_wg_is_read_only(client, make, login):
    leader = make.user()
    wg = make.wg(members={leader: "WG責任者"})
    charter = make.charter(wg, phase="execution", complete=True)
    login(leader)
    charter_url, gate_url = f"/projects/{wg.identifier}/charter", f"/projects/{wg.identifier}/gate"
    page = _post(client, gate_url, {"decision": "go"}, charter_url).get_data(as_text=True)
    assert "評価" in page and "振り返り" in page
    criterion = charter.criteria[0]
    closeout = f"/projects/{wg.identifier}/closeout"
    _post(client, closeout, {f"evaluation-{criterion.id}": "partly", f"evidence-{criterion.id}": "R4年度末 保有率75%",
                             "keep": "部署横断の定例会", "problem": "窓口の人員不足", "try_next": "出張申請の拡充",
                             "handover_note": "市民課が継続（交付事務費補助金）"}, closeout)
    _post(client, gate_url, {"decision": "go"}, charter_url)
    assert charter_for(wg).phase == "closed"
    page = client.get(charter_url).get_data(as_text=True)
    assert "一部達成" in page and "窓口の人員不足" in page
    assert "重要事項を編集" not in page
    page = _post(client, f"/projects/{wg.identifier}/risks", {"title": "新しいリスク"}, f"/projects/{wg.identifier}/risks")
    assert page.status_code == 403


def test_portfolio_is_for_the_dx_office_and_shows_phases_and_signals(client, make, login):
    from datetime import date

    from tracker.kpi.models import KpiMeasurement, WgKpi

    office = make.user(org_roles=["dx_office"])
    wg = make.wg(name="窓口WG")
    make.charter(wg, phase="execution")
    kpi = make.kpi(name="保有率", target_value=90, baseline_value=0, baseline_date=date(2025, 4, 1), target_fiscal_year=2025)
    db.session.add(KpiMeasurement(kpi_id=kpi.id, value=10, as_of=date(2026, 1, 1)))
    db.session.add(WgKpi(wg_id=wg.id, kpi_id=kpi.id))
    member = make.user()
    make.member(wg, member)
    from tracker.charter.tickets import make_ticket

    make_ticket(wg, member, "休日交付の試行", "", member.id, date(2020, 1, 31))
    make_ticket(wg, member, "来年度の予算要求", "", member.id, date(2099, 1, 31))
    db.session.flush()
    login(office)
    page = client.get("/portfolio").get_data(as_text=True)
    assert "ポートフォリオ" in page
    column = page.split('id="phase-execution"')[1].split("</section>")[0]
    assert "窓口WG" in column and "遅れているKPI: 1" in column and "四半期報告の未提出: 1" in column and "期限切れのチケット: 1" in column
    overdue_link = column.split("期限切れのチケット: 1")[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    listing = client.get(overdue_link, follow_redirects=True).get_data(as_text=True)
    assert "休日交付の試行" in listing and "来年度の予算要求" not in listing


def test_portfolio_is_refused_to_other_staff(client, make, login):
    login(make.user())
    assert client.get("/portfolio").status_code == 403
    assert "ポートフォリオ" not in client.get("/projects").get_data(as_text=True)


def test_a_closed_wg_allows_comments_on_tickets_but_no_other_change(make):
    from tracker.tickets import services as ticket_services
    from tracker.core.services import ServiceError
    import pytest

    member = make.user()
    wg = make.wg(members={member: "WG責任者"})
    ticket = make.ticket(wg=wg, author=member)
    make.charter(wg, phase="closed")
    assert wg.allows(member, "view_issues") and wg.allows(member, "add_issue_notes")
    assert not wg.allows(member, "add_issues") and not wg.allows(member, "edit_issues")
    assert not wg.allows(member, "edit_charter") and not wg.allows(member, "manage_risks")
    with pytest.raises(ServiceError):
        ticket_services.create_ticket(member, wg, {"subject": "新しいチケット"})
    assert ticket_services.add_note(ticket, member, "終了後の問い合わせに回答しました。") is not None


def test_a_final_responsible_person_outside_the_wg_approves_launch(client, make, login):
    chief = make.user(name="本間 課長")
    wg = make.wg()
    make.charter(wg, complete=True, responsible=chief)
    login(chief)
    page = client.get(f"/projects/{wg.identifier}/charter").get_data(as_text=True)
    assert "判断を記録" in page
    _post(client, f"/projects/{wg.identifier}/gate", {"decision": "go"}, f"/projects/{wg.identifier}/charter")
    assert charter_for(wg).phase == "planning"


def test_the_lifecycle_pages_work_in_english(client, make, login):
    user = make.user(language="en")
    wg = make.wg(members={user: "WG責任者"})
    make.charter(wg, complete=True)
    login(user)
    page = client.get(f"/projects/{wg.identifier}/charter").get_data(as_text=True)
    assert "Launch" in page and "Gate decisions" in page
    for path in ("planning", "meetings", "quarterly", "risks"):
        assert client.get(f"/projects/{wg.identifier}/{path}").status_code == 200, path
