"""journal_notes: the permissions to edit notes (edit_issue_notes, edit_own_issue_notes); no schema change.

Revision ID: 0080_journal_notes
Revises: 0070_password_reset
Create Date: 2026-11-22 20:40:00

"""
import json

from alembic import op
import sqlalchemy as sa

import tracker.core.db  # noqa: F401
from tracker.wg.migration_helpers import LEADER, MEMBER, ROLES, grant


# revision identifiers, used by Alembic.
revision = '0080_journal_notes'
down_revision = '0070_password_reset'
branch_labels = None
depends_on = None

PERMISSIONS = ("edit_issue_notes", "edit_own_issue_notes")


def upgrade():
    grant(op.get_bind(), {LEADER: list(PERMISSIONS), MEMBER: ["edit_own_issue_notes"]})


def downgrade():
    bind = op.get_bind()
    for row in bind.execute(sa.select(ROLES.c.id, ROLES.c.permissions)):
        current = row.permissions if isinstance(row.permissions, list) else json.loads(row.permissions or "[]")
        kept = [p for p in current if p not in PERMISSIONS]
        if kept != current:
            bind.execute(ROLES.update().where(ROLES.c.id == row.id).values(permissions=kept))
