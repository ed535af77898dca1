"""A WG's history: settings and membership changes, by whom, on the members and settings pages."""
from sqlalchemy import select

from tests.conftest import csrf_token
from tracker.core.audit import AuditEntry
from tracker.wg.models import Member, Role


def test_adding_and_removing_a_member_is_journaled_on_the_wg(client, make, login, db):
    leader, newcomer = make.user(name="泉 係長"), make.user(name="新人 太郎")
    wg = make.wg(members={leader: "WG責任者"})
    login(leader)
    member_role = db.session.scalar(select(Role).where(Role.name == "メンバー"))
    path = f"/projects/{wg.identifier}/memberships"
    client.post(path, data={"user_id": newcomer.id, "role_ids": [member_role.id], "csrf_token": csrf_token(client, path)})
    member = db.session.scalar(select(Member).where(Member.wg_id == wg.id, Member.user_id == newcomer.id))
    client.post(f"{path}/{member.id}", data={"action": "remove", "csrf_token": csrf_token(client, path)})
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "wg", AuditEntry.object_id == wg.id)
                                 .order_by(AuditEntry.id)).all()
    added, removed = entries[-2:]
    assert added.actor_id == leader.id and "新人 太郎（メンバー）" in added.changes[0][2]
    assert "新人 太郎（メンバー）" in removed.changes[0][1] and "新人 太郎" not in str(removed.changes[0][2])
    history = client.get(path).get_data(as_text=True).split('class="history"')[1]
    assert "泉 係長" in history and "新人 太郎（メンバー）" in history


def test_changing_the_settings_records_old_and_new_name(client, make, login, db):
    leader = make.user()
    wg = make.wg(members={leader: "WG責任者"}, name="窓口DX")
    login(leader)
    path = f"/projects/{wg.identifier}/settings"
    client.post(path, data={"name": "窓口DX推進", "identifier": wg.identifier, "description": "", "is_public": "y", "csrf_token": csrf_token(client, path)})
    history = client.get(path).get_data(as_text=True).split('class="history"')[1]
    assert "窓口DX" in history and "窓口DX推進" in history
