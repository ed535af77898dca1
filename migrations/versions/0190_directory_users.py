"""users.auth_source and users.directory_dn: people who sign in against Active Directory / LDAP.

Revision ID: 0190_directory_users
Revises: 0180_two_factor
Create Date: 2026-12-03 07:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0190_directory_users'
down_revision = '0180_two_factor'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD/DROP COLUMN, not a batch: SQLite's batch copies and drops the users table, and with foreign keys
    # on, dropping it would cascade to every row that references a user. (SQLite has DROP COLUMN since 3.35.)
    op.add_column('users', sa.Column('auth_source', sa.String(length=20), server_default='local', nullable=False))
    op.add_column('users', sa.Column('directory_dn', sa.String(length=500), nullable=True))


def downgrade():
    op.drop_column('users', 'directory_dn')
    op.drop_column('users', 'auth_source')
