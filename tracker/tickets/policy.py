"""Access policies of tickets and what hangs off them: journals (with private notes), relations,
attachments, time entries and saved queries. Each answers ``can`` (one object, Python) and ``visible``
(SQL), both built on the WG policy's permissions, and every path (pages, JSON and Redmine APIs, search,
activity, feeds, exports, time entries, pickers) asks these and nothing else.

``visible`` is written positively (the ids a user may see); see tracker.core.policy for why."""
from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true
from sqlalchemy.orm import aliased

from tracker.core.policy import Policy, is_signed_in, register
from tracker.extensions import db
from tracker.tickets.models import Attachment, Journal, SavedQuery, Ticket, TicketRelation, TimeEntry
from tracker.wg import policy as wg_policy
from tracker.wg.models import WorkingGroup


def _wg_ids(user, permission: str):
    return wg_policy.ids_with_permission(user, permission)


def visible_ticket_ids(user):
    return select(Ticket.id).where(TicketPolicy().visible(user)) if is_signed_in(user) else select(Ticket.id).where(false())


@register
class TicketPolicy(Policy):
    model = Ticket
    actions = frozenset({"view", "edit", "add_notes", "delete", "manage_relations", "manage_watchers", "log_time"})
    PERMISSIONS = {"edit": "edit_issues", "delete": "delete_issues", "manage_relations": "manage_issue_relations",
                   "manage_watchers": "add_issue_watchers", "log_time": "log_time"}

    def can(self, user, action: str, ticket: Ticket) -> bool:
        if not self._can_view(user, ticket):
            return False
        if action == "view":
            return True
        wg = ticket.wg
        if action == "add_notes":
            return wg_policy.has_permission(user, wg, "add_issue_notes") or wg_policy.has_permission(user, wg, "edit_issues")
        return wg_policy.has_permission(user, wg, self.PERMISSIONS[action])

    @staticmethod
    def _can_view(user, ticket: Ticket) -> bool:
        wg = ticket.wg
        if not wg_policy.has_permission(user, wg, "view_issues"):
            return False
        if not ticket.is_private:
            return True
        if user.id in (ticket.author_id, ticket.assigned_to_id):
            return True
        return wg_policy.has_permission(user, wg, "view_private_issues")

    def visible(self, user) -> ColumnElement[bool]:
        return self.visible_as(user, Ticket)

    def deciding_wg(self, ticket: Ticket):
        return ticket.wg

    @staticmethod
    def visible_as(user, tickets) -> ColumnElement[bool]:
        """In a WG where the user may view tickets, and, if private, their own, assigned to them, or in a
        WG where they may see private tickets. ``tickets`` is Ticket or an alias of it (for correlated
        subqueries inside statements that already select from Ticket)."""
        if not is_signed_in(user):
            return false()
        if user.is_admin:
            return true()
        return and_(tickets.wg_id.in_(_wg_ids(user, "view_issues")), or_(
            tickets.is_private.is_(False),
            tickets.author_id == user.id,
            and_(tickets.assigned_to_id.is_not(None), tickets.assigned_to_id == user.id),
            tickets.wg_id.in_(_wg_ids(user, "view_private_issues")),
        ))


@register
class JournalPolicy(Policy):
    """A journal is visible with its ticket; private notes only to their author or ``view_private_notes``.
    Notes are edited by ``edit_issue_notes``, or by their author with ``edit_own_issue_notes``."""

    model = Journal
    actions = frozenset({"view", "edit"})

    def can(self, user, action: str, journal: Journal) -> bool:
        ticket = journal.ticket
        if not TicketPolicy._can_view(user, ticket):
            return False
        wg = ticket.wg
        if journal.private_notes and journal.user_id != user.id and not wg_policy.has_permission(
                user, wg, "view_private_notes"):
            return False
        if action == "view":
            return True
        return wg_policy.has_permission(user, wg, "edit_issue_notes") or (
            journal.user_id == user.id and wg_policy.has_permission(user, wg, "edit_own_issue_notes"))

    def deciding_wg(self, journal: Journal):
        return journal.ticket.wg

    def visible(self, user) -> ColumnElement[bool]:
        if not is_signed_in(user):
            return false()
        if user.is_admin:
            return true()
        # Per journal, its own ticket (a primary-key lookup), not the list of every visible ticket.
        ticket = aliased(Ticket)
        return exists(select(ticket.id).where(ticket.id == Journal.ticket_id, self.visible_with(user, ticket)))

    def visible_with(self, user, ticket) -> ColumnElement[bool]:
        """``visible`` for a query that has already joined each journal's ticket as ``ticket`` (an alias of
        Ticket joined on ``Journal.ticket_id``): the same rule, as a join instead of a subquery per journal,
        which the planner serves by primary key where it would hash every visible ticket for the subquery."""
        if not is_signed_in(user):
            return false()
        if user.is_admin:
            return true()
        return and_(
            TicketPolicy.visible_as(user, ticket),
            or_(Journal.private_notes.is_(False), Journal.user_id == user.id,
                ticket.wg_id.in_(_wg_ids(user, "view_private_notes"))),
        )

    def visible_on_ticket(self, user, ticket: Ticket) -> ColumnElement[bool]:
        """The journals of one ticket that ``user`` may see: ``visible`` narrowed to ``ticket``, with the
        ticket's own visibility asked once in Python instead of once per journal row (the ticket page)."""
        if not TicketPolicy._can_view(user, ticket):
            return false()
        on_ticket = Journal.ticket_id == ticket.id
        if user.is_admin or wg_policy.has_permission(user, ticket.wg, "view_private_notes"):
            return on_ticket
        return on_ticket & or_(Journal.private_notes.is_(False), Journal.user_id == user.id)


def editable_journal_ids(journals, wg, user) -> set[int]:
    """The ids of ``journals`` (already visible, all of ``wg``) whose notes ``user`` may edit, asked once
    per WG rather than once per journal."""
    if wg_policy.has_permission(user, wg, "edit_issue_notes"):
        return {j.id for j in journals if j.notes}
    if wg_policy.has_permission(user, wg, "edit_own_issue_notes"):
        return {j.id for j in journals if j.notes and j.user_id == user.id}
    return set()


@register
class TicketRelationPolicy(Policy):
    """A relation is visible only when both of its tickets are: it would otherwise name a hidden ticket."""

    model = TicketRelation
    actions = frozenset({"view", "manage"})

    def can(self, user, action: str, relation: TicketRelation) -> bool:
        if not (TicketPolicy._can_view(user, relation.issue_from) and TicketPolicy._can_view(user, relation.issue_to)):
            return False
        return action == "view" or wg_policy.has_permission(user, relation.issue_from.wg, "manage_issue_relations")

    def visible(self, user) -> ColumnElement[bool]:
        if not is_signed_in(user):
            return false()
        if user.is_admin:
            return true()
        return and_(TicketRelation.issue_from_id.in_(visible_ticket_ids(user)),
                    TicketRelation.issue_to_id.in_(visible_ticket_ids(user)))


@register
class AttachmentPolicy(Policy):
    """A file is visible with its ticket; an upload not yet attached only to its author."""

    model = Attachment
    actions = frozenset({"view", "delete"})

    def can(self, user, action: str, attachment: Attachment) -> bool:
        if not is_signed_in(user):
            return False
        if attachment.ticket_id is None:
            return user.is_admin or attachment.author_id == user.id
        ticket = attachment.ticket
        if not TicketPolicy._can_view(user, ticket):
            return False
        return action == "view" or wg_policy.has_permission(user, ticket.wg, "edit_issues")

    def visible(self, user) -> ColumnElement[bool]:
        if not is_signed_in(user):
            return false()
        if user.is_admin:
            return true()
        return or_(Attachment.ticket_id.in_(visible_ticket_ids(user)),
                   and_(Attachment.ticket_id.is_(None), Attachment.author_id == user.id))


@register
class TimeEntryPolicy(Policy):
    """Spent time is visible with ``view_time_entries`` in its WG, and, when on a ticket, with the ticket.
    One's own entries are changed (or deleted) by oneself, others' with ``edit_issues``; logging time at
    all needs ``log_time`` (TicketPolicy "log_time", checked by the time log service)."""

    model = TimeEntry
    actions = frozenset({"view", "edit"})

    def can(self, user, action: str, entry: TimeEntry) -> bool:
        if not is_signed_in(user) or not wg_policy.has_permission(user, entry.wg, "view_time_entries"):
            return False
        if entry.ticket_id is not None and not TicketPolicy._can_view(user, entry.ticket):
            return False
        if action == "view":
            return True
        return entry.user_id == user.id or wg_policy.has_permission(user, entry.wg, "edit_issues")

    def visible(self, user) -> ColumnElement[bool]:
        if not is_signed_in(user):
            return false()
        if user.is_admin:
            return true()
        # The entry's own ticket by primary key, not the list of every visible ticket (100,000 at a city).
        ticket = aliased(Ticket)
        return and_(TimeEntry.wg_id.in_(_wg_ids(user, "view_time_entries")),
                    or_(TimeEntry.ticket_id.is_(None), exists(select(ticket.id).where(
                        ticket.id == TimeEntry.ticket_id, TicketPolicy.visible_as(user, ticket)))))


@register
class SavedQueryPolicy(Policy):
    """A saved query is its owner's; a public one is shared with those who see its WG (or everyone, when it
    has no WG). Its owner, administrators, or ``manage_public_queries`` in its WG change it."""

    model = SavedQuery
    actions = frozenset({"view", "edit"})

    def can(self, user, action: str, saved: SavedQuery) -> bool:
        if not is_signed_in(user):
            return False
        if action == "edit":
            return saved.user_id == user.id or user.is_admin or (
                saved.wg is not None and wg_policy.has_permission(user, saved.wg, "manage_public_queries"))
        if saved.user_id == user.id:
            return True
        return saved.visibility == "public" and (saved.wg is None or wg_policy.has_permission(user, saved.wg, "view_wg"))

    def visible(self, user) -> ColumnElement[bool]:
        if not is_signed_in(user):
            return false()
        public = and_(SavedQuery.visibility == "public", or_(
            SavedQuery.wg_id.is_(None), SavedQuery.wg_id.in_(select(WorkingGroup.id).where(wg_policy.with_permission(user, "view_wg")))))
        return or_(SavedQuery.user_id == user.id, public)


def visible_parent_ids(tickets, user) -> set[int]:
    """The parents of ``tickets`` that ``user`` may see, in one query: a child names its parent (id,
    subject) only when the parent is visible, on pages, lists, exports and the API alike."""
    return visible_among({t.parent_id for t in tickets if t.parent_id}, user)


def visible_among(ids, user) -> set[int]:
    """Those of ``ids`` that are tickets ``user`` may see, in one query."""
    if not ids or not is_signed_in(user):
        return set()
    return set(db.session.scalars(select(Ticket.id).where(Ticket.id.in_(list(ids)), TicketPolicy().visible(user))))


def mark_visible_parents(tickets, user) -> None:
    """Set ``shown_parent_id`` on each ticket: its parent's id when ``user`` may see the parent, else None."""
    shown = visible_parent_ids(tickets, user)
    for ticket in tickets:
        ticket.shown_parent_id = ticket.parent_id if ticket.parent_id in shown else None
