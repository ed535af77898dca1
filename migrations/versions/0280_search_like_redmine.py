"""search_documents.created_at and title_key: search results newest first, as Redmine lists them, and a titles-only
search; on PostgreSQL a stored tsvector with its GIN index, so that a match is checked against the stored vector
instead of re-reading and re-parsing every matching document's text.

Revision ID: 0280_search_like_redmine
Revises: 0190_directory_users
Create Date: 2026-12-03 11:00:00

"""
import unicodedata

from alembic import op
import sqlalchemy as sa

import tracker.core.db


revision = '0280_search_like_redmine'
down_revision = '0190_directory_users'
branch_labels = None
depends_on = None


def _title_key(title):
    # The same normalisation as tracker.core.textsearch.normalize (copied: a migration must not change with the app).
    return unicodedata.normalize("NFKC", title or "").lower()


def upgrade():
    bind = op.get_bind()
    # SQLite cannot add a column whose default is not a constant; every row is dated just below anyway.
    default = sa.func.current_timestamp() if bind.dialect.name == "postgresql" else sa.text("'1970-01-01 00:00:00'")
    op.add_column('search_documents', sa.Column('created_at', tracker.core.db.UTCDateTime(timezone=True),
                                                server_default=default, nullable=False))
    op.add_column('search_documents', sa.Column('title_key', sa.Text(), server_default='', nullable=False))
    # The date of the thing found, as Redmine's search shows and sorts by it: a ticket's or a note's creation.
    op.execute("UPDATE search_documents SET created_at = updated_at")
    op.execute("UPDATE search_documents SET created_at = (SELECT tickets.created_at FROM tickets "
               "WHERE tickets.id = search_documents.object_id) WHERE kind = 'ticket' "
               "AND EXISTS (SELECT 1 FROM tickets WHERE tickets.id = search_documents.object_id)")
    op.execute("UPDATE search_documents SET created_at = (SELECT journals.created_at FROM journals "
               "WHERE journals.id = search_documents.object_id) WHERE kind = 'journal' "
               "AND EXISTS (SELECT 1 FROM journals WHERE journals.id = search_documents.object_id)")
    documents = sa.table('search_documents', sa.column('id', sa.Integer), sa.column('title', sa.Text),
                         sa.column('title_key', sa.Text))
    rows = bind.execute(sa.select(documents.c.id, documents.c.title)).all()
    for start in range(0, len(rows), 5000):
        bind.execute(documents.update().where(documents.c.id == sa.bindparam('doc_id'))
                     .values(title_key=sa.bindparam('key')),
                     [{'doc_id': r.id, 'key': _title_key(r.title)} for r in rows[start:start + 5000]])
    op.create_index('ix_search_documents_created_at_id', 'search_documents', ['created_at', 'id'])
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE search_documents ADD COLUMN grams_vector tsvector "
                   "GENERATED ALWAYS AS (to_tsvector('simple', grams)) STORED")
        op.execute("DROP INDEX IF EXISTS ix_search_documents_grams_fts")
        op.execute("CREATE INDEX ix_search_documents_grams_vector ON search_documents USING gin (grams_vector)")


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_documents_grams_vector")
        op.execute("ALTER TABLE search_documents DROP COLUMN IF EXISTS grams_vector")
        op.execute("CREATE INDEX ix_search_documents_grams_fts ON search_documents "
                   "USING gin (to_tsvector('simple', grams))")
    op.drop_index('ix_search_documents_created_at_id', table_name='search_documents')
    op.drop_column('search_documents', 'title_key')
    op.drop_column('search_documents', 'created_at')
