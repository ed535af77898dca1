"""A charter's history (履歴): one entry per save with each changed item old → new and who; a save from the
browser that changes nothing records nothing; gate decisions and the close-out are in it too."""
from sqlalchemy import select

from tests.conftest import csrf_token
from tracker.charter.services import charter_for
from tracker.core.audit import AuditEntry
from tracker.extensions import db


def _entries(wg):
    charter = charter_for(wg)
    return db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "charter", AuditEntry.object_id == charter.id)
                              .order_by(AuditEntry.id)).all()


def _post(client, url, data, page):
    return client.post(url, data={"csrf_token": csrf_token(client, page), **data}, follow_redirects=True)


def _history(client, wg) -> str:
    return client.get(f"/projects/{wg.identifier}/charter").get_data(as_text=True).split('class="history"')[1]


# What a browser sends: every textarea with CRLF, every row of the form as the page showed it.
FORM = {
    "purpose": "市民の利便性を\r\n向上させる", "background": "交付の限界\r\n出張申請の不足", "nature": "未知の取り組み",
    "criterion-description-0": "市民の90%がカードを保有", "criterion-target-0": "90%",
    "milestone-title-0": "期限到来", "milestone-due_date-0": "2027-03-31",
    "budget-source-0": "交付事務費補助金", "budget-amount-0": "1,200,000", "budget-note-0": "",
}


def test_a_browser_save_records_only_what_changed(client, make, login):
    leader = make.user(name="泉 係長")
    wg = make.wg(members={leader: "WG責任者"})
    make.charter(wg, purpose="旧い目的")
    login(leader)
    edit = f"/projects/{wg.identifier}/charter/edit"
    form = {**FORM, "person-user-0": str(leader.id), "person-kind-0": "leader", "person-area-0": "①普及促進"}
    _post(client, edit, form, edit)
    (entry,) = _entries(wg)
    changes = {field: (old, new) for field, old, new in entry.changes}
    assert changes["purpose"] == ("旧い目的", "市民の利便性を\n向上させる")  # stored and compared with LF
    assert set(changes) == {"purpose", "background", "nature", "leader", "criteria", "milestones", "budget"}
    # the same form again, CRLF and all: nothing changed, nothing recorded
    _post(client, edit, form, edit)
    assert len(_entries(wg)) == 1
    # one real change: one entry with just that item
    _post(client, edit, {**form, "budget-amount-0": "1,500,000"}, edit)
    last = _entries(wg)[-1]
    assert last.changes == [["budget", ["交付事務費補助金 ¥1,200,000"], ["交付事務費補助金 ¥1,500,000"]]]
    history = _history(client, wg)
    assert "泉 係長" in history and "予算" in history and "¥1,500,000" in history and "旧い目的" in history
    assert "泉 係長（①普及促進）" in history and "WG責任者" in history


def test_gate_decisions_and_the_close_out_are_in_the_history(client, make, login):
    leader = make.user(name="泉 係長")
    wg = make.wg(members={leader: "WG責任者"})
    charter = make.charter(wg, phase="execution", complete=True)
    login(leader)
    charter_url, gate_url = f"/projects/{wg.identifier}/charter", f"/projects/{wg.identifier}/gate"
    _post(client, gate_url, {"decision": "hold", "comment": "定例会で確認する"}, charter_url)
    criterion = charter.criteria[0]
    closeout = f"/projects/{wg.identifier}/closeout"
    _post(client, closeout, {f"evaluation-{criterion.id}": "partly", "keep": "部署横断の定例会",
                             "problem": "窓口の人員不足", "try_next": "出張申請の拡充"}, closeout)
    hold, close = _entries(wg)
    assert hold.changes == [["gate", None, "hold"]] and hold.notes == "定例会で確認する"
    assert ["evaluation", None, "市民の90%がカードを保有: partly"] in close.changes
    assert ["keep", None, "部署横断の定例会"] in close.changes
    _post(client, gate_url, {"decision": "go"}, charter_url)
    go = _entries(wg)[-1]
    assert sorted(go.changes) == [["gate", None, "go"], ["phase", "execution", "closed"]]
    history = _history(client, wg)
    assert "保留" in history and "定例会で確認する" in history  # the decision and its comment
    assert "実行" in history and "終了" in history  # execution → closed, by their labels
    assert "市民の90%がカードを保有: 一部達成" in history and "部署横断の定例会" in history


def test_a_charter_never_saved_shows_an_empty_history(client, make, login):
    wg = make.wg()
    login(make.user())
    page = client.get(f"/projects/{wg.identifier}/charter").get_data(as_text=True)
    assert "履歴" in page and "まだ変更はありません" in page.split('class="history"')[1]
