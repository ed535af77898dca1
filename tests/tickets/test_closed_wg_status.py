"""A closed or stopped WG is read-only, its workflow included: nobody but an administrator moves a ticket's status
there, through the service or the API, while notes stay open (the board and calendar refuse it too)."""
from sqlalchemy import select

from tracker.accounts.services import issue_api_key
from tracker.tickets.fields import workflow
from tracker.tickets.models import IssueStatus


def test_nobody_moves_a_status_in_a_stopped_wg_but_notes_still_go_in(db, make, client):
    member = make.user()
    wg = make.wg(members={member: "メンバー"})
    ticket = make.ticket(wg, member)
    other = db.session.scalar(select(IssueStatus).where(IssueStatus.id != ticket.status_id,
                                                         IssueStatus.is_closed.is_(False)))
    assert len(workflow.allowed_for(member, ticket)) > 1  # while the WG runs, the workflow offers moves
    make.charter(wg, phase="stopped")
    key = issue_api_key(member)
    db.session.commit()
    assert [s.id for s in workflow.allowed_for(member, ticket)] == [ticket.status_id]
    headers = {"X-Redmine-API-Key": key}
    moved = client.put(f"/issues/{ticket.id}.json", json={"issue": {"status_id": other.id}}, headers=headers)
    assert moved.status_code == 422
    db.session.refresh(ticket)
    assert ticket.status_id != other.id
    noted = client.put(f"/issues/{ticket.id}.json", json={"issue": {"notes": "終了後の補足"}}, headers=headers)
    assert noted.status_code == 204
