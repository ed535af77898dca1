"""The access policy of working groups, and the one place that answers "may this user do X in this WG?".

Every feature asks here (directly or through ``wg.allows``): ``permissions_for`` / ``has_permission`` for one
WG in Python, ``with_permission`` / ``ids_with_permission`` for SQL. Both sides are built from the same
declarations: role permissions (tracker.wg.permissions), read-only permissions for public WGs and for those
who see every WG (an organisation permission), and restrictions such as "a closed WG is read-only".
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, String, and_, false, literal, or_, select, true, union_all

from tracker.accounts.models import OrgRole, load_org_roles
from tracker.core.org_permissions import has_org_permission, register_org_permission
from tracker.core.policy import Policy, is_signed_in, register
from tracker.core.translation import lazy_gettext as _l
from tracker.extensions import db
from tracker.wg import permissions as perms
from tracker.wg.models import Member, MemberRole, Role, WorkingGroup, _request_cache

# The DX office sees every WG read-only (Redmine's "view all projects" as an organisation role).
VIEW_ALL_WGS = "view_all_wgs"
register_org_permission(VIEW_ALL_WGS, _l("See every WG (read-only)"), roles=[OrgRole.DX_OFFICE])
CREATE_WGS = "create_wgs"
register_org_permission(CREATE_WGS, _l("Create WGs"), roles=[OrgRole.DX_OFFICE])

# A WG action is a WG permission; a member's roles grant permissions.
ACTION_PERMISSIONS = {
    "view": "view_wg",
    "edit": "manage_wg",
    "manage": "manage_wg",
    "manage_members": "manage_members",
}


def _sees_all_wgs(user) -> bool:
    return has_org_permission(user, VIEW_ALL_WGS)


def permissions_for(user, wg: WorkingGroup) -> set[str]:
    """Every WG permission ``user`` holds in ``wg`` (memoised for the request)."""
    if not is_signed_in(user):
        return set()
    if user.is_admin:
        return perms.all_permissions()
    cache = _request_cache()
    key = ("wg", wg.id, user.id)
    if cache is not None and key in cache:
        return set(cache[key])
    member = db.session.scalar(select(Member).where(Member.wg_id == wg.id, Member.user_id == user.id))
    granted = _granted(user, wg, member)
    if cache is not None:
        cache[key] = frozenset(granted)
    return granted


def _granted(user, wg: WorkingGroup, member: Member | None, restrictions=None) -> set[str]:
    granted: set[str] = set()
    if member is not None:
        granted |= member.permissions
        granted.add("view_wg")
    if wg.is_public or _sees_all_wgs(user):
        granted |= perms.READ_ONLY
    if restrictions is None:
        restrictions = [r for r in perms.RESTRICTIONS.values() if r.applies_to(wg)]
    for restriction in restrictions:
        granted = {p for p in granted if not restriction.removes(p)}
    return granted


def read_permissions_of(users, wg: WorkingGroup) -> None:
    """Reads what ``users`` may do in ``wg`` into the request's memo with one statement for all of them,
    so that ``has_permission`` asked for each (a notification's recipients) reads nothing more."""
    cache = _request_cache()
    if cache is None:
        return
    wanted = [u for u in users if is_signed_in(u) and not u.is_admin and ("wg", wg.id, u.id) not in cache]
    if not wanted:
        return
    load_org_roles(wanted)
    members = {m.user_id: m for m in db.session.scalars(
        select(Member).where(Member.wg_id == wg.id, Member.user_id.in_([u.id for u in wanted])))}
    restrictions = [r for r in perms.RESTRICTIONS.values() if r.applies_to(wg)]
    for user in wanted:
        cache[("wg", wg.id, user.id)] = frozenset(_granted(user, wg, members.get(user.id), restrictions))


def has_permission(user, wg: WorkingGroup | None, permission: str) -> bool:
    """The generic question: does ``user`` hold the WG permission ``permission`` in ``wg``?"""
    if wg is None:
        return False
    if permission not in perms.PERMISSIONS:
        raise ValueError(f"No WG permission {permission!r}")
    return permission in permissions_for(user, wg)


def _roles_with(permission: str) -> list[int]:
    """The ids of the roles granting ``permission``; every role is read once per request."""
    cache = _request_cache()
    by_permission = cache.get("roles_by_permission") if cache is not None else None
    if by_permission is None:
        by_permission = {}
        for role in db.session.scalars(select(Role)):
            for name in role.permissions or []:
                by_permission.setdefault(name, []).append(role.id)
        if cache is not None:
            cache["roles_by_permission"] = by_permission
    return by_permission.get(permission, [])


def with_permission(user, permission: str) -> ColumnElement[bool]:
    """SQL condition on WorkingGroup: the WGs where ``user`` holds ``permission`` (the SQL twin of
    ``has_permission``: pickers, lists and every ``visible`` built on WGs use it)."""
    if not is_signed_in(user):
        return false()
    if user.is_admin:
        return true()
    granted_by = []
    if permission == "view_wg":
        # Any membership shows the WG, whatever the member's roles.
        granted_by.append(WorkingGroup.id.in_(select(Member.wg_id).where(Member.user_id == user.id)))
    role_ids = _roles_with(permission)
    if role_ids:
        granted_by.append(WorkingGroup.id.in_(
            select(Member.wg_id)
            .join(MemberRole, MemberRole.member_id == Member.id)
            .where(Member.user_id == user.id, MemberRole.role_id.in_(role_ids))
        ))
    if permission in perms.READ_ONLY:
        granted_by.append(true() if _sees_all_wgs(user) else WorkingGroup.is_public.is_(True))
    if not granted_by:
        return false()
    condition = or_(*granted_by)
    restricted = [r for r in perms.RESTRICTIONS.values() if r.removes(permission)]
    if restricted:
        # "Not in a restricted state": NOT IN over a non-null id column (the restriction's WG ids), so
        # NULL cannot make a restricted WG slip through.
        condition = and_(condition, *[WorkingGroup.id.not_in(r.restricted_wg_ids()) for r in restricted])
    return condition


def _request_user_id() -> int | None:
    from flask import has_request_context
    from flask_login import current_user

    if not has_request_context():
        return None
    return getattr(current_user, "id", None)


def ids_with_permission(user, permission: str):
    """The ids of the WGs where ``user`` holds ``permission``, for ``column.in_(...)``.

    For the request's own user they are read once (again after a flush or rollback that touches membership,
    roles or WGs, see ``tracker.wg.models._request_cache``) into a list, so that every statement filtering by
    them carries plain ids: PostgreSQL then plans a ticket list or a search against known WGs instead of
    estimating nested subqueries again in every statement. For anyone else (the recipients of a notification,
    asked once each) and outside a request: ``SELECT id FROM working_groups WHERE ...``."""
    stmt = select(WorkingGroup.id).where(with_permission(user, permission))
    cache = _request_cache()
    if cache is None or not is_signed_in(user) or user.id != _request_user_id():
        return stmt
    key = ("wg_ids", permission, user.id)
    if key not in cache:
        together = [p for p in READ_TOGETHER if p != permission and ("wg_ids", p, user.id) not in cache]
        if permission not in READ_TOGETHER or not together:
            cache[key] = tuple(db.session.scalars(stmt.order_by(WorkingGroup.id)))
        else:
            wanted = [permission, *together]
            rows = db.session.execute(union_all(*[
                select(literal(p, String).label("permission"), WorkingGroup.id).where(with_permission(user, p))
                for p in wanted])).all()
            for p in wanted:
                cache[("wg_ids", p, user.id)] = tuple(sorted(wg_id for granted, wg_id in rows if granted == p))
    return list(cache[key])


# The permissions every ticket list, search and note asks about together: the first asked reads all of them in one
# statement (each by its own ``with_permission``), which saves a round trip per further permission.
READ_TOGETHER = ("view_issues", "view_private_issues", "view_private_notes")


def wg_id_set(user, permission: str) -> set[int]:
    """``ids_with_permission`` as a set in Python, for a page that asks about many WGs at once."""
    ids = ids_with_permission(user, permission)
    return set(ids) if isinstance(ids, list) else set(db.session.scalars(ids))


@register
class WorkingGroupPolicy(Policy):
    model = WorkingGroup
    actions = frozenset(ACTION_PERMISSIONS)

    def can(self, user, action: str, wg: WorkingGroup) -> bool:
        return has_permission(user, wg, ACTION_PERMISSIONS[action])

    def visible(self, user) -> ColumnElement[bool]:
        return with_permission(user, "view_wg")
