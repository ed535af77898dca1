"""feed_key_digests: feed keys are stored as SHA-256 digests (column key → key_digest, plus salt).

Existing keys are digested in place, so the feed readers that have them keep working; their owners see
no key on the pages until they make a new one (the key itself is no longer stored).

Revision ID: 0120_feed_key_digests
Revises: 0110_notify_actor_anon
Create Date: 2026-12-02 12:30:00

"""
import hashlib

from alembic import op
import sqlalchemy as sa

import tracker.core.db  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0120_feed_key_digests'
down_revision = '0110_notify_actor_anon'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('feed_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_digest', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('salt', sa.String(length=32), nullable=True))

    connection = op.get_bind()
    feed_keys = sa.table('feed_keys', sa.column('user_id', sa.Integer), sa.column('key', sa.String),
                         sa.column('key_digest', sa.String))
    for user_id, key in connection.execute(sa.select(feed_keys.c.user_id, feed_keys.c.key)).all():
        connection.execute(feed_keys.update().where(feed_keys.c.user_id == user_id)
                           .values(key_digest=hashlib.sha256(key.encode()).hexdigest()))

    with op.batch_alter_table('feed_keys', schema=None) as batch_op:
        batch_op.drop_constraint('uq_feed_keys_key', type_='unique')
        batch_op.drop_column('key')
        batch_op.alter_column('key_digest', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_feed_keys_key_digest'), ['key_digest'])


def downgrade():
    # The keys themselves are gone: every feed key is dropped and must be made again.
    op.execute("DELETE FROM feed_keys")
    with op.batch_alter_table('feed_keys', schema=None) as batch_op:
        batch_op.drop_constraint('uq_feed_keys_key_digest', type_='unique')
        batch_op.drop_column('salt')
        batch_op.drop_column('key_digest')
        batch_op.add_column(sa.Column('key', sa.String(length=64), nullable=False))
        batch_op.create_unique_constraint('uq_feed_keys_key', ['key'])
