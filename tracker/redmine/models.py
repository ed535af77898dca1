"""What the Redmine importer remembers: which of our rows each Redmine object became, per source server,
so that a second run updates instead of duplicating."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, UniqueConstraint
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


class RedmineImportRun(db.Model):
    """How far an import got, per source server and resource (``issues:<project id>``, ``time_entries:<id>``):
    written in the same transaction as each batch, so ``--resume`` continues after the last committed batch
    and never imports a Redmine object twice."""

    __tablename__ = "redmine_import_runs"
    __table_args__ = (UniqueConstraint("source", "resource", name="uq_redmine_import_runs_source_resource"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(255))
    resource: Mapped[str] = mapped_column(String(60))
    last_redmine_id: Mapped[int] = mapped_column(Integer, default=0)  # objects are read in id order
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    finished: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
