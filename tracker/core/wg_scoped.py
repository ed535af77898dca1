"""The policy shape shared by objects that live inside one WG (meetings, risks, planning notes, quarterly
entries, charters, gate decisions): such an object is visible exactly when its WG is visible, and each
further action is one WG permission.

The WG rule itself is the WG's (``WorkingGroup.visible(user)`` in SQL, ``wg.allows(user, permission)`` in
Python); this module only applies it to a ``wg_id`` column, so when the WG rule changes every WG-scoped
object follows.
"""
from __future__ import annotations

from typing import ClassVar

from sqlalchemy import ColumnElement, false

from tracker.core.policy import VIEW, Policy, is_signed_in
from tracker.extensions import db


def wg_of(obj):
    """The WG an object belongs to (its relationship when it has one, else by ``wg_id`` from the
    identity map, which costs no query once the WG is loaded)."""
    from tracker.wg.models import WorkingGroup

    wg = getattr(obj, "wg", None)
    if wg is None and getattr(obj, "wg_id", None) is not None:
        wg = db.session.get(WorkingGroup, obj.wg_id)
    return wg


def visible_wg_ids(user):
    from tracker.wg import policy as wg_policy

    return wg_policy.ids_with_permission(user, "view_wg")


class WgScopedPolicy(Policy):
    """``view``: the WG is visible. Every other action maps to the WG permission in ``permissions``."""

    # action -> WG permission (besides ``view``, which is the WG's visibility)
    permissions: ClassVar[dict[str, str]] = {}

    def can(self, user, action: str, obj) -> bool:
        if not is_signed_in(user):
            return False
        wg = wg_of(obj)
        if wg is None or not wg.visible_to(user):
            return False
        if action == VIEW:
            return True
        return wg.allows(user, self.permissions[action])

    def visible(self, user) -> ColumnElement[bool]:
        if not is_signed_in(user):
            return false()
        return self.model.wg_id.in_(visible_wg_ids(user))
