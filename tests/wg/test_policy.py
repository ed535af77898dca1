"""The WG policy: one rule in Python (can / allows) and SQL (visible / with_permission), organisation
permissions instead of inline role checks, and closed or stopped WGs read-only in pickers too."""
import pytest

from tracker.core import policy
from tracker.core.org_permissions import has_org_permission, register_org_permission
from tracker.extensions import db
from tracker.wg.models import WorkingGroup


def _ids_with(user, permission):
    return set(db.session.scalars(db.select(WorkingGroup.id).where(WorkingGroup.with_permission(user, permission))))


@pytest.mark.parametrize("phase", ["closed", "stopped"])
def test_pickers_do_not_offer_finished_wgs(make, phase):
    member = make.user()
    running, finished = make.wg(members={member: "メンバー"}), make.wg(members={member: "メンバー"})
    make.charter(running, phase="execution")
    make.charter(finished, phase=phase)
    db.session.commit()
    assert not finished.allows(member, "add_issues") and running.allows(member, "add_issues")
    assert _ids_with(member, "add_issues") >= {running.id} and finished.id not in _ids_with(member, "add_issues")
    # read-only permissions and comments stay, in both forms
    for permission in ("view_issues", "add_issue_notes"):
        assert finished.allows(member, permission) and finished.id in _ids_with(member, permission)


def test_new_ticket_page_does_not_offer_a_closed_wg(client, make, login):
    member = make.user()
    running = make.wg(members={member: "メンバー"}, name="稼働中のWG")
    closed = make.wg(members={member: "メンバー"}, name="終了したWG")
    make.charter(running, phase="execution")
    make.charter(closed, phase="closed")
    db.session.commit()
    login(member)
    page = client.get(f"/projects/{running.identifier}/issues/new").get_data(as_text=True)
    assert "稼働中のWG" in page and "終了したWG" not in page
    assert client.get(f"/projects/{closed.identifier}/issues/new").status_code in (403, 404)


def test_python_and_sql_agree_for_every_kind_of_user(make):
    from tracker.accounts.models import OrgRole
    from tracker.wg import permissions as perms

    member, observer, outsider, dx = make.user(), make.user(), make.user(), make.user(org_roles=[OrgRole.DX_OFFICE])
    inactive = make.user(active=False)
    public = make.wg(members={member: "メンバー", observer: "オブザーバー"})
    private = make.wg(is_public=False, members={member: "メンバー", observer: "オブザーバー"})
    bare_role = make.role(permissions=())
    private_bare = make.wg(is_public=False, members={outsider: bare_role.name})
    closed = make.wg(is_public=False, members={member: "WG責任者"})
    make.charter(closed, phase="closed")
    db.session.commit()
    wgs = [public, private, private_bare, closed]
    for user in (member, observer, outsider, dx, inactive):
        for permission in sorted(perms.all_permissions()):
            sql = _ids_with(user, permission)
            for wg in wgs:
                assert wg.allows(user, permission) == (wg.id in sql), (user.login, permission, wg.name)
        visible = set(db.session.scalars(policy.visible_ids(WorkingGroup, user)))
        for wg in wgs:
            assert policy.can(user, "view", wg) == (wg.id in visible)


def test_permissions_read_for_many_users_at_once_are_each_users_own(make):
    """A notification's audience reads every recipient's permissions in the subject's WG with one statement
    (``read_permissions_of``); each must be what asking for that user alone gives: members by role, the DX
    office, outsiders, a closed WG's read-only rule, an archived WG."""
    from flask import g

    from tracker.accounts.models import OrgRole
    from tracker.core.db import utcnow
    from tracker.wg import policy as wg_policy

    member, observer, outsider, dx = make.user(), make.user(), make.user(), make.user(org_roles=[OrgRole.DX_OFFICE])
    admin = make.admin()
    people = {member: "メンバー", observer: "オブザーバー"}
    public, private = make.wg(members=people), make.wg(is_public=False, members=people)
    closed, archived = make.wg(members={member: "WG責任者"}), make.wg(members={member: "WG責任者"})
    make.charter(closed, phase="closed")
    archived.archived_at = utcnow()
    db.session.commit()
    users = [member, observer, outsider, dx, admin]
    granted = {}
    for wg in (public, private, closed, archived):
        g.pop("_wg_permission_cache", None)
        one_by_one = [wg_policy.permissions_for(user, wg) for user in users]
        g.pop("_wg_permission_cache", None)
        wg_policy.read_permissions_of(users, wg)
        assert [wg_policy.permissions_for(user, wg) for user in users] == one_by_one, wg.name
        granted[wg.id] = dict(zip(("member", "observer", "outsider", "dx", "admin"), one_by_one))
    # the cases differ, so the comparison above compared something
    assert "edit_issues" in granted[public.id]["member"] and "edit_issues" not in granted[closed.id]["member"]
    assert "view_issues" in granted[closed.id]["member"] and not granted[archived.id]["member"]
    assert not granted[private.id]["outsider"] and "view_wg" in granted[private.id]["dx"]


def test_dx_office_sees_every_wg_through_an_org_permission(make):
    from tracker.accounts.models import OrgRole

    dx, hr = make.user(org_roles=[OrgRole.DX_OFFICE]), make.user(org_roles=[OrgRole.HR])
    private = make.wg(is_public=False)
    db.session.commit()
    assert has_org_permission(dx, "view_all_wgs") and not has_org_permission(hr, "view_all_wgs")
    assert policy.can(dx, "view", private) and not policy.can(hr, "view", private)
    assert not policy.can(dx, "edit", private)  # read-only
    with pytest.raises(LookupError):
        has_org_permission(dx, "no_such_permission")


def test_org_permission_registry_grants_to_roles_and_admins(make):
    from tracker.accounts.models import OrgRole

    register_org_permission("test_moderate_things", "moderate", roles=[OrgRole.IDEA_MODERATOR])
    moderator, staff, admin = make.user(org_roles=[OrgRole.IDEA_MODERATOR]), make.user(), make.admin()
    assert has_org_permission(moderator, "test_moderate_things")
    assert not has_org_permission(staff, "test_moderate_things")
    assert has_org_permission(admin, "test_moderate_things")
    assert not has_org_permission(None, "test_moderate_things")
