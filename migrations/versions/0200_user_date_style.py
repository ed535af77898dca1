"""users.date_style: each user's choice of 西暦 (2026年12月2日) or 和暦 (R8年12月2日) display.

Revision ID: 0200_user_date_style
Revises: 0190_directory_users
Create Date: 2026-12-03 11:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0200_user_date_style'
down_revision = '0260_import_runs'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD/DROP COLUMN, not a batch: a batch on SQLite recreates users and cascades deletes.
    op.add_column('users', sa.Column('date_style', sa.String(length=10), server_default='western', nullable=False))


def downgrade():
    op.drop_column('users', 'date_style')
