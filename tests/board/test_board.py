"""The Kanban board: which cards it shows (the ticket query), where each may be dropped (workflow, role, WG
state), moving a card through the ticket service, WIP limits, and the pages and JSON that show it."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tracker.board import services
from tracker.board.board import build_board
from tracker.core.services import ServiceError
from tracker.tickets.fields import workflow
from tracker.tickets.models import Journal, SavedQuery, Ticket, Version
from tracker.tickets.query import TicketQuery
from tracker.tickets.services import StaleTicketError


@pytest.fixture
def team(make):
    leader, member, observer = make.user(name="責任 太郎"), make.user(name="メンバー 花子"), make.user(name="観察 次郎")
    wg = make.wg(identifier="board-wg", name="ボードWG", members={leader: "WG責任者", member: "メンバー", observer: "オブザーバー"})
    return type("Team", (), {"wg": wg, "leader": leader, "member": member, "observer": observer})


def _board(user, wg=None, args=None, column_by="status", lane_by=None):
    return build_board(user, TicketQuery.from_params(user, args or {}, wg=wg), column_by, lane_by)


def _forbid(make, role_name, tracker, old, new):
    """Take one transition away from a role (the default workflow allows members every move)."""
    from tracker.wg.models import Role

    role = make.db.session.scalar(select(Role).where(Role.name == role_name))
    matrix = workflow.matrix(role.id, tracker.id)
    workflow.save_matrix(role.id, tracker.id, matrix - {(old.id, new.id)})


def test_cards_are_the_ticket_querys_and_sit_in_their_status_column(make, team):
    new, doing = make.status("新規"), make.status("進行中")
    a = make.ticket(team.wg, author=team.member, subject="未着手の仕事", status=new)
    b = make.ticket(team.wg, author=team.member, subject="進行中の仕事", status=doing)
    make.ticket(team.wg, author=team.member, subject="終わった仕事", status=make.status("終了"))
    board = _board(team.member, team.wg)  # the query's default: open tickets
    columns = {c.key: c for c in board.columns}
    assert [t.id for t in board.lanes[0].cards[str(new.id)]] == [a.id]
    assert [t.id for t in board.lanes[0].cards[str(doing.id)]] == [b.id]
    assert columns[str(make.status("終了").id)].count == 0
    everything = _board(team.member, team.wg, {"status_id": "*"})
    assert everything.total == 3


def test_a_private_ticket_is_no_card_for_those_who_may_not_see_it(make, team):
    outsider_wg = make.wg(members={team.observer: "オブザーバー"})
    hidden = make.ticket(team.wg, author=team.member, subject="秘密", is_private=True)
    assert hidden.id in {t.id for t in _board(team.member, team.wg).cards}
    assert hidden.id not in {t.id for t in _board(team.observer, team.wg).cards}
    assert hidden.id not in {t.id for t in _board(team.observer, None).cards}
    assert outsider_wg is not None


def test_drop_targets_follow_the_workflow_of_the_users_role(make, team):
    tracker, new, done = make.tracker(), make.status("新規"), make.status("終了")
    _forbid(make, "メンバー", tracker, new, done)
    ticket = make.ticket(team.wg, author=team.member, status=new, tracker=tracker)
    member_targets = _board(team.member, team.wg).allowed[ticket.id]
    assert str(done.id) not in member_targets and str(make.status("進行中").id) in member_targets
    assert str(new.id) not in member_targets  # its own column is no target
    assert str(done.id) in _board(team.leader, team.wg).allowed[ticket.id]
    assert _board(team.observer, team.wg).allowed[ticket.id] == []  # observers have no transitions


def test_moving_a_card_is_a_journaled_ticket_edit(make, team, emitted):
    ticket = make.ticket(team.wg, author=team.member)
    doing = make.status("進行中")
    journal = services.move_card(ticket, team.member, "status", str(doing.id), ticket.lock_version)
    assert ticket.status_id == doing.id
    detail = journal.details[0]
    assert (detail.prop_key, detail.value) == ("status_id", str(doing.id))
    assert any(e.kind == "ticket.updated" for e in emitted)


def test_a_move_the_workflow_refuses_changes_nothing(make, team):
    tracker, new, done = make.tracker(), make.status("新規"), make.status("終了")
    _forbid(make, "メンバー", tracker, new, done)
    ticket = make.ticket(team.wg, author=team.member, status=new, tracker=tracker)
    with pytest.raises(ServiceError, match="cannot be moved|移動できません"):
        services.move_card(ticket, team.member, "status", str(done.id), ticket.lock_version)
    assert ticket.status_id == new.id


def test_a_stale_card_is_refused(make, team):
    ticket = make.ticket(team.wg, author=team.member)
    with pytest.raises(StaleTicketError):
        services.move_card(ticket, team.member, "status", str(make.status("進行中").id), ticket.lock_version + 1)


def test_a_closed_wg_board_is_read_only(make, team):
    ticket = make.ticket(team.wg, author=team.member)
    make.charter(team.wg, phase="closed")
    assert _board(team.leader, team.wg).allowed[ticket.id] == []
    with pytest.raises(ServiceError, match="read-only|閲覧のみ"):
        services.move_card(ticket, team.leader, "status", str(make.status("進行中").id))


def test_assignee_columns_offer_the_wgs_members_and_change_the_assignee(make, team):
    ticket = make.ticket(team.wg, author=team.member)
    board = _board(team.member, team.wg, column_by="assigned_to")
    labels = {c.key: c.label for c in board.columns}
    assert labels[f"user:{team.leader.id}"] == team.leader.name
    assert f"user:{team.leader.id}" in board.allowed[ticket.id]
    services.move_card(ticket, team.member, "assigned_to", f"user:{team.leader.id}")
    assert ticket.assigned_to_id == team.leader.id
    # the observer may not edit tickets: no assignee drops
    assert _board(team.observer, team.wg, column_by="assigned_to").allowed[ticket.id] == []


def test_milestone_columns_across_wgs_take_only_their_own_wgs_cards(make, team, db):
    other = make.wg(members={team.member: "メンバー"})
    mine, theirs = make.ticket(team.wg, author=team.member), make.ticket(other, author=team.member)
    version = Version(wg_id=team.wg.id, name="第1期", effective_date=date(2027, 3, 31))
    db.session.add(version)
    db.session.flush()
    board = _board(team.member, None, column_by="fixed_version")
    assert str(version.id) in board.allowed[mine.id]
    assert str(version.id) not in board.allowed[theirs.id]
    with pytest.raises(ServiceError):
        services.move_card(theirs, team.member, "fixed_version", str(version.id))


def test_swimlanes_by_priority_put_the_highest_first(make, team):
    make.ticket(team.wg, author=team.member, priority=make.priority("低"))
    make.ticket(team.wg, author=team.member, priority=make.priority("今すぐ"))
    board = _board(team.member, team.wg, lane_by="priority")
    assert [lane.label for lane in board.lanes] == ["今すぐ", "低"]


def test_wip_limits_warn_and_are_journaled_in_the_wgs_history(make, team, client, login, db):
    doing = make.status("進行中")
    for _ in range(3):
        make.ticket(team.wg, author=team.member, status=doing)
    services.set_wip_limits(team.wg, team.leader, "status", {str(doing.id): "2"})
    column = next(c for c in _board(team.member, team.wg).columns if c.key == str(doing.id))
    assert (column.wip_limit, column.count, column.over_limit) == (2, 3, True)
    with pytest.raises(ServiceError):
        services.set_wip_limits(team.wg, team.member, "status", {str(doing.id): "5"})  # not a WG manager
    with pytest.raises(ServiceError, match="whole number|整数"):
        services.set_wip_limits(team.wg, team.leader, "status", {str(doing.id): "-1"})
    db.session.commit()
    login(team.leader)
    page = client.get(f"/projects/{team.wg.identifier}/board").get_data(as_text=True)
    assert "over-limit" in page and "WIP" in page
    history = client.get(f"/projects/{team.wg.identifier}/settings").get_data(as_text=True)
    assert f"status:{doing.id} = 2" in history


def test_the_board_page_shows_cards_with_a_move_menu(make, team, client, login, db):
    late = make.ticket(team.wg, author=team.member, subject="遅れている仕事", due_date=date.today() - timedelta(days=3),
                       assigned_to=team.leader, priority=make.priority("高"))
    db.session.commit()
    login(team.member)
    response = client.get(f"/projects/{team.wg.identifier}/board")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    card = page.split(f'id="card-{late.id}"')[1].split("</li>")[0]
    assert f"#{late.id}" in card and "遅れている仕事" in card and team.leader.name in card
    assert "overdue" in card and "高" in card
    assert f'name="target-{late.id}"' in card and f'name="ticket_id" value="{late.id}"' in card  # the move menu
    assert 'href="/projects/board-wg/board"' in page  # the WG tab


def test_the_move_menu_moves_the_card_and_returns_to_the_board(make, team, client, login, db):
    ticket = make.ticket(team.wg, author=team.member)
    doing = make.status("進行中")
    db.session.commit()
    login(team.member)
    back = f"/projects/{team.wg.identifier}/board"
    response = client.post("/board/move", data={
        "csrf_token": csrf_token(client, back), "ticket_id": ticket.id, "column_by": "status", f"target-{ticket.id}": doing.id,
        f"lock_version-{ticket.id}": ticket.lock_version, "back": back})  # the board form's fields for this card
    assert response.status_code == 302 and response.headers["Location"].endswith(back)
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).status_id == doing.id
    # the same form again, now stale: nothing changes, the board says so
    response = client.post("/board/move", data={
        "csrf_token": csrf_token(client, back), "ticket_id": ticket.id, "column_by": "status",
        "target": make.status("フィードバック").id, "lock_version": ticket.lock_version - 1, "back": back},
        follow_redirects=True)
    assert "changed by someone else" in response.get_data(as_text=True) or "他の" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).status_id == doing.id


def test_a_closed_wg_board_has_no_move_menu(make, team, client, login, db):
    make.ticket(team.wg, author=team.member)
    make.charter(team.wg, phase="closed")
    db.session.commit()
    login(team.member)
    page = client.get(f"/projects/{team.wg.identifier}/board").get_data(as_text=True)
    assert 'kanban-card movable' not in page and 'name="target-' not in page


def test_a_saved_query_is_a_board(make, team, client, login, db):
    mine = make.ticket(team.wg, author=team.member, subject="私の仕事", assigned_to=team.member)
    other = make.ticket(team.wg, author=team.member, subject="他人の仕事")
    saved = SavedQuery(name="自分の担当", user_id=team.member.id, wg_id=team.wg.id, visibility="private",
                       params={"assigned_to_id": "me", "set_filter": "1"})
    db.session.add(saved)
    db.session.commit()
    login(team.member)
    data = client.get(f"/api/v1/wgs/{team.wg.identifier}/board?query_id={saved.id}").get_json()
    ids = [c["id"] for c in data["cards"]]
    assert mine.id in ids and other.id not in ids
    page = client.get(f"/projects/{team.wg.identifier}/board?query_id={saved.id}").get_data(as_text=True)
    assert "私の仕事" in page and "他人の仕事" not in page


def test_the_json_move_answers_the_card_or_why_not(make, team, client, login, db):
    tracker, new, done, doing = make.tracker(), make.status("新規"), make.status("終了"), make.status("進行中")
    _forbid(make, "メンバー", tracker, new, done)
    ticket = make.ticket(team.wg, author=team.member, status=new, tracker=tracker)
    loaded_version = ticket.lock_version
    db.session.commit()
    login(team.member)
    token = csrf_token(client, "/board")
    headers = {"X-CSRFToken": token}
    refused = client.post("/api/v1/board/moves", json={"ticket_id": ticket.id, "target": str(done.id),
                                                       "lock_version": loaded_version}, headers=headers)
    assert refused.status_code == 422 and refused.get_json()["errors"]
    moved = client.post("/api/v1/board/moves", json={"ticket_id": ticket.id, "target": str(doing.id),
                                                     "lock_version": loaded_version}, headers=headers)
    assert moved.status_code == 200
    card = moved.get_json()["card"]
    assert card["column"] == str(doing.id) and card["lock_version"] == loaded_version + 1
    stale = client.post("/api/v1/board/moves", json={"ticket_id": ticket.id, "target": str(new.id),
                                                     "lock_version": loaded_version}, headers=headers)
    assert stale.status_code == 409
    journals = db.session.scalars(select(Journal).where(Journal.ticket_id == ticket.id)).all()
    assert len(journals) == 1


def test_bad_board_parameters_are_a_message_not_an_error(team, client, login, db):
    db.session.commit()
    login(team.member)
    response = client.get(f"/projects/{team.wg.identifier}/board?column_by=nonsense&lane_by=x")
    assert response.status_code == 200
    assert re.search("Unknown board column|ボードの列の指定が正しくありません", response.get_data(as_text=True))
    assert client.get("/api/v1/board?column_by=nonsense").status_code == 422
