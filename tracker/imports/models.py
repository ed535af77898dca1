"""An import of tickets from a CSV file, as Redmine keeps one (``imports``): the file, how to read it, which
column goes to which field, and the result. It is its uploader's alone; the file stays in the database so
that every application worker can read it between the steps."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core.db import UTCDateTime, utcnow
from tracker.extensions import db


class TicketImport(db.Model):
    __tablename__ = "ticket_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # the WG whose ticket list the import started from; the mapping step may choose another one
    wg_id: Mapped[int | None] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    # separator, wrapper, encoding, date_format
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    # {"fields": {field: column index}, "all_or_nothing": bool}
    mapping: Mapped[dict] = mapped_column(JSON, default=dict)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(20), default="new")  # new, mapped, done
    # {"created": [ticket ids], "errors": [{"row", "column", "message"}], "imported": bool}
    result: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")
    wg = relationship("WorkingGroup")
