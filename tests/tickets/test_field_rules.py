"""Which fields a user may change comes from one table (tracker/tickets/fields/rules.py, like Redmine's
safe_attributes), so the edit form and the REST API refuse and allow the same; mentions are one
case-insensitive pattern and only reach people who may see the ticket."""
from __future__ import annotations

import pytest

from tracker.core import mentions
from tracker.core.services import ServiceError
from tracker.tickets import services
from tracker.tickets.fields import rules


def test_an_observer_may_add_notes_but_not_change_fields(db, make, team):
    ticket = make.ticket(team.wg, team.member, subject="窓口の改善")
    allowed = rules.safe_attribute_names(team.observer, team.wg)
    assert "subject" not in allowed and "status_id" in allowed  # the status is the workflow's to decide
    assert rules.safe_attribute_names(team.member, team.wg) == set(rules.RULES)
    with pytest.raises(ServiceError) as refused:
        services.update_ticket(ticket, team.observer, {"subject": "書き換え"}, notes="見ました")
    assert [str(m) for m in refused.value.messages] == ["このチケットの項目を変更する権限がありません。"]
    assert ticket.subject == "窓口の改善"
    journal = services.update_ticket(ticket, team.observer, {}, notes="見ました")
    assert journal.notes == "見ました" and journal.details == []


def test_the_api_refuses_what_the_table_refuses(client, db, make, team):
    from tracker.accounts.services import issue_api_key

    ticket = make.ticket(team.wg, team.member, subject="窓口の改善")
    key = issue_api_key(team.observer)
    db.session.commit()
    response = client.put(f"/issues/{ticket.id}.json", headers={"X-Redmine-API-Key": key},
                          json={"issue": {"subject": "書き換え", "notes": "API から"}})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(services.Ticket, ticket.id).subject == "窓口の改善"
    assert client.put(f"/issues/{ticket.id}.json", headers={"X-Redmine-API-Key": key},
                      json={"issue": {"notes": "API から"}}).status_code == 204


def test_a_parent_keeps_its_rolled_up_fields(db, make, team):
    parent = make.ticket(team.wg, team.member)
    services.create_ticket(team.member, team.wg, {"tracker_id": make.tracker().id, "subject": "子", "parent_id": parent.id,
                                                  "due_date": "2026-04-10", "done_ratio": "50"})
    services.update_ticket(parent, team.member, {"due_date": "2027-01-01", "done_ratio": "90", "subject": "親"})
    assert parent.subject == "親" and str(parent.due_date) == "2026-04-10" and parent.done_ratio == 50
    assert set(rules.DERIVED) == {"start_date", "due_date", "estimated_hours", "done_ratio"}


def test_mentions_ignore_case_and_reach_only_those_who_may_see(db, make, team):
    team.member.login = "Tanaka.Ichiro"
    db.session.flush()
    text = "@tanaka.ichiro と @%s に確認をお願いします。" % team.outsider.login.upper()
    assert mentions.logins_in(text) == {"tanaka.ichiro", team.outsider.login.lower()}
    everyone = {u.id for u in mentions.mentioned_users(text)}
    assert everyone == {team.member.id, team.outsider.id}
    seen = mentions.mentioned_users(text, may_see=lambda user: user.id != team.outsider.id, exclude={team.leader.id})
    assert [u.id for u in seen] == [team.member.id]
