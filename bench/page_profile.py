"""Profile one page through the WSGI app: the SQL statements it runs (count, the slowest with their time) and
the Python functions it spends its CPU time in.

    .venv/bin/python bench/page_profile.py --database /tmp/pages-100k.db --login izumi /time_entries [--explain]

The database is one that ``bench/pages_bench.py`` prepared (a tickets_bench copy with the demo loaded); it is only
read. ``--explain`` prints the query plan of the slowest statements.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.pages_bench import signed_in_client  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path")
    parser.add_argument("--database", required=True)
    parser.add_argument("--login", default="izumi")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--top", type=int, default=8)
    args = parser.parse_args()
    from sqlalchemy import event

    from tracker import create_app
    from tracker.extensions import db

    url = args.database if "://" in args.database else f"sqlite:///{args.database}"
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=False)
    client = signed_in_client(app, args.login)
    statements: list[list] = []

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):
        conn.info["started"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn, cursor, statement, parameters, context, executemany):
        statements.append([(time.perf_counter() - conn.info["started"]) * 1000, statement, parameters,
                           getattr(context, "_get_cache_stats", lambda: "")()])

    client.get(args.path).get_data()  # warm-up
    statements.clear()
    profile = cProfile.Profile()
    started, started_cpu = time.perf_counter(), time.process_time()
    profile.enable()
    response = client.get(args.path)
    response.get_data()
    profile.disable()
    wall, cpu = (time.perf_counter() - started) * 1000, (time.process_time() - started_cpu) * 1000
    sql_ms = sum(s[0] for s in statements)
    uncached = [s for s in statements if not str(s[3]).startswith("cached")]
    print(f"{args.path}: HTTP {response.status_code}, {wall:.1f} ms wall, {cpu:.1f} ms CPU, "
          f"{len(statements)} statements, {sql_ms:.1f} ms in SQL, {len(uncached)} compiled again")
    for _ms, statement, _parameters, stats in uncached:
        print(f"  compiled again ({stats}): {' '.join(statement.split())[:300]}")
    for ms, statement, parameters, _stats in sorted(statements, key=lambda s: -s[0])[:args.top]:
        print(f"\n--- {ms:.1f} ms  {parameters}\n{statement}")
        if args.explain:
            with app.app_context():
                raw = db.engine.raw_connection()
                try:
                    cursor = raw.cursor()
                    prefix = "EXPLAIN QUERY PLAN " if url.startswith("sqlite") else "EXPLAIN ANALYZE "
                    cursor.execute(prefix + statement, parameters)
                    for row in cursor.fetchall():
                        print("   ", row)
                finally:
                    raw.close()
    print()
    pstats.Stats(profile).sort_stats("cumulative").print_stats(35)


if __name__ == "__main__":
    main()
