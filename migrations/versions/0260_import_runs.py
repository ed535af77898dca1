"""redmine_import_runs: how far a Redmine import got, so that `tracker import redmine --resume` continues;
ticket_imports: CSV imports of tickets (the file, its settings, mapping and result).

Revision ID: 0260_import_runs
Revises: 0190_directory_users
Create Date: 2026-12-03 11:00:00

"""
from alembic import op
import sqlalchemy as sa

from tracker.core.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0260_import_runs'
down_revision = '0250_redmine_api'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('redmine_import_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=255), nullable=False),
    sa.Column('resource', sa.String(length=60), nullable=False),
    sa.Column('last_redmine_id', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('finished', sa.Boolean(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_redmine_import_runs')),
    sa.UniqueConstraint('source', 'resource', name='uq_redmine_import_runs_source_resource')
    )

    op.create_table('ticket_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('wg_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('mapping', sa.JSON(), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('finished_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_ticket_imports_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['wg_id'], ['working_groups.id'], name=op.f('fk_ticket_imports_wg_id_working_groups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_imports'))
    )
    op.create_index(op.f('ix_ticket_imports_user_id'), 'ticket_imports', ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_ticket_imports_user_id'), table_name='ticket_imports')
    op.drop_table('ticket_imports')
    op.drop_table('redmine_import_runs')
