"""A board's cards: the few columns a card shows, read in one query with plain rows rather than ORM tickets
(a board of 500 cards would otherwise spend most of its time building ticket objects it never changes).

A card answers what the drop rules and the columns ask of a ticket (``wg_id``, ``tracker_id``, ``status_id``,
``assignee_key`` ...), so ``DropRules`` takes either."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import aliased

from tracker.accounts.models import Section, User
from tracker.extensions import db
from tracker.tickets.models import IssuePriority, IssueStatus, Ticket, assignee_key
from tracker.wg.models import WorkingGroup


@dataclass(eq=False)
class Card:
    id: int
    subject: str
    lock_version: int
    wg_id: int
    tracker_id: int
    status_id: int
    priority_id: int
    fixed_version_id: int | None
    category_id: int | None
    assigned_to_id: int | None
    assigned_section_id: int | None
    due_date: date | None
    assignee_name: str | None
    section_id: int | None  # the assignee's section (課): the assigned section, or the assigned user's
    section_name: str | None
    section_position: int
    wg: WorkingGroup
    status: IssueStatus
    priority: IssuePriority

    @property
    def url(self) -> str:
        return f"/issues/{self.id}"

    @property
    def assignee(self) -> str | None:
        return self.assignee_name

    @property
    def assignee_key(self) -> str:
        return assignee_key(self.assigned_to_id, self.assigned_section_id)

    @property
    def is_closed(self) -> bool:
        return self.status.is_closed


def load_cards(ids: list[int]) -> list[Card]:
    """The cards of the tickets ``ids`` (visible ones: they come from the ticket query), in that order."""
    if not ids:
        return []
    assignee, assigned_section, users_section = aliased(User), aliased(Section), aliased(Section)
    rows = db.session.execute(
        select(Ticket.id, Ticket.subject, Ticket.lock_version, Ticket.wg_id, Ticket.tracker_id, Ticket.status_id,
               Ticket.priority_id, Ticket.fixed_version_id, Ticket.category_id, Ticket.assigned_to_id,
               Ticket.assigned_section_id, Ticket.due_date, assignee.name, assigned_section.id, assigned_section.name,
               assigned_section.position, users_section.id, users_section.name, users_section.position)
        .outerjoin(assignee, assignee.id == Ticket.assigned_to_id)
        .outerjoin(assigned_section, assigned_section.id == Ticket.assigned_section_id)
        .outerjoin(users_section, users_section.id == assignee.section_id)
        .where(Ticket.id.in_(ids))
    ).all()
    statuses = {s.id: s for s in db.session.scalars(select(IssueStatus))}
    priorities = {p.id: p for p in db.session.scalars(select(IssuePriority))}
    wgs = {w.id: w for w in db.session.scalars(select(WorkingGroup).where(WorkingGroup.id.in_({r[3] for r in rows})))}
    cards = {}
    for r in rows:
        direct = r[13] is not None
        cards[r[0]] = Card(
            id=r[0], subject=r[1], lock_version=r[2], wg_id=r[3], tracker_id=r[4], status_id=r[5], priority_id=r[6],
            fixed_version_id=r[7], category_id=r[8], assigned_to_id=r[9], assigned_section_id=r[10], due_date=r[11],
            assignee_name=r[12] if r[12] is not None else r[14],
            section_id=r[13] if direct else r[16], section_name=r[14] if direct else r[17],
            section_position=(r[15] if direct else r[18]) or 0,
            wg=wgs[r[3]], status=statuses[r[5]], priority=priorities[r[6]],
        )
    return [cards[i] for i in ids if i in cards]


def card_of(ticket: Ticket) -> Card:
    """The card of a ticket already loaded (the one a drop just changed), without reading it again."""
    user, section = ticket.assigned_to, ticket.assigned_section
    lane_section = section if section is not None else (user.section if user is not None else None)
    return Card(
        id=ticket.id, subject=ticket.subject, lock_version=ticket.lock_version, wg_id=ticket.wg_id,
        tracker_id=ticket.tracker_id, status_id=ticket.status_id, priority_id=ticket.priority_id,
        fixed_version_id=ticket.fixed_version_id, category_id=ticket.category_id, assigned_to_id=ticket.assigned_to_id,
        assigned_section_id=ticket.assigned_section_id, due_date=ticket.due_date,
        assignee_name=user.name if user is not None else (section.name if section is not None else None),
        section_id=lane_section.id if lane_section is not None else None,
        section_name=lane_section.name if lane_section is not None else None,
        section_position=(lane_section.position if lane_section is not None else 0) or 0,
        wg=ticket.wg, status=ticket.status, priority=ticket.priority,
    )
