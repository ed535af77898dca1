"""users.auth_source and users.directory_dn: people who sign in against Active Directory / LDAP.

Revision ID: 0190_directory_users
Revises: 0170_audit_log_indexes
Create Date: 2026-12-03 07:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0190_directory_users'
down_revision = '0170_audit_log_indexes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('auth_source', sa.String(length=20), server_default='local', nullable=False))
        batch_op.add_column(sa.Column('directory_dn', sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('directory_dn')
        batch_op.drop_column('auth_source')
