"""Reading journals: the ticket's journals a user may see. They are written by the one history recorder
(``tracker.tickets.history``) and shown as sentences by ``tracker.tickets.web.presenters.DetailFormatter``."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from tracker.core import policy
from tracker.extensions import db
from tracker.tickets.models import Journal, Ticket


def visible_journals(ticket: Ticket, user) -> list[Journal]:
    """The ticket's journals; private notes only for those who may see them (their own always)."""
    stmt = (select(Journal).where(policy.policy_for(Journal).visible_on_ticket(user, ticket)).order_by(Journal.id)
            .options(joinedload(Journal.user), selectinload(Journal.details)))
    return list(db.session.scalars(stmt).unique())
