"""What the Redmine importer remembers: which of our rows each Redmine object became, per source server,
so that a second run updates instead of duplicating."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.core.db import UTCDateTime, utcnow
from tracker.extensions import db


class RedmineIdMap(db.Model):
    __tablename__ = "redmine_id_map"
    __table_args__ = (UniqueConstraint("source", "kind", "redmine_id", name="uq_redmine_id_map_source_kind_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(255))  # the Redmine server's URL
    kind: Mapped[str] = mapped_column(String(30))  # user, project, issue, journal ...
    redmine_id: Mapped[int] = mapped_column(Integer)
    local_id: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
