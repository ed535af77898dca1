from datetime import date, timedelta

import pytest
from sqlalchemy import event
from werkzeug.datastructures import MultiDict

from tests.conftest import csrf_token
from tracker.core.i18n import local_today
from tracker.tickets.query import TicketQuery


class QueryCounter:
    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._count)

    def _count(self, conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):  # the test's transaction
            self.count += 1


def _list_queries(client, db, path):
    db.session.expunge_all()  # as in production, each request starts with an empty session
    with QueryCounter(db.engine) as counter:
        response = client.get(path)
    assert response.status_code == 200
    return counter.count


def test_list_page_queries_do_not_grow_with_the_tickets(client, db, make, login, team):
    field = make.custom_field("分類", possible_values=["働き方・働く意義", "その他"], multiple=True)
    path = (f"/projects/{team.wg.identifier}/issues?set_filter=1&c[]=tracker&c[]=status&c[]=priority&c[]=subject"
            f"&c[]=assigned_to&c[]=author&c[]=category&c[]=fixed_version&c[]=spent_hours&c[]=cf_{field.id}"
            "&c[]=parent&c[]=estimated_hours&group_by=status&sort=priority:desc,updated_on:desc")
    for _ in range(3):
        make.ticket(team.wg, team.member, assigned_to=team.leader)
    login(team.member)
    client.get(path)
    few = _list_queries(client, db, path)
    for _ in range(22):
        make.ticket(team.wg, make.user(), assigned_to=team.member)
    many = _list_queries(client, db, path)
    assert many == few, f"{few} queries for 3 tickets, {many} for 25"
    assert few <= 35


def test_search_queries_do_not_grow_with_the_hits(client, db, make, login, team):
    """Search filters by the ticket and journal policies in SQL: a page of 25 hits (tickets, private
    ones, notes) costs the same statements as a page of 3."""
    from tracker.tickets import services

    def add(n):
        for i in range(n):
            ticket = make.ticket(team.wg, team.leader, subject=f"窓口の改善 {i}", is_private=bool(i % 2))
            services.update_ticket(ticket, team.leader, {}, notes=f"窓口の調整 {i}")
        db.session.commit()

    path = "/search?q=窓口"
    add(2)
    login(team.observer)
    client.get(path)
    few = _list_queries(client, db, path)
    add(20)
    many = _list_queries(client, db, path)
    assert many == few, f"{few} queries for a few hits, {many} for a full page"
    assert few <= 15


def _ids(make_query):
    return [t.id for t in make_query.results()]


def test_date_operators(db, make, team):
    today = local_today()
    late = make.ticket(team.wg, team.member, due_date=today - timedelta(days=2))
    soon = make.ticket(team.wg, team.member, due_date=today + timedelta(days=3))
    later = make.ticket(team.wg, team.member, due_date=today + timedelta(days=30))
    done = make.ticket(team.wg, team.member, due_date=today - timedelta(days=5), status=make.status("終了"))
    q = lambda **p: set(_ids(TicketQuery.from_params(team.member, MultiDict({"status_id": "*", **p}), wg=team.wg)))  # noqa: E731
    assert q(due_date="od") == {late.id}
    assert q(due_date="<t+7") == {soon.id}
    assert q(due_date=f"><{(today - timedelta(days=10)).isoformat()}|{today.isoformat()}") == {late.id, done.id}
    assert q(due_date=f">={today.isoformat()}") == {soon.id, later.id}
    assert q(due_date="!*") == set()


def test_custom_field_and_text_filters(db, make, team):
    from tracker.tickets import services

    field = make.custom_field("制約", possible_values=["人員・人材・時間", "予算", "制度・データ"], multiple=True)
    a = services.create_ticket(team.member, team.wg, {"tracker_id": make.tracker().id, "subject": "RPAの導入",
                                                      "custom_fields": {field.id: ["予算", "制度・データ"]}})
    b = services.create_ticket(team.member, team.wg, {"tracker_id": make.tracker().id, "subject": "電子申請",
                                                      "custom_fields": {field.id: ["人員・人材・時間"]}})
    q = lambda **p: set(_ids(TicketQuery.from_params(team.member, MultiDict(p), wg=team.wg)))  # noqa: E731
    assert q(**{f"cf_{field.id}": "予算"}) == {a.id}
    assert q(**{f"cf_{field.id}": "!予算"}) == {b.id}
    assert q(subject="~rpa") == {a.id}
    assert q(**{"f[]": "subject", "op[subject]": "~", "v[subject][]": "電子"}) == {b.id}
    query = TicketQuery.from_params(team.member, MultiDict({f"cf_{field.id}": "ない値"}), wg=team.wg)
    assert query.errors and f"cf_{field.id}" not in query.filters


def test_saved_query_private_and_public(client, db, make, login, team):
    make.ticket(team.wg, team.member, subject="保存対象", priority=make.priority("高"))
    make.ticket(team.wg, team.member, subject="対象外")
    login(team.leader)
    path = f"/projects/{team.wg.identifier}/issues?priority_id={make.priority('高').id}"
    response = client.post("/queries", data={"csrf_token": csrf_token(client, path), "name": "高優先度",
                                             "visibility": "public", "project": team.wg.identifier,
                                             "q.priority_id": str(make.priority("高").id)})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "保存対象" in page and "対象外" not in page and "高優先度" in page
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(team.observer)
    assert "高優先度" in client.get(f"/projects/{team.wg.identifier}/issues").get_data(as_text=True)


def test_spent_time_total_when_the_column_is_shown(client, db, make, login, team):
    from tracker.tickets import timelog

    ticket = make.ticket(team.wg, team.member, estimated_hours=5)
    timelog.log_time(team.member, {"spent_on": "2026-11-01", "hours": "2.5"}, ticket=ticket)
    login(team.member)
    plain = client.get(f"/projects/{team.wg.identifier}/issues").get_data(as_text=True)
    assert 'class="total-estimated">5' in plain and "total-spent" not in plain
    shown = client.get(f"/projects/{team.wg.identifier}/issues?c[]=subject&c[]=spent_hours").get_data(as_text=True)
    assert 'class="total-spent">2.5' in shown
