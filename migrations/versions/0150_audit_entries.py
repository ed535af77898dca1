"""audit_entries: the append-only audit log (sign-ins, admin actions, exports, every journaled change).

Revision ID: 0150_audit_entries
Revises: 0121_user_sessions
Create Date: 2026-12-02 21:10:00

"""
from alembic import op
import sqlalchemy as sa

import tracker.core.db  # noqa: F401


revision = '0150_audit_entries'
down_revision = '0121_user_sessions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_entries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', tracker.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_login', sa.String(length=255), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=True),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('wg_id', sa.Integer(), nullable=True),
    sa.Column('address', sa.String(length=45), nullable=True),
    sa.Column('changes', sa.JSON(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('private', sa.Boolean(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries'))
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entries_action_created', ['action', 'created_at'], unique=False)
        batch_op.create_index('ix_audit_entries_actor_created', ['actor_id', 'created_at'], unique=False)
        batch_op.create_index('ix_audit_entries_object', ['object_type', 'object_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_wg_id'), ['wg_id'], unique=False)


def downgrade():
    op.drop_table('audit_entries')
