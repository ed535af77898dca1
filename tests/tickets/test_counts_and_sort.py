"""The maintained ticket counts (0270_scale_indexes, and per due date 0310_due_date_counts) and the per-priority sort give exactly what counting and
sorting every ticket gives, for people who see different tickets, and stay right after tickets change."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import delete, func, select, update
from werkzeug.datastructures import MultiDict

from tracker.tickets.models import Ticket
from tracker.tickets.query import TicketQuery


def _exact(query: TicketQuery) -> tuple[int, Decimal]:
    from tracker.extensions import db

    count, hours = db.session.execute(
        select(func.count(), func.sum(Ticket.estimated_hours)).where(query.condition())).one()
    return count, Decimal(str(hours or 0))


def _queries(user, wg, args_list):
    for args in args_list:
        yield TicketQuery.from_params(user, MultiDict(args), wg=None), args
        yield TicketQuery.from_params(user, MultiDict(args), wg=wg), args


ARGS = [{}, {"set_filter": "1", "status_id": "*"}, {"status_id": "c"}, {"tracker_id": "1"}]
# The chips (期限切れ, 今週が期日) and other due-date filters, answered by ticket_due_counts.
DUE_ARGS = [{"set_filter": "1", "status_id": "o", "due_date": "od"}, {"set_filter": "1", "status_id": "*", "due_date": "w"},
            {"set_filter": "1", "status_id": "*", "due_date": "*"}, {"status_id": "c", "due_date": "<t+3"},
            {"set_filter": "1", "status_id": "*", "due_date": "><2026-01-01|2026-12-31"}]


def test_counts_from_the_counters_equal_counting_every_ticket(db, make, team):
    outsider_wg = make.wg(is_public=False)
    closed, urgent = make.status("終了"), make.priority("急いで") or make.priority()
    today = date.today()
    for n in range(12):
        make.ticket(team.wg, team.leader, subject=f"公開 {n}", estimated_hours=n % 4 or None,
                    status=closed if n % 3 == 0 else None, priority=urgent if n % 2 else None,
                    due_date=today + timedelta(days=n - 6) if n % 5 else None)
    make.ticket(team.wg, team.leader, subject="非公開（他人の）", is_private=True, estimated_hours=5,
                due_date=today - timedelta(days=2))
    make.ticket(team.wg, team.leader, subject="非公開（担当）", is_private=True, assigned_to=team.observer, estimated_hours=2,
                due_date=today - timedelta(days=1))
    make.ticket(outsider_wg, team.outsider, subject="見えないWG", estimated_hours=7, due_date=today - timedelta(days=3))
    db.session.flush()
    for user in (team.leader, team.member, team.observer, team.outsider, make.admin()):
        for query, args in _queries(user, team.wg, ARGS + DUE_ARGS):
            assert query._from_counters() is not None, args  # these filters are counted
            assert query._from_counters() == _exact(query), (user.login, args)
    # the observer's 期限切れ: three open public tickets past their due date, and the private one assigned to them
    overdue = TicketQuery.from_params(team.observer, MultiDict(DUE_ARGS[0]), wg=team.wg)
    assert overdue.count() == 3 + 1
    # the DX office's health signal counts every overdue open ticket of each WG, private ones too
    from tracker.charter.tickets import overdue_counts
    from tracker.tickets.models import IssueStatus

    every = dict(db.session.execute(select(Ticket.wg_id, func.count()).where(
        Ticket.due_date < today, Ticket.status_id.in_(select(IssueStatus.id).where(IssueStatus.is_closed.is_(False))))
        .group_by(Ticket.wg_id)).all())
    assert overdue_counts([team.wg.id, outsider_wg.id], today) == every == {team.wg.id: 3 + 2, outsider_wg.id: 1}
    # the observer sees the private ticket assigned to them, and not the other one
    observer = TicketQuery.from_params(team.observer, MultiDict({"set_filter": "1", "status_id": "*"}), wg=team.wg)
    assert observer.count() == 13


def test_the_counters_follow_changes_deletes_and_bulk_updates(db, make, team):
    from tracker.tickets import services

    closed = make.status("終了")
    ticket = make.ticket(team.wg, team.member, estimated_hours=3)
    other = make.ticket(team.wg, team.member, estimated_hours=1)
    db.session.flush()
    services.update_ticket(ticket, team.leader, {"estimated_hours": "4.5", "is_private": "1"}, notes="見直し")
    db.session.execute(update(Ticket).where(Ticket.id == other.id).values(status_id=closed.id))
    db.session.execute(delete(Ticket).where(Ticket.wg_id == team.wg.id, Ticket.id != ticket.id, Ticket.id != other.id))
    db.session.flush()
    for user in (team.leader, team.member, team.observer):
        for query, args in _queries(user, team.wg, ARGS):
            assert query._from_counters() == _exact(query), (user.login, args)


def test_the_due_date_counters_follow_a_due_date_set_moved_and_removed(db, make, team):
    from tracker.tickets import services

    today = date.today()
    late = make.ticket(team.wg, team.member, estimated_hours=3, due_date=today - timedelta(days=4))
    undated = make.ticket(team.wg, team.member, estimated_hours=1)
    gone = make.ticket(team.wg, team.member, estimated_hours=2, due_date=today - timedelta(days=1))
    db.session.flush()
    chip = lambda: TicketQuery.from_params(team.member, MultiDict(DUE_ARGS[0]), wg=team.wg)  # noqa: E731
    assert chip()._from_counters() == _exact(chip()) == (2, Decimal(5))
    services.update_ticket(late, team.leader, {"due_date": (today + timedelta(days=9)).isoformat()}, notes="延期")
    db.session.execute(update(Ticket).where(Ticket.id == undated.id).values(due_date=today - timedelta(days=8)))
    db.session.execute(update(Ticket).where(Ticket.id == gone.id).values(due_date=None))
    db.session.flush()
    assert chip()._from_counters() == _exact(chip()) == (1, Decimal(1))
    db.session.execute(delete(Ticket).where(Ticket.id == undated.id))
    db.session.flush()
    for query, args in _queries(team.member, team.wg, DUE_ARGS):
        assert query._from_counters() == _exact(query), args


def test_no_due_date_is_counted_from_the_tickets(db, make, team):
    make.ticket(team.wg, team.member)
    make.ticket(team.wg, team.member, due_date=date.today())
    query = TicketQuery.from_params(team.member, MultiDict({"set_filter": "1", "status_id": "*", "due_date": "!*"}),
                                    wg=team.wg)
    assert query._from_counters() is None and query.count() == 1


def test_a_filter_the_counters_do_not_know_counts_the_tickets(db, make, team):
    make.ticket(team.wg, team.member, subject="窓口")
    query = TicketQuery.from_params(team.member, MultiDict({"subject": "~窓口"}), wg=team.wg)
    assert query._from_counters() is None and query.count() == 1


def test_the_sort_by_priority_read_per_priority_is_the_sort_of_every_ticket(db, make, team):
    from tracker.tickets.models import IssuePriority

    priorities = list(db.session.scalars(select(IssuePriority)))
    for n in range(30):
        make.ticket(team.wg, team.member, subject=f"チケット {n}", priority=priorities[n % len(priorities)],
                    is_private=n % 7 == 0)
    db.session.flush()
    for sort in ("priority:desc,updated_on:desc", "priority,id", "status,subject:desc", "tracker:desc"):
        query = TicketQuery.from_params(team.observer, MultiDict({"status_id": "*", "sort": sort}))
        for offset, limit in ((0, 25), (5, 10), (20, 25)):
            fast = query._by_few_values(offset, limit)
            assert fast is not None, sort
            every = list(db.session.scalars(query.ids_statement().offset(offset).limit(limit)))
            assert query.page_ids(offset, limit) == every, (sort, offset)
        assert len(query.page_ids(0, 100)) == 25 == query.count()  # the five private tickets are not the observer's


def test_the_index_is_walked_only_when_enough_tickets_match(db, make, team):
    """A walk reads about depth × (all tickets ÷ matches) index entries, the sorted statement the matches once:
    a WG holding a few of the tickets is read sorted, the whole organisation walked; without the counters'
    count only a page's depth is walked."""
    other = make.wg(members={team.member: "メンバー"})
    for n in range(40):
        make.ticket(other, team.member, subject=f"他の WG {n}")
    for n in range(3):
        make.ticket(team.wg, team.member, subject=f"この WG {n}")
    db.session.flush()
    broad = TicketQuery.from_params(team.member, MultiDict({"sort": "priority:desc,updated_on:desc"}))
    narrow = TicketQuery.from_params(team.member, MultiDict({"sort": "priority:desc,updated_on:desc"}), wg=team.wg)
    uncounted = TicketQuery.from_params(team.member, MultiDict({"sort": "priority:desc", "subject": "~WG"}))
    assert broad._worth_walking(25) and not broad._worth_walking(501)
    assert not narrow._worth_walking(25)
    assert uncounted._worth_walking(25) and not uncounted._worth_walking(501)
    for query in (broad, narrow, uncounted):  # whichever way is taken, the page is the sorted statement's
        for depth in (25, 501):
            assert query.page_ids(0, depth) == list(db.session.scalars(query.ids_statement().limit(depth)))
