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
    __table_args__ = (UniqueConstraint("kind", "object_id", name="uq_search_documents_kind_object"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[int] = mapped_column(Integer)
    wg_id: Mapped[int | None] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    grams: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


from tracker.core.audit import AuditEntry  # noqa: E402,F401  (registers the audit table with the metadata)
