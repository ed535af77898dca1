"""audit_entries: indexes for the audit log's search (user, login, action and object type, each walked newest
id first; object type by time for a date range).

Revision ID: 0170_audit_log_indexes
Revises: 0160_history_charter_ideas
Create Date: 2026-12-03 07:30:00

"""
from alembic import op


revision = '0170_audit_log_indexes'
down_revision = '0160_history_charter_ideas'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entries_actor_id', ['actor_id', 'id'], unique=False)
        batch_op.create_index('ix_audit_entries_login_id', ['actor_login', 'id'], unique=False)
        batch_op.create_index('ix_audit_entries_action_id', ['action', 'id'], unique=False)
        batch_op.create_index('ix_audit_entries_type_id', ['object_type', 'id'], unique=False)
        batch_op.create_index('ix_audit_entries_type_created', ['object_type', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entries_type_created')
        batch_op.drop_index('ix_audit_entries_type_id')
        batch_op.drop_index('ix_audit_entries_action_id')
        batch_op.drop_index('ix_audit_entries_login_id')
        batch_op.drop_index('ix_audit_entries_actor_id')
