"""On PostgreSQL the search is served by indexes: the GIN index over the stored tsvector finds the matches, and
no sequential scan (nor a walk of a whole index) reads search_documents, tickets or journals, for the page and for
the exact count alike, at a realistic size (see ``scale_database``).

Not checked here: an any-word search. At 30,000 tickets the planner hash-joins every visible ticket for its notes
(it charges the policy's hashed subqueries once per primary-key look-up, so 60 look-ups cost as much as reading the
table); at 100,000 tickets it chooses the look-ups. Resolving the policy's WG lists before the statement would
settle it for every size."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import event
from werkzeug.datastructures import MultiDict

from tracker.accounts.models import User
from tracker.extensions import db
from tracker.tickets.search import SearchRequest

BIG_TABLES = ("search_documents", "tickets", "journals")


def statements_of(action) -> list[tuple[str, dict]]:
    seen = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    engine = db.session.get_bind()
    event.listen(engine, "before_cursor_execute", remember)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    return seen


def plan(statement: str, parameters) -> str:
    rows = db.session.connection().exec_driver_sql("EXPLAIN " + statement, parameters).all()
    return "\n".join(row[0] for row in rows)


def whole_table_reads(text: str) -> list[str]:
    """Sequential scans of the big tables, and index scans of them with no index condition (a walk of the whole
    index with a filter, which costs as much)."""
    lines = text.splitlines()
    found = []
    for n, line in enumerate(lines):
        for table in BIG_TABLES:
            if re.search(rf"Seq Scan on {table}\b", line):
                found.append(line.strip())
            elif re.search(rf"Index (Only )?Scan (Backward )?using \w+ on {table}\b", line):
                depth = len(line) - len(line.lstrip())
                details = []
                for following in lines[n + 1:]:
                    if len(following) - len(following.lstrip()) <= depth or following.strip().startswith("->"):
                        break
                    details.append(following)
                if not any("Index Cond" in d for d in details):
                    found.append(line.strip())
    return found


@pytest.mark.postgres
@pytest.mark.parametrize("args", [
    {"q": "住民票"},
    {"q": "住民票", "titles_only": "1", "open_issues": "1"},
    {"q": "住民票", "scope": "my_projects"},
])
def test_search_and_its_exact_count_read_through_indexes(scale_app, args):
    with scale_app.app_context():
        member = db.session.get(User, 7)  # a member of a few WGs, not an administrator
        wanted = SearchRequest.from_args(MultiDict(args))
        results = []
        found = statements_of(lambda: results.append(wanted.run(member, None, 0, 25)))
        assert results[0].total > 0 and results[0].hits
        searches = [(s, p) for s, p in found if "search_documents" in s]
        assert len(searches) == 3  # the exact counts by kind, the page of ids, the documents of the page
        for statement, parameters in searches:
            assert "ts_rank" not in statement  # nothing ranks every match before the limit
            shown = plan(statement, parameters)
            assert not whole_table_reads(shown), shown
            if "grams_vector" in statement:  # the matching itself: through the GIN index
                assert "ix_search_documents_grams_vector" in shown, shown
        db.session.rollback()
