"""Ticket benchmark: the record of how fast the tracker is, per database and per size, through the WSGI app.

    .venv/bin/python bench/tickets_bench.py [--size 10k|100k|1M] [--database URL ...] [--runs 30]

``--size`` sets the number of tickets (10,000, 100,000 or 1,000,000) with twice as many journals (``--tickets``
and ``--journals`` set them exactly). ``--database`` may be given more than once, e.g.
``--database sqlite:////tmp/bench-100k.db --database postgresql+psycopg://postgres@127.0.0.1/bench100k``; the
default is a SQLite file in /tmp named after the size. A database is built once with bulk inserts and kept
(a marker table records its size); a kept one is upgraded to this release's schema first. The rows are loaded
without the indexes and triggers, which are then re-created (bench/bulk_load.py): 1M tickets take about 6 minutes
on either database.

Every operation is requested as a WG member (not an administrator, so the visibility rule is exercised). One table
per database: median and p95 in milliseconds and the SQL statements of one request, then the process's resident
memory after all requests (the same code a worker runs).
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import bulk_load, kept_database  # noqa: E402

WORDS = [
    "出張申請", "交付通知", "窓口", "周知", "利活用", "財務会計", "文書管理", "電子申請", "RPA", "コアNW", "マイナンバーカード",
    "予算要求", "業務フロー", "見直し", "プロポーザル", "機能要件", "スマホ講座", "オンライン化", "データ分析", "定例会",
    "市民サービスセンター", "手続", "添付書類", "情報提供", "見積書", "視察", "庁内", "職員", "住民", "アンケート",
]
VERBS = ["の検討", "の拡充", "の改善", "の実施", "の整理", "の調整", "の準備", "の確認", "に関する問い合わせ", "の進捗報告"]


def sentence(rng: random.Random, words: int = 3) -> str:
    return "、".join(rng.choice(WORDS) + rng.choice(VERBS) for _ in range(words))


def build(url: str, n_tickets: int, n_journals: int, seed: int = 1) -> None:
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from tracker import create_app
    from tracker.extensions import db

    app = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    rng = random.Random(seed)
    with app.app_context():
        upgrade()
        engine = db.engine
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        md = sa.MetaData()
        md.reflect(engine)
        t = md.tables
        with engine.begin() as c:
            if engine.dialect.name == "sqlite":
                # The indexes and the full-text index of a million tickets do not fit SQLite's default page cache
                # (2 MB): without a larger one, every insert rereads and rewrites index pages through the WAL.
                c.exec_driver_sql("PRAGMA cache_size = -1000000")
            c.execute(t["departments"].insert(), [{"id": 1, "name": "未来創造部", "position": 0, "created_at": now, "updated_at": now}])
            c.execute(t["sections"].insert(), [{"id": i, "department_id": 1, "name": f"課{i}", "position": i,
                                               "created_at": now, "updated_at": now} for i in range(1, 21)])
            c.execute(t["users"].insert(), [
                {"id": i, "login": f"user{i}", "name": f"職員 {i}", "name_kana": f"しょくいん {i:03d}", "email": f"u{i}@example.lg.jp",
                 "section_id": 1 + i % 20, "language": "ja", "active": True, "is_admin": False, "failed_logins": 0,
                 "created_at": now, "updated_at": now} for i in range(1, 201)
            ])
            c.execute(t["working_groups"].insert(), [
                {"id": i, "identifier": f"wg{i}", "name": f"WG {i}", "description": "", "is_public": i % 5 != 0,
                 "created_at": now, "updated_at": now} for i in range(1, 21)
            ])
            roles = {r.name: r.id for r in c.execute(sa.select(t["roles"].c.id, t["roles"].c.name))}
            members, member_roles, mid = [], [], 0
            for wg in range(1, 21):
                for u in rng.sample(range(1, 201), 25):
                    mid += 1
                    members.append({"id": mid, "wg_id": wg, "user_id": u, "created_at": now, "updated_at": now})
                    member_roles.append({"member_id": mid, "role_id": roles["メンバー" if u % 4 else "WG責任者"]})
            c.execute(t["members"].insert(), members)
            c.execute(t["member_roles"].insert(), member_roles)
            statuses = [r.id for r in c.execute(sa.select(t["issue_statuses"].c.id))]
            trackers = [r.id for r in c.execute(sa.select(t["trackers"].c.id))]
            priorities = [r.id for r in c.execute(sa.select(t["enumerations"].c.id).where(t["enumerations"].c.type == "IssuePriority"))]
            member_of = {}
            for m in members:
                member_of.setdefault(m["wg_id"], []).append(m["user_id"])
            with bulk_load.without_indexes(c):
                _load_tickets(c, t, rng, now, n_tickets, n_journals, member_of, statuses, trackers, priorities)
        with engine.begin() as c:
            c.exec_driver_sql("ANALYZE")
        db.engine.dispose()


def _load_tickets(c, t, rng, now, n_tickets, n_journals, member_of, statuses, trackers, priorities) -> None:
    import sqlalchemy as sa

    from tracker.core.textsearch import document_values

    insert = bulk_load.insert
    batch = []
    docs = []
    for i in range(1, n_tickets + 1):
        wg = 1 + i % 20
        created = now - timedelta(minutes=(n_tickets - i) * 5)
        subject = sentence(rng, 2)
        description = sentence(rng, 6)
        status = rng.choice(statuses)
        batch.append({
            "id": i, "wg_id": wg, "tracker_id": rng.choice(trackers), "status_id": status,
            "priority_id": rng.choice(priorities), "subject": subject, "description": description,
            "author_id": rng.choice(member_of[wg]), "assigned_to_id": rng.choice(member_of[wg]) if i % 3 else None,
            "assigned_section_id": None, "category_id": None, "fixed_version_id": None,
            "start_date": date(2026, 4, 1) + timedelta(days=i % 200),
            "due_date": date(2026, 4, 1) + timedelta(days=i % 200 + 7 + i % 60),
            "estimated_hours": (i % 16) or None, "done_ratio": (i % 11) * 10, "parent_id": None, "is_private": i % 50 == 0,
            "closed_on": created if status in statuses[-2:] else None, "lock_version": 1,
            "created_at": created, "updated_at": created + timedelta(days=i % 30),
        })
        docs.append({**document_values("ticket", i, f"#{i} {subject}", description, wg, created),
                     "updated_at": created})
        if len(batch) == 5000:
            insert(c, t["tickets"], batch)
            insert(c, t["search_documents"], docs)
            batch, docs = [], []
    if batch:
        insert(c, t["tickets"], batch)
        insert(c, t["search_documents"], docs)
    # 50 journals on ticket 1 (the ticket page measured), the rest spread over the others.
    journals, details, docs, jid = [], [], [], 0
    for k in range(n_journals):
        jid += 1
        ticket_id = 1 if k < 50 else rng.randint(2, n_tickets)
        wg = 1 + ticket_id % 20
        notes = sentence(rng, 3) if k % 5 == 0 or k < 50 else ""
        journals.append({"id": jid, "ticket_id": ticket_id, "user_id": rng.choice(member_of[wg]), "notes": notes,
                         "private_notes": False, "created_at": now - timedelta(minutes=n_journals - k)})
        details.append({"journal_id": jid, "property": "attr", "prop_key": "status_id",
                        "old_value": str(rng.choice(statuses)), "value": str(rng.choice(statuses))})
        if k % 3 == 0:
            details.append({"journal_id": jid, "property": "attr", "prop_key": "done_ratio", "old_value": "10", "value": "30"})
        if notes:
            docs.append({**document_values("journal", jid, f"#{ticket_id}", notes, wg, journals[-1]["created_at"]),
                         "updated_at": now})
        if len(journals) == 20000:
            insert(c, t["journals"], journals)
            insert(c, t["journal_details"], details)
            if docs:
                insert(c, t["search_documents"], docs)
            journals, details, docs = [], [], []
    if journals:
        insert(c, t["journals"], journals)
        insert(c, t["journal_details"], details)
        if docs:
            insert(c, t["search_documents"], docs)
    activities = [r.id for r in c.execute(sa.select(t["enumerations"].c.id).where(t["enumerations"].c.type == "TimeEntryActivity"))]
    insert(c, t["time_entries"], [
        {"wg_id": 1 + i % 20, "ticket_id": i, "user_id": 1 + i % 200, "author_id": 1 + i % 200, "activity_id": activities[i % len(activities)],
         "hours": 1.5, "comments": "", "spent_on": date(2026, 5, 1), "created_at": now, "updated_at": now}
        for i in range(1, n_tickets + 1, 5)
    ])


def _count_statements(engine):
    from sqlalchemy import event

    count = [0]

    def counter(*args, **kwargs):
        count[0] += 1

    event.listen(engine, "before_cursor_execute", counter)
    return count, lambda: event.remove(engine, "before_cursor_execute", counter)


def timed(client, engine, method: str, path, runs: int, expect: int = 200, **kwargs):
    """Median and p95 (ms), statements of the last request, response size. ``path`` may be a callable giving
    a fresh path and keyword arguments per run (an update needs its own ticket each time)."""
    samples, statements, size = [], 0, 0
    for run in range(runs + 2):
        target, extra = (path(run) if callable(path) else (path, kwargs))
        count, stop = _count_statements(engine)
        start = time.perf_counter()
        response = client.open(target, method=method, **extra)
        body = response.get_data()  # streamed responses are timed to their last byte
        elapsed = (time.perf_counter() - start) * 1000
        stop()
        assert response.status_code == expect, (target, response.status_code, body[:500])
        if run >= 2:  # two warm-up requests
            samples.append(elapsed)
        statements, size = count[0], len(body)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)], statements, size


def resident_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}


def _kept_size(url: str) -> tuple[int, int] | None:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as c:
            row = c.exec_driver_sql("SELECT tickets, journals FROM bench_built").first()
            return (row[0], row[1]) if row else None
    except sa.exc.DBAPIError:
        return None
    finally:
        engine.dispose()


def _finish_build(url: str, n_tickets: int, n_journals: int) -> None:
    """After bulk inserts with explicit ids: move PostgreSQL's sequences past them, and mark the size."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as c:
        if engine.dialect.name == "postgresql":
            for table in ("tickets", "journals", "journal_details", "search_documents", "users", "members",
                          "working_groups", "sections", "departments", "time_entries"):
                c.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))")
        c.exec_driver_sql("CREATE TABLE bench_built (tickets INTEGER, journals INTEGER)")
        c.exec_driver_sql(f"INSERT INTO bench_built VALUES ({n_tickets}, {n_journals})")
    if engine.dialect.name == "postgresql":
        # As autovacuum leaves a server's tables: the visibility map set, so that counts can read indexes only.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()


def ensure_built(url: str, n_tickets: int, n_journals: int) -> None:
    if _kept_size(url) == (n_tickets, n_journals):
        return
    kept_database.reset(url)
    start = time.perf_counter()
    print(f"building {n_tickets:,} tickets and {n_journals:,} journals in {url} ...", flush=True)
    build(url, n_tickets, n_journals)
    _finish_build(url, n_tickets, n_journals)
    print(f"  built in {time.perf_counter() - start:.0f} s", flush=True)


def run(url: str, runs: int, only: list[str] | None = None) -> None:
    from tracker import create_app
    from tracker.extensions import db

    # "CSV of 10,000 rows" is that many at every size: the export's row limit (TRACKER_EXPORT_ROW_LIMIT) is set to
    # it, as the limit was before exports streamed (WG 2 and 3 hold 10,000 tickets at 100k, 100,000 at 1M).
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=False, WTF_CSRF_ENABLED=False,
                     EXPORT_ROW_LIMIT=10_000)
    with app.app_context():
        from flask_migrate import upgrade
        from sqlalchemy import func, select

        upgrade()  # a database kept from an older release gets this release's schema first

        from tracker.accounts.models import User
        from tracker.accounts.services import issue_api_key
        from tracker.accounts.sessions import open_session
        from tracker.tickets.models import Journal, Ticket
        from tracker.wg.models import Member

        n_tickets = db.session.scalar(select(func.count()).select_from(Ticket))
        n_journals = db.session.scalar(select(func.count()).select_from(Journal))
        member_id = db.session.scalar(select(Member.user_id).where(Member.wg_id == 2).order_by(Member.user_id))
        user = db.session.get(User, member_id)
        login, wgs = user.login, list(db.session.scalars(select(Member.wg_id).where(Member.user_id == user.id)))
        api_key = issue_api_key(user)
        db.session.commit()
        session_user_id = open_session(user)  # sessions are server-side: the cookie names one
        # Tickets of WG 2 (the user's) to update, one per run, so that no run repeats another's change.
        updatable = list(db.session.scalars(select(Ticket.id).where(Ticket.wg_id == 2).order_by(Ticket.id.desc()).limit(runs + 2)))
        tracker_id, priority_id = db.session.execute(select(Ticket.tracker_id, Ticket.priority_id).where(Ticket.id == updatable[0])).one()
        engine = db.engine
        db.session.remove()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_user_id
        session["_fresh"] = True
    api = {"headers": {"X-Redmine-API-Key": api_key}}
    new_issue = {"issue": {"project_id": "wg2", "tracker_id": tracker_id, "priority_id": priority_id,
                           "subject": "ベンチマークの起票", "description": "出張申請の確認"}}

    def update(run):
        return f"/issues/{updatable[run]}.json", {**api, "json": {"issue": {"notes": f"進捗を確認しました ({run})", "done_ratio": 50}}}

    operations = [
        ("API list 25", "GET", "/issues.json?limit=25", 200, api),
        ("API list 100 open, sorted by priority and update", "GET",
         "/issues.json?status_id=open&sort=priority:desc,updated_on:desc&limit=100", 200, api),
        ("API list at offset 5000", "GET", "/issues.json?offset=5000&limit=25", 200, api),
        ("HTML list", "GET", "/issues", 200, {}),
        ("HTML list, open and sorted", "GET", "/issues?set_filter=1&status_id=o&sort=priority:desc,updated_on:desc", 200, {}),
        # the filter form's long parameters answer with the short address of the same list
        ("HTML list, filter form (redirect)", "GET", "/issues?set_filter=1&f[]=status_id&op[status_id]=o&sort_key=priority&sort_dir=desc", 302, {}),
        ("HTML list, chip 期限切れ", "GET", "/issues?set_filter=1&status_id=o&due_date=od", 200, {}),
        ("HTML issue page (ticket #1)", "GET", "/issues/1", 200, {}),
        ("API issue with journals", "GET", "/issues/1.json?include=journals", 200, api),
        ("search, API", "GET", "/search.json?q=出張&limit=25", 200, api),
        ("search, HTML", "GET", "/search?q=出張", 200, {}),
        ("create (API)", "POST", "/issues.json", 201, {**api, "json": new_issue}),
        ("update with notes (API)", "PUT", update, 204, {}),
        ("CSV of 10,000 rows", "GET", "/issues.csv?set_filter=1&f[]=status_id&op[status_id]=*&f[]=project_id&op[project_id]==&v[project_id][]=2&v[project_id][]=3", 200, {}),
    ]
    print(f"\n{engine.dialect.name}: {n_tickets:,} tickets, {n_journals:,} journals; as {login} (member of "
          f"{len(wgs)} WGs), {runs} runs each")
    print(f"{'median ms':>10} {'p95 ms':>8} {'statements':>10} {'bytes':>10}  operation")
    api_client = app.test_client()  # API calls carry the key and no session cookie, as a script's would
    for label, method, path, expect, extra in operations:
        if only and not any(word.lower() in label.lower() for word in only):
            continue
        by = api_client if label.startswith(("API", "search, API", "create", "update")) else client
        median, p95, statements, size = timed(by, engine, method, path, runs, expect, **extra)
        print(f"{median:10.1f} {p95:8.1f} {statements:10d} {size:10,}  {label}", flush=True)
    print(f"resident memory after the run: {resident_mb():.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="100k")
    parser.add_argument("--tickets", type=int)
    parser.add_argument("--journals", type=int)
    parser.add_argument("--database", action="append", help="a SQLAlchemy URL; may be given more than once")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--only", action="append", help="run only the operations whose label contains this word")
    args = parser.parse_args()
    n_tickets = args.tickets or SIZES[args.size]
    n_journals = args.journals if args.journals is not None else 2 * n_tickets
    urls = args.database or [f"sqlite:////tmp/tickets-bench-{n_tickets}.db"]
    for url in urls:
        ensure_built(url, n_tickets, n_journals)
    for url in urls:
        run(url, args.runs, args.only)


if __name__ == "__main__":
    main()
