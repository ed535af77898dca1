"""Data steps for migrations: the default roles, and granting a new feature's permissions to them.

Migrations call these with plain table constructs so that they keep working when the models change.
"""
from __future__ import annotations

import json

import sqlalchemy as sa

ROLES = sa.table(
    "roles",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("position", sa.Integer),
    sa.column("permissions", sa.JSON),
    sa.column("created_at", sa.DateTime),
    sa.column("updated_at", sa.DateTime),
)

LEADER, MEMBER, OBSERVER = "WG責任者", "メンバー", "オブザーバー"


def create_default_roles(bind) -> None:
    from datetime import datetime, timezone

    now = datetime.now(timezone.utc)
    existing = {row.name for row in bind.execute(sa.select(ROLES.c.name))}
    rows = [
        {"name": LEADER, "position": 1, "permissions": ["manage_members", "manage_wg", "view_wg"]},
        {"name": MEMBER, "position": 2, "permissions": ["view_wg"]},
        {"name": OBSERVER, "position": 3, "permissions": ["view_wg"]},
    ]
    for row in rows:
        if row["name"] not in existing:
            bind.execute(ROLES.insert().values(created_at=now, updated_at=now, **row))


def grant(bind, permissions_by_role: dict[str, list[str]]) -> None:
    """Add permissions to the default roles that still exist (admins may have renamed or removed them)."""
    for row in bind.execute(sa.select(ROLES.c.id, ROLES.c.name, ROLES.c.permissions)):
        wanted = permissions_by_role.get(row.name)
        if not wanted:
            continue
        current = row.permissions if isinstance(row.permissions, list) else json.loads(row.permissions or "[]")
        merged = sorted(set(current) | set(wanted))
        bind.execute(ROLES.update().where(ROLES.c.id == row.id).values(permissions=merged))
