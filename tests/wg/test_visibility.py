from sqlalchemy import select

from tracker.accounts.models import OrgRole
from tracker.wg.models import WorkingGroup


def _visible_ids(db, user):
    return set(db.session.scalars(select(WorkingGroup.id).where(WorkingGroup.visible(user))))


def test_public_wg_is_read_only_for_non_members(make):
    outsider = make.user()
    wg = make.wg(is_public=True)
    assert wg.visible_to(outsider)
    assert not wg.editable_by(outsider)
    assert not wg.allows(outsider, "manage_members")


def test_private_wg_is_invisible_to_non_members(client, make, login, db):
    outsider = make.user()
    member = make.user()
    wg = make.wg(is_public=False, members={member: "メンバー"})
    assert not wg.visible_to(outsider)
    assert wg.id not in _visible_ids(db, outsider)
    assert wg.id in _visible_ids(db, member)
    login(outsider)
    assert client.get(f"/projects/{wg.identifier}").status_code == 404
    assert wg.name not in client.get("/projects").get_data(as_text=True)


def test_dx_office_and_admins_see_every_wg(make, db):
    wg = make.wg(is_public=False)
    dx = make.user(org_roles=[OrgRole.DX_OFFICE])
    admin = make.admin()
    assert wg.visible_to(dx) and wg.id in _visible_ids(db, dx)
    assert not wg.editable_by(dx)
    assert wg.editable_by(admin) and wg.id in _visible_ids(db, admin)


def test_permissions_come_from_the_members_roles(make):
    leader, member = make.user(), make.user()
    wg = make.wg(members={leader: "WG責任者", member: "メンバー"})
    assert wg.allows(leader, "manage_members")
    assert not wg.allows(member, "manage_members")
    assert wg.allows(member, "view_wg")


def test_inactive_user_sees_nothing(make, db):
    user = make.user(active=False)
    wg = make.wg(members={user: "WG責任者"})
    assert not wg.visible_to(user)
    assert _visible_ids(db, user) == set()


def test_with_permission_filter(make, db):
    leader = make.user()
    led = make.wg(members={leader: "WG責任者"})
    joined = make.wg(members={leader: "メンバー"})
    ids = set(db.session.scalars(select(WorkingGroup.id).where(WorkingGroup.with_permission(leader, "manage_members"))))
    assert led.id in ids and joined.id not in ids
