"""A risk's history: each changed field old → new, by whom; a save that changes nothing records nothing."""
from sqlalchemy import select

from tests.conftest import csrf_token
from tracker.core.audit import AuditEntry
from tracker.extensions import db
from tracker.risks.models import Risk

DATA = {"title": "職員の抵抗感", "category": "organisational", "probability": "4", "impact": "3",
        "response": "mitigate", "next_review": "2026-12-01", "description": "一行目\r\n二行目"}


def _entries(risk):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "risk", AuditEntry.object_id == risk.id)
                              .order_by(AuditEntry.id)).all()


def test_editing_a_risk_journals_each_field_and_shows_it_in_history(client, make, login):
    member = make.user(name="佐藤 花子")
    wg = make.wg(members={member: "メンバー"})
    login(member)
    url = f"/projects/{wg.identifier}/risks"
    client.post(url, data={"csrf_token": csrf_token(client, url), **DATA})
    risk = db.session.query(Risk).one()
    edit = f"{url}/{risk.id}"
    client.post(edit, data={"csrf_token": csrf_token(client, edit), **DATA, "probability": "2", "response": "avoid"})
    created, changed = _entries(risk)
    assert (created.action, created.actor_id) == ("risk.create", member.id)
    assert sorted(changed.changes) == [["probability", 4, 2], ["response", "mitigate", "avoid"]]
    page = client.get(edit).get_data(as_text=True)
    history = page.split('class="history"')[1]
    assert "履歴" in page and "佐藤 花子" in history and "回避" in history and "軽減" in history


def test_saving_unchanged_with_browser_line_endings_records_nothing(client, make, login):
    member = make.user()
    wg = make.wg(members={member: "メンバー"})
    login(member)
    url = f"/projects/{wg.identifier}/risks"
    client.post(url, data={"csrf_token": csrf_token(client, url), **DATA})
    risk = db.session.query(Risk).one()
    edit = f"{url}/{risk.id}"
    client.post(edit, data={"csrf_token": csrf_token(client, edit), **DATA})
    assert [e.action for e in _entries(risk)] == ["risk.create"]


def test_history_is_not_shown_to_who_cannot_see_the_risk(client, make, login):
    member, outsider = make.user(), make.user()
    wg = make.wg(members={member: "メンバー"}, is_public=False)
    login(member)
    url = f"/projects/{wg.identifier}/risks"
    client.post(url, data={"csrf_token": csrf_token(client, url), **DATA})
    risk = db.session.query(Risk).one()
    login(outsider)
    assert client.get(f"{url}/{risk.id}").status_code in (403, 404)
