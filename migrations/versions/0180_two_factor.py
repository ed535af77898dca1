"""two-factor sign-in (TOTP secrets, recovery codes) and the password policy (history, age, forced change).

Revision ID: 0180_two_factor
Revises: 0170_audit_log_indexes
Create Date: 2026-12-03 07:30:00

"""
from alembic import op
import sqlalchemy as sa

import tracker.core.db  # noqa: F401


revision = '0180_two_factor'
down_revision = '0170_audit_log_indexes'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN, not a batch: SQLite's batch copies and drops the users table, and with foreign keys on
    # dropping it would cascade to every row that references a user.
    op.add_column('users', sa.Column('password_changed_at', tracker.core.db.UTCDateTime(timezone=True), nullable=True))
    op.add_column('users', sa.Column('password_change_required', sa.Boolean(), server_default=sa.false(), nullable=False))
    # Existing passwords start their maximum age today rather than being expired at once.
    users = sa.table('users', sa.column('password_hash'), sa.column('password_changed_at'))
    op.execute(users.update().where(users.c.password_hash.isnot(None)).values(password_changed_at=sa.func.now()))

    op.create_table('password_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('created_at', tracker.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_password_history_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_history'))
    )
    op.create_index(op.f('ix_password_history_user_id'), 'password_history', ['user_id'], unique=False)

    op.create_table('user_two_factor',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('secret', sa.String(length=64), nullable=False),
    sa.Column('enabled_at', tracker.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_step', sa.Integer(), nullable=True),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('device_nonce', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_two_factor_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_user_two_factor'))
    )

    op.create_table('two_factor_recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=255), nullable=False),
    sa.Column('used_at', tracker.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_two_factor_recovery_codes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_two_factor_recovery_codes'))
    )
    op.create_index(op.f('ix_two_factor_recovery_codes_user_id'), 'two_factor_recovery_codes', ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_two_factor_recovery_codes_user_id'), table_name='two_factor_recovery_codes')
    op.drop_table('two_factor_recovery_codes')
    op.drop_table('user_two_factor')
    op.drop_index(op.f('ix_password_history_user_id'), table_name='password_history')
    op.drop_table('password_history')
    op.drop_column('users', 'password_change_required')  # SQLite 3.35+ drops a column in place
    op.drop_column('users', 'password_changed_at')
