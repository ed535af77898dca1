"""The charter edit page saves what the browser sends (spare rows, CRLF text); the gate offers each user only
the decisions they may take; a hold is recorded as staying in the phase."""
from io import BytesIO

from sqlalchemy import func, select

from tests.conftest import csrf_token
from tracker.charter import services
from tracker.charter.models import GateDecision
from tracker.core.audit import AuditEntry
from tracker.charter.services import charter_for
from tracker.extensions import db


def _post(client, url, data, page):
    return client.post(url, data={"csrf_token": csrf_token(client, page), **data}, follow_redirects=True)


def _spare_people_rows(first: int, count: int = 2, kind: str = "") -> dict:
    """What the page's empty people rows send: no person, the role select's value, no area."""
    rows = {}
    for n in range(first, first + count):
        rows.update({f"person-user-{n}": "", f"person-kind-{n}": kind, f"person-area-{n}": ""})
    return rows



def _changed(obj) -> list[str]:
    """The fields the object's history recorded changes of since it was made (audit log entries, oldest first)."""
    from tracker.core import history

    name = history.spec_for(obj).name
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == name, AuditEntry.object_id == obj.id)
                                 .order_by(AuditEntry.id))
    return [change[0] for entry in entries if entry.action.endswith(".update") for change in entry.changes or []]

def test_spare_people_rows_do_not_stop_the_charter_from_being_saved(client, make, login):
    leader = make.user()
    wg = make.wg(members={leader: "WG責任者"})
    make.charter(wg, purpose="旧い目的")
    login(leader)
    edit = f"/projects/{wg.identifier}/charter/edit"
    # as the page sent them before it had a blank role: the role preselected in the spare rows
    page = _post(client, edit, {"purpose": "新しい目的", "person-user-0": str(leader.id), "person-kind-0": "leader",
                                "person-area-0": "", **_spare_people_rows(1, kind="responsible")}, edit)
    text = page.get_data(as_text=True)
    assert "各行で人を選んでください" not in text and "重要事項を保存しました" in text
    assert charter_for(wg).purpose == "新しい目的"
    assert [(p.user_id, p.kind) for p in charter_for(wg).people] == [(leader.id, "leader")]


def test_the_edit_page_offers_a_blank_role_in_spare_rows(client, make, login):
    leader = make.user()
    wg = make.wg(members={leader: "WG責任者"})
    login(leader)
    page = client.get(f"/projects/{wg.identifier}/charter/edit").get_data(as_text=True)
    assert '<select name="person-kind-0"><option value="">—</option>' in page


def test_a_person_without_a_role_is_asked_for_and_the_row_kept(client, make, login):
    leader = make.user(name="泉 由美")
    wg = make.wg(members={leader: "WG責任者"})
    login(leader)
    edit = f"/projects/{wg.identifier}/charter/edit"
    page = _post(client, edit, {"purpose": "目的", "person-user-0": str(leader.id), "person-kind-0": "",
                                "person-area-0": "①普及促進"}, edit).get_data(as_text=True)
    assert "各人の役割を選んでください。" in page
    assert 'name="person-area-0" value="①普及促進"' in page and f'<option value="{leader.id}" selected>' in page
    assert charter_for(wg).purpose == ""  # nothing saved


def test_crlf_from_the_browser_is_not_a_change_of_the_charter(client, make, login):
    leader = make.user()
    wg = make.wg(members={leader: "WG責任者"})
    make.charter(wg, purpose="一行目\n二行目", nature="未知の取り組み\r\n実績あり")  # the second stored before, with CRLF
    db.session.commit()
    login(leader)
    edit = f"/projects/{wg.identifier}/charter/edit"
    _post(client, edit, {"purpose": "一行目\r\n二行目", "nature": "未知の取り組み\r\n実績あり"}, edit)
    assert _changed(charter_for(wg)) == []  # the same text twice: nothing recorded
    assert charter_for(wg).purpose == "一行目\n二行目"


def test_crlf_in_an_idea_edit_is_not_a_change(client, make, login):
    author = make.user()
    idea = make.idea(author=author, title="様式の統一", body="一行目\n二行目", category="work", kind="idea")
    db.session.commit()
    login(author)
    path = f"/ideas/{idea.id}/edit"
    client.post(path, data={"kind": "idea", "title": "様式の統一（案）", "body": "一行目\r\n二行目", "category": "work",
                            "section_id": idea.section_id or 0, "csrf_token": csrf_token(client, path)},
                content_type="multipart/form-data")  # multipart as well as urlencoded bodies are normalised
    fields = _changed(idea)
    assert "title" in fields and "body" not in fields  # the edit went through; the body did not change


# -- the gate ----------------------------------------------------------------------------------------

def test_available_decisions_follow_the_rules(make):
    leader, responsible, member, office = make.user(), make.user(), make.user(), make.user(org_roles=["dx_office"])
    wg = make.wg(members={leader: "WG責任者", responsible: "メンバー", member: "メンバー"})
    charter = make.charter(wg, complete=True, responsible=responsible)
    assert services.available_decisions(charter, responsible) == ["go", "hold", "stop"]
    assert services.available_decisions(charter, office) == ["go", "hold", "stop"]
    assert services.available_decisions(charter, leader) == ["hold", "stop"]  # launch needs the responsible person
    assert services.available_decisions(charter, member) == []
    charter.budget_lines = []
    assert services.available_decisions(charter, responsible) == ["hold", "stop"]  # the charter is incomplete


def test_the_page_offers_go_only_when_it_may_be_taken(client, make, login):
    leader, responsible = make.user(), make.user()
    wg = make.wg(members={leader: "WG責任者", responsible: "メンバー"})
    make.charter(wg, complete=True, responsible=responsible)
    login(leader)
    page = client.get(f"/projects/{wg.identifier}/charter").get_data(as_text=True)
    assert 'value="go"' not in page and 'value="hold"' in page and 'value="stop"' in page
    assert "最終責任者またはDX推進担当" in page  # the checklist says why
    # a forged go is refused with the reasons, and nothing is recorded
    page = _post(client, f"/projects/{wg.identifier}/gate", {"decision": "go"}, f"/projects/{wg.identifier}/charter")
    assert "この判断は今は記録できません。" in page.get_data(as_text=True)
    assert "最終責任者またはDX推進担当" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(GateDecision)) == 0
    login(responsible)
    page = client.get(f"/projects/{wg.identifier}/charter").get_data(as_text=True)
    assert 'value="go"' in page and 'id="gate-ready"' in page


def test_a_hold_is_recorded_as_staying_in_the_phase(client, make, login):
    office = make.user(org_roles=["dx_office"])
    wg = make.wg()
    make.charter(wg, phase="planning")
    login(office)
    url = f"/projects/{wg.identifier}/charter"
    page = _post(client, f"/projects/{wg.identifier}/gate", {"decision": "hold", "conditions": "チケットの期日を入れる"}, url)
    text = page.get_data(as_text=True)
    gate = db.session.scalars(select(GateDecision)).one()
    assert (gate.decision, gate.from_phase, gate.to_phase) == ("hold", "planning", "planning")
    assert "プランニング（フェーズは変わらず）" in text and "プランニング → プランニング" not in text
    assert charter_for(wg).phase == "planning"
    fields = _changed(charter_for(wg))
    assert "phase" not in fields and "gate" in fields  # the history tells the decision; the phase stayed


def test_the_request_normalises_form_and_json_text(app):
    from tracker.core.text import NormalizedRequest

    with app.test_request_context("/", method="POST", data={"a": "x\r\ny\rz", "b": ["1\r\n", "2"]}):
        from flask import request

        assert isinstance(request._get_current_object(), NormalizedRequest)
        assert request.form["a"] == "x\ny\nz" and request.form.getlist("b") == ["1\n", "2"]
    with app.test_request_context("/", method="POST", data={"f": (BytesIO(b"a\r\nb"), "f.txt"), "t": "p\r\nq"}):
        from flask import request

        assert request.form["t"] == "p\nq" and request.files["f"].read() == b"a\r\nb"  # files stay as they are
    with app.test_request_context("/", method="PUT", json={"issue": {"notes": "n\r\no", "ids": [1, "a\rb"]}}):
        from flask import request

        assert request.get_json() == {"issue": {"notes": "n\no", "ids": [1, "a\nb"]}}
