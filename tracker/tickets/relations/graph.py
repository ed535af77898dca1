"""Relations between tickets: relates, duplicates, blocks, precedes/follows with a delay (a follower is
rescheduled after its predecessor), copied_to; stored one way round, journaled on both tickets."""
from __future__ import annotations

from datetime import timedelta

from tracker.core.translation import gettext as _, lazy_gettext as _l
from sqlalchemy import or_, select

from tracker.core import history
from tracker.core.services import ServiceError
from tracker.extensions import db
from tracker.tickets import history as _ticket_history  # noqa: F401 (declares how a ticket is journaled)
from tracker.tickets.models import Ticket, TicketRelation

RELATION_LABELS = {
    "relates": _l("Related to"),
    "duplicates": _l("Duplicates"),
    "duplicated": _l("Duplicated by"),
    "blocks": _l("Blocks"),
    "blocked": _l("Blocked by"),
    "precedes": _l("Precedes"),
    "follows": _l("Follows"),
    "copied_to": _l("Copied to"),
    "copied_from": _l("Copied from"),
}
# Stored one way round, as Redmine does: "B follows A" is kept as "A precedes B".
REVERSE = {"duplicated": "duplicates", "blocked": "blocks", "follows": "precedes", "copied_from": "copied_to"}
INVERSE = {"duplicates": "duplicated", "blocks": "blocked", "precedes": "follows", "copied_to": "copied_from", "relates": "relates"}
ORDERED = {"precedes", "blocks", "duplicates"}  # these must not form a cycle


# -- relations -----------------------------------------------------------------------------------

def visible_relations_of(ticket: Ticket, user) -> list[tuple[str, Ticket, TicketRelation]]:
    """``relations_of`` limited to what ``user`` may see (TicketRelationPolicy: both tickets visible)."""
    from tracker.core import policy

    return [row for row in relations_of(ticket) if policy.can(user, "view", row[2])]


def relations_of(ticket: Ticket) -> list[tuple[str, Ticket, TicketRelation]]:
    """(label key from this ticket's point of view, other ticket, relation), whoever may see them."""
    rows = db.session.scalars(
        select(TicketRelation).where(or_(TicketRelation.issue_from_id == ticket.id, TicketRelation.issue_to_id == ticket.id))
    )
    result = []
    for relation in rows:
        if relation.issue_from_id == ticket.id:
            result.append((relation.relation_type, relation.issue_to, relation))
        else:
            result.append((INVERSE.get(relation.relation_type, relation.relation_type), relation.issue_from, relation))
    return result


def _reaches(start_id: int, goal_id: int) -> bool:
    """Whether an ordered relation path leads from ``start_id`` to ``goal_id``."""
    frontier, seen = {start_id}, set()
    while frontier:
        if goal_id in frontier:
            return True
        seen |= frontier
        frontier = set(
            db.session.scalars(
                select(TicketRelation.issue_to_id).where(
                    TicketRelation.issue_from_id.in_(frontier), TicketRelation.relation_type.in_(ORDERED)
                )
            )
        ) - seen
    return False


def add_relation(ticket: Ticket, user, relation_type: str, other_id, delay=None) -> TicketRelation:
    if relation_type not in RELATION_LABELS:
        raise ServiceError(_("Choose a kind of relation."))
    try:
        other_id = int(str(other_id).lstrip("#"))
    except (TypeError, ValueError):
        raise ServiceError(_("Give the number of the related ticket.")) from None
    other = db.session.get(Ticket, other_id)
    if other is None or not other.visible_to(user):
        raise ServiceError(_("Ticket #%(id)s does not exist or you may not see it.", id=other_id))
    if other.id == ticket.id:
        raise ServiceError(_("A ticket cannot be related to itself."))
    if delay not in (None, ""):
        try:
            delay = int(delay)
        except (TypeError, ValueError):
            raise ServiceError(_("The delay must be a whole number of days.")) from None
    else:
        delay = None
    source, target, kind = ticket, other, relation_type
    if kind in REVERSE:
        source, target, kind = other, ticket, REVERSE[kind]
    if kind != "precedes":
        delay = None
    existing = db.session.scalar(
        select(TicketRelation).where(or_(
            (TicketRelation.issue_from_id == source.id) & (TicketRelation.issue_to_id == target.id),
            (TicketRelation.issue_from_id == target.id) & (TicketRelation.issue_to_id == source.id),
        ))
    )
    if existing is not None:
        raise ServiceError(_("These tickets are already related."))
    if kind in ORDERED and _reaches(target.id, source.id):
        raise ServiceError(_("This relation would make a circle of related tickets."))
    relation = TicketRelation(issue_from_id=source.id, issue_to_id=target.id, relation_type=kind, delay=delay)
    db.session.add(relation)
    db.session.flush()
    for a, b, k in ((source, target, kind), (target, source, INVERSE[kind])):
        with history.recording(user, a) as change:
            change.add(f"relation:{k}", None, str(b.id))
    if kind == "precedes":
        reschedule_followers(source, user)
    return relation


def remove_relation(relation: TicketRelation, user) -> None:
    for a, b, k in (
        (relation.issue_from, relation.issue_to, relation.relation_type),
        (relation.issue_to, relation.issue_from, INVERSE[relation.relation_type]),
    ):
        with history.recording(user, a) as change:
            change.add(f"relation:{k}", str(b.id), None)
    db.session.delete(relation)


def reschedule_followers(ticket: Ticket, user, seen: set[int] | None = None) -> None:
    """A following ticket starts at the earliest the day after its predecessor's due date plus the delay."""
    seen = seen or set()
    if ticket.id in seen or ticket.due_date is None:
        return
    seen.add(ticket.id)
    rows = db.session.scalars(
        select(TicketRelation).where(TicketRelation.issue_from_id == ticket.id, TicketRelation.relation_type == "precedes")
    )
    for relation in rows:
        follower = relation.issue_to
        earliest = ticket.due_date + timedelta(days=(relation.delay or 0) + 1)
        if follower.start_date is None or follower.start_date < earliest:
            with history.recording(user, follower) as change:
                if follower.start_date and follower.due_date:
                    follower.due_date = follower.due_date + (earliest - follower.start_date)
                elif follower.due_date and follower.due_date < earliest:
                    follower.due_date = earliest
                follower.start_date = earliest
            if change.result is not None:
                from tracker.tickets.services import emit_updated  # the service imports this module

                db.session.flush()  # the journal's id, for the notification's link
                emit_updated(follower, user, change.result)
            reschedule_followers(follower, user, seen)
