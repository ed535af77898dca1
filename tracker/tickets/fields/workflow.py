"""Workflow: the status transitions a member may make, per role × tracker (Redmine's workflows table)."""
from __future__ import annotations

from sqlalchemy import delete, select

from tracker.core.memo import per_request
from tracker.extensions import db
from tracker.tickets.models import IssueStatus, Ticket, Tracker, WorkflowTransition
from tracker.wg.models import Member, MemberRole


def all_statuses() -> list[IssueStatus]:
    return per_request(("all_statuses",), lambda: list(
        db.session.scalars(select(IssueStatus).order_by(IssueStatus.position, IssueStatus.id))))


def role_ids_of(user, wg_id: int) -> list[int]:
    if user is None or not user.is_authenticated:
        return []
    return per_request(("role_ids_of", user.id, wg_id), lambda: list(
        db.session.scalars(
            select(MemberRole.role_id).join(Member, Member.id == MemberRole.member_id).where(
                Member.wg_id == wg_id, Member.user_id == user.id
            )
        )
    ))


def _read_only(wg_id: int) -> bool:
    from tracker.wg import permissions
    from tracker.wg.models import WorkingGroup

    wg = db.session.get(WorkingGroup, wg_id)
    return wg is not None and permissions.restricted(wg, "edit_issues")


def allowed_statuses(user, wg_id: int, tracker_id: int, current_status_id: int | None) -> list[IssueStatus]:
    """The current status plus every status the user's roles may move a ticket of this tracker to.
    Administrators may set any status. For a new ticket (``current_status_id`` None) the tracker's
    default status is the starting point."""
    statuses = all_statuses()
    if user.is_admin:
        return statuses
    if current_status_id is None:
        tracker = db.session.get(Tracker, tracker_id)
        current_status_id = tracker.default_status_id if tracker and tracker.default_status_id else (
            statuses[0].id if statuses else None
        )
    roles = role_ids_of(user, wg_id)
    allowed = {current_status_id}
    if roles and _read_only(wg_id):
        roles = set()  # a closed or stopped WG is read-only: its workflow moves nothing (comments stay open)
    if roles:
        allowed |= per_request(("workflow", tuple(sorted(roles)), tracker_id, current_status_id), lambda: set(
            db.session.scalars(
                select(WorkflowTransition.new_status_id).where(
                    WorkflowTransition.role_id.in_(roles),
                    WorkflowTransition.tracker_id == tracker_id,
                    WorkflowTransition.old_status_id == current_status_id,
                )
            )
        ))
    return [s for s in statuses if s.id in allowed]


def allowed_for(user, ticket: Ticket) -> list[IssueStatus]:
    return allowed_statuses(user, ticket.wg_id, ticket.tracker_id, ticket.status_id)


def matrix(role_id: int, tracker_id: int) -> set[tuple[int, int]]:
    return {
        (row.old_status_id, row.new_status_id)
        for row in db.session.scalars(
            select(WorkflowTransition).where(WorkflowTransition.role_id == role_id, WorkflowTransition.tracker_id == tracker_id)
        )
    }


def save_matrix(role_id: int, tracker_id: int, transitions: set[tuple[int, int]]) -> None:
    """Replace the transitions of one role × tracker."""
    db.session.execute(
        delete(WorkflowTransition).where(WorkflowTransition.role_id == role_id, WorkflowTransition.tracker_id == tracker_id)
    )
    for old, new in sorted(transitions):
        if old != new:
            db.session.add(WorkflowTransition(role_id=role_id, tracker_id=tracker_id, old_status_id=old, new_status_id=new))
