"""The plans of the ticket list's and the issue page's queries on PostgreSQL (issue 18 point 1): with enough
tickets and journals for the planner to choose, none of them reads the whole tickets or journals table.

The test fills the rolled-back test transaction with 30,000 tickets in ten WGs and 60,000 journals, ANALYZEs
them, requests the pages as a WG member would, and EXPLAINs every statement those requests sent (with their
own parameters). SQLite has no such planner choice to check (its plans are fixed by the indexes); there the
test is skipped."""
from __future__ import annotations

import pytest
from sqlalchemy import event, text

TICKETS, JOURNALS = 30_000, 60_000


@pytest.fixture
def crowded(db, make, team):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("EXPLAIN plans are checked on PostgreSQL (TRACKER_TEST_DATABASE_URL=postgresql+psycopg://...)")
    others = [make.wg(members={team.member: "メンバー"}) for _ in range(4)] + [make.wg() for _ in range(5)]
    wg_ids = [team.wg.id] + [w.id for w in others]
    first = make.ticket(team.wg, team.member, subject="最初のチケット")
    ids = {"tracker": make.tracker().id, "priority": make.priority().id, "author": team.member.id}
    db.session.flush()
    statuses = [row[0] for row in db.session.execute(text("SELECT id FROM issue_statuses ORDER BY id"))]
    db.session.execute(text(
        "INSERT INTO tickets (wg_id, tracker_id, status_id, priority_id, subject, description, author_id, done_ratio,"
        " is_private, lock_version, created_at, updated_at)"
        " SELECT (:wgs)[1 + n % :nwgs], :tracker, (:statuses)[1 + n % :nstatuses], :priority, 'チケット ' || n, '',"
        " :author, 0, n % 50 = 0, 1, now() - n * interval '1 minute', now() - n * interval '1 minute'"
        " FROM generate_series(1, :count) AS n"),
        {"wgs": wg_ids, "nwgs": len(wg_ids), "statuses": statuses, "nstatuses": len(statuses), **ids, "count": TICKETS})
    db.session.execute(text(
        "INSERT INTO journals (ticket_id, user_id, notes, private_notes, created_at)"
        " SELECT t.id, :author, 'メモ', false, now() FROM tickets AS t, generate_series(1, :per) AS n"),
        {"author": team.member.id, "per": JOURNALS // TICKETS})
    db.session.execute(text(
        "INSERT INTO journals (ticket_id, user_id, notes, private_notes, created_at)"
        " SELECT :ticket, :author, 'メモ ' || n, false, now() FROM generate_series(1, 30) AS n"),
        {"ticket": first.id, "author": team.member.id})
    for table in ("tickets", "journals", "journal_details", "ticket_counts", "working_groups", "members"):
        db.session.execute(text(f"ANALYZE {table}"))
    return first


def _statements_of(db, client, path: str) -> list[tuple[str, object]]:
    sent = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = client.get(path)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 200, path
    return sent


def _full_scans(db, statements) -> list[str]:
    found = []
    connection = db.session.connection()
    for statement, parameters in statements:
        if "tickets" not in statement and "journals" not in statement:
            continue
        plan = "\n".join(row[0] for row in connection.exec_driver_sql("EXPLAIN " + statement, parameters))
        if "Seq Scan on tickets" in plan or "Seq Scan on journals" in plan:
            found.append(f"{' '.join(statement.split())[:400]}\n{plan}")
    return found


@pytest.mark.parametrize("page", ["/issues", "/issues?set_filter=1&status_id=o"
                                  "&sort=priority:desc,updated_on:desc", "WG", "ISSUE", "/issues.json?limit=25",
                                  "/issues.json?status_id=open&sort=priority:desc,updated_on:desc&limit=100"])
def test_the_list_and_the_issue_page_read_tickets_and_journals_through_indexes(db, client, login, team, crowded, page):
    login(team.member)
    path = {"WG": f"/projects/{team.wg.identifier}/issues", "ISSUE": f"/issues/{crowded.id}"}.get(page, page)
    statements = _statements_of(db, client, path)
    assert any("tickets" in s for s, _p in statements)  # the page did read tickets
    problems = _full_scans(db, statements)
    assert not problems, "\n\n".join(problems)
