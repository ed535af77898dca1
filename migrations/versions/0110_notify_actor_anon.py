"""notification_actor_anonymous: a notification whose actor is the author of an anonymous post, shown to
its recipient as 匿名 (the actor's id is then not stored).

Revision ID: 0110_notify_actor_anon
Revises: 0080_journal_notes
Create Date: 2026-12-02 12:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0110_notify_actor_anon'
down_revision = '0080_journal_notes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications') as batch_op:
        batch_op.add_column(sa.Column('actor_anonymous', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('notifications') as batch_op:
        batch_op.drop_column('actor_anonymous')
