"""working_groups.archived_at: a WG archived as a Redmine project is (hidden from all but administrators).

Revision ID: 0250_redmine_api
Revises: 0190_directory_users
Create Date: 2026-12-03 11:00:00

"""
from alembic import op
import sqlalchemy as sa

from tracker.core.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0250_redmine_api'
down_revision = '0280_search_like_redmine'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('working_groups', sa.Column('archived_at', UTCDateTime(timezone=True), nullable=True))


def downgrade():
    op.drop_column('working_groups', 'archived_at')
