"""The activity provider of tickets (``tracker.core.activity``): tickets created and journals written, newest
first, within what the user may see."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import literal, select
from sqlalchemy.orm import joinedload

from tracker.core import activity as stream, policy
from tracker.extensions import db
from tracker.tickets.models import Journal, Ticket
from tracker.wg.models import WorkingGroup


@dataclass
class ActivityItem:
    kind: str  # "ticket" (created) or "journal"
    at: datetime
    ticket: Ticket
    journal: Journal | None = None

    @property
    def user(self):
        return self.journal.user if self.journal is not None else self.ticket.author

    @property
    def url(self) -> str:
        return f"/issues/{self.ticket.id}" + (f"#note-{self.journal.id}" if self.journal is not None else "")


def _events(user, wg, before, author_id, limit) -> list:
    visible = policy.visible(Ticket, user)
    created = select(literal("ticket").label("kind"), Ticket.id.label("id"), Ticket.created_at.label("at")).where(visible)
    changed = (
        select(literal("journal").label("kind"), Journal.id.label("id"), Journal.created_at.label("at"))
        .join(Ticket, Ticket.id == Journal.ticket_id)
        .where(visible, policy.visible(Journal, user))  # JournalPolicy: private notes too
    )
    if wg is not None:
        created = created.where(Ticket.wg_id == wg.id)
        changed = changed.where(Ticket.wg_id == wg.id)
    if before is not None:
        created = created.where(Ticket.created_at < before)
        changed = changed.where(Journal.created_at < before)
    if author_id is not None:
        created = created.where(Ticket.author_id == author_id)
        changed = changed.where(Journal.user_id == author_id)
    return [created.order_by(Ticket.created_at.desc()).limit(limit), changed.order_by(Journal.created_at.desc()).limit(limit)]


def _load(rows) -> dict:
    journal_ids = [r.id for r in rows if r.kind == "journal"]
    journals = {j.id: j for j in db.session.scalars(select(Journal).where(Journal.id.in_(journal_ids)))} if journal_ids else {}
    ticket_ids = {r.id for r in rows if r.kind == "ticket"} | {j.ticket_id for j in journals.values()}
    tickets = {
        t.id: t for t in db.session.scalars(
            select(Ticket).where(Ticket.id.in_(ticket_ids)).options(
                joinedload(Ticket.tracker), joinedload(Ticket.status), joinedload(Ticket.wg), joinedload(Ticket.author))
        ).unique()
    } if ticket_ids else {}
    items = {}
    for row in rows:
        if row.kind == "ticket":
            items[("ticket", row.id)] = ActivityItem("ticket", tickets[row.id].created_at, tickets[row.id])
        else:
            journal = journals[row.id]
            items[("journal", row.id)] = ActivityItem("journal", journal.created_at, tickets[journal.ticket_id], journal)
    return items


stream.register(stream.Provider("tickets", _events, _load, kinds=("ticket", "journal")))


def activity(user, wg: WorkingGroup | None = None, limit: int = 50, before: datetime | None = None,
             author_id: int | None = None) -> list[ActivityItem]:
    """The tickets' activity: tickets created and journals written."""
    return stream.stream(user, wg=wg, limit=limit, before=before, author_id=author_id, providers=["tickets"])
