"""Demo WGs with members."""
from __future__ import annotations

from sqlalchemy import select

from tracker.extensions import db
from tracker.wg.demo_data import WGS
from tracker.wg.models import Role, WorkingGroup
from tracker.wg.services import add_member


def load(ctx) -> None:
    users = ctx.shared["users"]
    roles = {role.name: role for role in db.session.scalars(select(Role))}
    wgs = {}
    for identifier, name, description, public, members in WGS:
        wg = db.session.scalar(select(WorkingGroup).where(WorkingGroup.identifier == identifier))
        if wg is None:
            wg = WorkingGroup(identifier=identifier, name=name, description=description, is_public=public)
            db.session.add(wg)
            db.session.flush()
            for login, role_name in members.items():
                add_member(None, wg, users[login], [roles[role_name]])
        wgs[identifier] = wg
    ctx.shared["wgs"] = wgs
