"""A WG's board settings: the WIP limit of each column (per column field: status, assignee ...)."""
from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import db


class BoardWipLimit(db.Model):
    """The WIP limit of one column of a WG's board: ``column_by`` is the column field (``status``,
    ``assigned_to`` ...), ``column_key`` the column (a status id, ``user:3`` ...)."""

    __tablename__ = "board_wip_limits"
    __table_args__ = (UniqueConstraint("wg_id", "column_by", "column_key", name="uq_board_wip_limits_column"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wg_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"), index=True)
    column_by: Mapped[str] = mapped_column(String(20))
    column_key: Mapped[str] = mapped_column(String(40))
    wip_limit: Mapped[int] = mapped_column(Integer)
