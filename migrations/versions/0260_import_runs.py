"""redmine_import_runs: how far a Redmine import got, so that `tracker import redmine --resume` continues.

Revision ID: 0260_import_runs
Revises: 0190_directory_users
Create Date: 2026-12-03 11:00:00

"""
from alembic import op
import sqlalchemy as sa

from tracker.core.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0260_import_runs'
down_revision = '0190_directory_users'
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


def downgrade():
    op.drop_table('redmine_import_runs')
