"""Audit log benchmark: the search page and the CSV export over five years of entries, through the WSGI app.

    .venv/bin/python bench/audit_bench.py [--entries 1000000] [--database URL ...] [--runs 30]

``--database`` may be given more than once, e.g. ``--database sqlite:////tmp/audit-bench-1000000.db --database
postgresql+psycopg://postgres@127.0.0.1/wg_auditbench``; the default is a SQLite file in /tmp named after the size.
A database is built once with bulk inserts and kept (a marker table records its size); a kept one is upgraded to
this release's schema first.

The entries span five years (the default retention), one every ~2.6 minutes, from 200 users, over the registered
actions and objects. Every query is requested as an auditor (not an administrator). One table per database: median
and p95 in milliseconds, the SQL statements of one request and the response size. The target is a median under
200 ms for each page on SQLite and PostgreSQL.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import kept_database  # noqa: E402

from bench.tickets_bench import resident_mb, timed  # noqa: E402

N_USERS = 200
SPAN = timedelta(days=5 * 365)
OBJECT_TYPES = ["risk", "meeting", "kpi", "wg", "quarterly_entry", "role"]
TITLES = ["出張申請の見直し", "電子申請の拡充", "窓口業務の改善", "RPA導入の検討", "アンケートの実施", "定例会の準備"]


def _now() -> datetime:
    # Whole days, so that a kept database and a fresh run agree on which entries are "two years ago".
    return datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)


def build(url: str, n_entries: int, seed: int = 1) -> None:
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from tracker import create_app
    from tracker.core import audit
    from tracker.extensions import db

    app = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    rng = random.Random(seed)
    with app.app_context():
        upgrade()
        engine = db.engine
        now = _now()
        md = sa.MetaData()
        md.reflect(engine)
        t = md.tables
        actions = sorted(audit.actions())
        # Mostly changes, as in a working tracker; the rarer actions get few entries.
        weights = [50 if name.endswith(".update") else 8 if name.endswith(".create") else 1 for name in actions]
        step = SPAN / n_entries
        start = now - SPAN
        with engine.begin() as c:
            c.execute(t["users"].insert(), [
                {"id": i, "login": f"user{i}", "name": f"職員 {i}", "name_kana": f"しょくいん {i:03d}",
                 "email": f"u{i}@example.lg.jp", "language": "ja", "active": True, "is_admin": False,
                 "failed_logins": 0, "created_at": now, "updated_at": now} for i in range(1, N_USERS + 2)
            ])
            c.execute(t["user_org_roles"].insert(), [{"user_id": N_USERS + 1, "role": "auditor"}])
            batch = []
            for i in range(1, n_entries + 1):
                action = rng.choices(actions, weights)[0]
                actor = rng.randint(1, N_USERS)
                object_type = action.split(".", 1)[0] if action.split(".", 1)[0] in OBJECT_TYPES else None
                changes = ([["title", rng.choice(TITLES), rng.choice(TITLES)], ["status", "open", "closed"]]
                           if action.endswith(".update") else None)
                batch.append({
                    "id": i, "created_at": start + step * i, "actor_id": actor, "actor_login": f"user{actor}",
                    "action": action, "object_type": object_type or rng.choice(OBJECT_TYPES),
                    "object_id": rng.randint(1, 5000), "wg_id": rng.randint(1, 20),
                    "address": f"10.0.{actor % 256}.{rng.randint(1, 254)}", "changes": changes, "notes": None,
                    "private": False, "details": None if changes else {"n": i % 7},
                })
                if len(batch) == 20_000:
                    c.execute(t["audit_entries"].insert(), batch)
                    batch = []
            if batch:
                c.execute(t["audit_entries"].insert(), batch)
        db.engine.dispose()


def _kept_size(url: str) -> int | None:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as c:
            row = c.exec_driver_sql("SELECT entries FROM audit_bench_built").first()
            return row[0] if row else None
    except sa.exc.DBAPIError:
        return None
    finally:
        engine.dispose()


def _finish_build(url: str, n_entries: int) -> None:
    """After bulk inserts with explicit ids: move PostgreSQL's sequences past them, analyse, and mark the size."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as c:
        if engine.dialect.name == "postgresql":
            for table in ("audit_entries", "users"):
                c.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))")
        c.exec_driver_sql("ANALYZE")
        c.exec_driver_sql("CREATE TABLE audit_bench_built (entries INTEGER)")
        c.exec_driver_sql(f"INSERT INTO audit_bench_built VALUES ({n_entries})")
    engine.dispose()


def ensure_built(url: str, n_entries: int) -> None:
    if _kept_size(url) == n_entries:
        return
    kept_database.reset(url)
    start = time.perf_counter()
    print(f"building {n_entries:,} audit entries in {url} ...", flush=True)
    build(url, n_entries)
    _finish_build(url, n_entries)
    print(f"  built in {time.perf_counter() - start:.0f} s", flush=True)


def run(url: str, runs: int) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from tracker import create_app
    from tracker.accounts.models import User
    from tracker.accounts.sessions import open_session
    from tracker.audit.queries import AuditFilter, AuditQuery
    from tracker.core.audit import AuditEntry
    from tracker.extensions import db

    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=False, WTF_CSRF_ENABLED=False)
    with app.app_context():
        upgrade()  # a database kept from an older release gets this release's schema first
        n_entries = db.session.scalar(select(func.count()).select_from(AuditEntry))
        auditor = db.session.get(User, N_USERS + 1)
        session_user_id = open_session(auditor)
        db.session.commit()
        middle = db.session.scalar(select(AuditEntry.id).order_by(AuditEntry.id).offset(n_entries // 2).limit(1))
        some = db.session.get(AuditEntry, middle)
        object_filter = {"object_type": some.object_type, "object_id": str(some.object_id)}
        # Two years ago: one month for the page, and a span of about 10,000 entries for the CSV.
        now = _now()
        month_from, month_to = (now - timedelta(days=730)).date(), (now - timedelta(days=700)).date()
        per_day = max(n_entries / SPAN.days, 1)
        csv_from = (now - timedelta(days=400)).date()
        csv_to = csv_from + timedelta(days=max(round(10_000 / per_day) - 1, 0))
        with app.test_request_context():
            csv_rows = AuditQuery(AuditFilter.from_args({"from": csv_from.isoformat(), "to": csv_to.isoformat()})).count()
        engine = db.engine
        db.session.remove()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_user_id
        session["_fresh"] = True
    operations = [
        ("unfiltered first page", "GET", "/admin/audit", {}),
        ("by user", "GET", "/admin/audit?user=user17", {}),
        ("by action (kpi.update)", "GET", "/admin/audit?action=kpi.update", {}),
        ("by date range (one month, two years ago)", "GET",
         f"/admin/audit?from={month_from.isoformat()}&to={month_to.isoformat()}", {}),
        ("by object (type and id)", "GET", "/admin/audit", {"query_string": object_filter}),
        ("by object type only", "GET", "/admin/audit", {"query_string": {"object_type": "meeting"}}),
        ("by user and action", "GET", "/admin/audit?user=user17&action=risk.update", {}),
        ("deep keyset page (middle of the log)", "GET", f"/admin/audit?before={middle}", {}),
        ("deep keyset page by user", "GET", f"/admin/audit?user=user17&before={middle}", {}),
        (f"CSV of a filtered {csv_rows:,} rows (date range)", "POST", "/admin/audit/export.csv",
         {"data": {"from": csv_from.isoformat(), "to": csv_to.isoformat()}}),
    ]
    print(f"\n{engine.dialect.name}: {n_entries:,} audit entries; as an auditor, {runs} runs each")
    print(f"{'median ms':>10} {'p95 ms':>8} {'statements':>10} {'bytes':>10}  query")
    for label, method, path, extra in operations:
        median, p95, statements, size = timed(client, engine, method, path, runs, 200, **extra)
        print(f"{median:10.1f} {p95:8.1f} {statements:10d} {size:10,}  {label}", flush=True)
    print(f"resident memory after the run: {resident_mb():.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--database", action="append", help="a SQLAlchemy URL; may be given more than once")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    urls = args.database or [f"sqlite:////tmp/audit-bench-{args.entries}.db"]
    for url in urls:
        ensure_built(url, args.entries)
    for url in urls:
        run(url, args.runs)


if __name__ == "__main__":
    main()
