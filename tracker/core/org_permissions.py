"""Organisation-wide permissions, granted by organisation roles (DX office, HR, idea moderator).

A feature declares what an organisation role lets a user do once, by name, and asks by that name; nobody
checks ``user.is_dx_office`` inline, so the rule "who may see every WG" is written in one place:

    register_org_permission("view_all_wgs", _l("See every WG"), roles=[OrgRole.DX_OFFICE])
    has_org_permission(user, "view_all_wgs")

Administrators hold every organisation permission. Deactivated and anonymous users hold none.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from tracker.core.policy import is_signed_in


@dataclass
class OrgPermission:
    name: str
    label: object
    roles: frozenset = field(default_factory=frozenset)


_ORG_PERMISSIONS: dict[str, OrgPermission] = {}


def register_org_permission(name: str, label, roles) -> OrgPermission:
    """Declare ``name``, granted to the organisation roles ``roles`` (OrgRole members or their values).
    Declaring a name again adds roles to it (two features may grant the same thing)."""
    from tracker.accounts.models import OrgRole

    wanted = frozenset(OrgRole(r) for r in roles)
    existing = _ORG_PERMISSIONS.get(name)
    if existing is not None:
        existing.roles = existing.roles | wanted
        return existing
    permission = OrgPermission(name, label, wanted)
    _ORG_PERMISSIONS[name] = permission
    return permission


def org_permissions() -> dict[str, OrgPermission]:
    return dict(_ORG_PERMISSIONS)


def roles_granting(name: str) -> frozenset:
    try:
        return _ORG_PERMISSIONS[name].roles
    except KeyError:
        raise LookupError(f"No organisation permission {name!r}; known: {sorted(_ORG_PERMISSIONS)}") from None


def has_org_permission(user, name: str) -> bool:
    """Whether ``user`` holds the organisation permission ``name`` (an unknown name is a programming error)."""
    roles = roles_granting(name)
    if not is_signed_in(user):
        return False
    if user.is_admin:
        return True
    return bool(roles & set(user.org_roles))
