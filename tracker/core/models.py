"""Tables shared by every feature."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.core.db import UTCDateTime, utcnow
from tracker.extensions import db


class SearchDocument(db.Model):
    """One searchable thing (a ticket, a journal, a WG, an idea ...) as text, kept in step by the services
    that change it. ``grams`` holds the text cut into overlapping two-character pieces, which the database's
    own full-text index (SQLite FTS5, PostgreSQL tsvector + GIN) matches; see ``tracker.core.textsearch``."""

    __tablename__ = "search_documents"
    __table_args__ = (
        UniqueConstraint("kind", "object_id", name="uq_search_documents_kind_object"),
        Index("ix_search_documents_created_at_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[int] = mapped_column(Integer)
    wg_id: Mapped[int | None] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    grams: Mapped[str] = mapped_column(Text, default="")
    # The title normalised as the query is (full-width to half-width, lower case), for a titles-only search.
    title_key: Mapped[str] = mapped_column(Text, default="")
    # When the thing found was made (a ticket's or a note's creation): results are listed newest first by it,
    # as Redmine lists them. On PostgreSQL the table also has ``grams_vector``, a stored tsvector of ``grams``
    # with the GIN index (see migration 0280), which the model leaves to the database.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


from tracker.core.audit import AuditEntry  # noqa: E402,F401  (registers the audit table with the metadata)
