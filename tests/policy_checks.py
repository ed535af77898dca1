"""Helpers for the per-feature policy tests: a policy's Python answer (``can``) and its SQL answer
(``visible``) must both give what a user would notice, for each kind of user."""
from __future__ import annotations

from flask_login import AnonymousUserMixin
from sqlalchemy import select

from tracker.core import policy
from tracker.extensions import db


def sees(user, obj) -> tuple[bool, bool]:
    """(``can(user, "view", obj)``, whether ``visible(user)`` selects obj's row)."""
    model = type(obj)
    in_sql = db.session.scalar(select(model.id).where(model.id == obj.id, policy.visible(model, user))) is not None
    in_ids = db.session.scalar(policy.visible_ids(model, user).where(model.id == obj.id)) is not None
    assert in_sql == in_ids
    return policy.can(user, "view", obj), in_sql


def assert_visibility(obj, expected: dict) -> None:
    """``expected`` maps a label to (user, may see); Python and SQL must both agree with it."""
    for label, (user, may) in expected.items():
        assert sees(user, obj) == (may, may), f"{label}: expected {'visible' if may else 'hidden'}"


def anonymous():
    return AnonymousUserMixin()


def wg_people(make, wg_public: bool, role: str = "メンバー"):
    """The users every WG-scoped test asks about, and the WG."""
    member, outsider = make.user(), make.user()
    inactive_member = make.user(active=False)
    dx = make.user(org_roles=["dx_office"])
    admin = make.admin()
    wg = make.wg(members={member: role, inactive_member: role}, is_public=wg_public)
    return wg, {"member": member, "outsider": outsider, "inactive member": inactive_member, "dx office": dx,
                "admin": admin, "anonymous": anonymous()}


def wg_expectations(people, wg_public: bool) -> dict:
    return {
        "member": (people["member"], True),
        "outsider": (people["outsider"], wg_public),
        "inactive member": (people["inactive member"], False),
        "dx office": (people["dx office"], True),
        "admin": (people["admin"], True),
        "anonymous": (people["anonymous"], False),
    }
