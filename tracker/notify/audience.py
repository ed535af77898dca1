"""Who may hear of an event: the one place where notifications obey the access policy.

Every event names its subject (``Event.subject``: the ticket, idea, gate decision ...) and, for a ticket
note, the note (``Event.note``: the journal). A candidate recipient gets the event, in the app, by mail
and in the digest, only if the policy lets them see the subject and the note. This runs once per event in
the fan-out (``services.audience``), so no event kind can forget it.

Cost: a WG of a hundred members costs the same number of statements as a WG of two. Where the subject's
policy decides from one WG's permissions (``Policy.deciding_wg``: tickets and their notes), every candidate's
membership in that WG is read with one statement and ``policy.can`` is asked for each from memory. Otherwise
the policy's SQL rule (``policy.visible(Model, user)``, which by the policy contract agrees with ``can``, see
tests/access/test_policy_parity.py) is asked for all candidates in ONE statement (a UNION of one branch per
candidate, restricted to the subject's id). Asking ``can`` per recipient without either would load each
recipient's membership, roles and the WG phase: three queries per recipient.
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, literal, select, union_all
from sqlalchemy.orm import object_session

from tracker.accounts.models import load_org_roles
from tracker.core import policy
from tracker.extensions import db
from tracker.wg import policy as wg_policy

# SQLite refuses compound SELECTs of more than 500 branches; stay well below it.
_BRANCHES_PER_STATEMENT = 200


def subject_of(event) -> tuple[object | None, object | None]:
    """(subject, note) of ``event``. Events of features that do not name their subject yet are resolved
    from their ids (``data["ticket_id"]`` / ``data["journal_id"]``) so that they are checked all the same."""
    subject, note = event.subject, event.note
    data = event.data or {}
    if note is None and data.get("journal_id") is not None:
        from tracker.tickets.models import Journal

        note = db.session.get(Journal, data["journal_id"])
    if subject is None and data.get("ticket_id") is not None:
        from tracker.tickets.models import Ticket

        subject = db.session.get(Ticket, data["ticket_id"])
        if subject is None:
            raise LookupError(f"event {event.kind} names ticket {data['ticket_id']}, which does not exist")
    if subject is None and note is not None:
        subject = note.ticket
    return subject, note


def _condition(model: type, user) -> ColumnElement[bool]:
    return policy.visible(model, user)  # LookupError for a subject without a policy: never guess


def visible_to(obj, users) -> set[int]:
    """The ids of ``users`` who may see ``obj`` under its access policy (LookupError if it has none)."""
    users = list(users)
    if not users:
        return set()
    subject_policy = policy.policy_for(obj)  # LookupError for a subject without a policy: never guess
    load_org_roles(users)  # the rule asks each user's organisation roles (the DX office sees every WG)
    wg = subject_policy.deciding_wg(obj)
    if wg is not None:
        wg_policy.read_permissions_of(users, wg)
        return {user.id for user in users if subject_policy.can(user, policy.VIEW, obj)}
    model = type(obj)
    if object_session(obj) is not None and obj in db.session.new:
        db.session.flush()  # the rule is asked in SQL: the subject must be in the database
    seen: set[int] = set()
    for start in range(0, len(users), _BRANCHES_PER_STATEMENT):
        branches = [
            select(literal(user.id).label("user_id")).where(model.id == obj.id, _condition(model, user))
            for user in users[start:start + _BRANCHES_PER_STATEMENT]
        ]
        statement = branches[0] if len(branches) == 1 else union_all(*branches)
        seen.update(db.session.scalars(statement))
    return seen


def may_see(event, users) -> set[int]:
    """The ids of ``users`` who may see what ``event`` is about (subject and note). An event without a
    subject is a programming error: raise rather than guess who may hear of it."""
    subject, note = subject_of(event)
    if subject is None:
        raise LookupError(f"event {event.kind} names no subject; every event must (Event.subject)")
    allowed = visible_to(subject, users)
    if note is not None and allowed:
        allowed &= visible_to(note, [u for u in users if u.id in allowed])
    return allowed


def actor_shown_to(event, user) -> bool:
    """Whether ``user`` may see who did it: the author of an anonymous idea or comment stays 匿名 to all
    but moderators (and themselves), also as the actor of a notification. The subject's policy decides,
    through its ``see_author`` action, for subjects whose author is the actor."""
    subject = event.subject
    if subject is None or event.actor is None:
        return True
    try:
        subject_policy = policy.policy_for(subject)
    except LookupError:
        return True
    if "see_author" not in subject_policy.actions:
        return True
    actor_id = event.actor if isinstance(event.actor, int) else getattr(event.actor, "id", None)
    if getattr(subject, "author_id", None) != actor_id:
        return True
    return policy.can(user, "see_author", subject)
