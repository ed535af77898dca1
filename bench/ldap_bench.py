"""Directory benchmark: what an LDAP sign-in adds to a local one, and how long syncing N directory users takes,
against Debian's slapd started on a free port (tests/directory/slapd.py).

    .venv/bin/python bench/ldap_bench.py [--users 5000] [--runs 30] [--database URL]

The database defaults to a fresh SQLite file; ``--database postgresql+psycopg://postgres@127.0.0.1/ldapbench``
uses (and empties) that PostgreSQL database. Prints the median and p95 of ``authenticate`` for a local account and
for a directory account (both already known, as on every day after the first), then the first sync of all users,
a second sync that changes nothing, and a sync after 10 % of them moved section.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SECTIONS = [("総務部", "情報政策課"), ("総務部", "人事課"), ("市民部", "市民課"), ("市民部", "保険年金課"),
            ("福祉部", "子育て支援課"), ("福祉部", "高齢福祉課"), ("建設部", "道路課"), ("教育部", "学校教育課")]


def timed(fn, runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database", default=None)
    args = parser.parse_args()

    import sqlalchemy as sa
    from flask_migrate import upgrade
    from ldap3 import MODIFY_REPLACE

    from tests.directory import slapd as slapd_server
    from tests.directory.conftest import directory_config
    from tracker import create_app
    from tracker.accounts.passwords import hash_password
    from tracker.accounts.models import User
    from tracker.accounts.services import authenticate
    from tracker.directory.services import sync
    from tracker.extensions import db

    reason = slapd_server.available()
    if reason:
        sys.exit(reason)
    url = args.database or f"sqlite:///{tempfile.mkdtemp(prefix='ldap-bench-')}/bench.db"
    if url.startswith("postgresql"):
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
        engine.dispose()
    server = slapd_server.Slapd().start()
    try:
        start = time.perf_counter()
        dns = []
        with server.admin() as conn:
            for department, section in SECTIONS:
                server.ensure_units(conn, department, section)
            for i in range(args.users):
                department, section = SECTIONS[i % len(SECTIONS)]
                dns.append(server.add_person(f"u{i:05d}", f"職員 {i:05d}", department=department, section=section,
                                             title="主事", conn=conn))
        print(f"slapd: {args.users} people loaded in {time.perf_counter() - start:.1f} s")

        app = create_app("test", SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=False, **directory_config(server))
        with app.app_context():
            upgrade()
            db.session.add(User(login="local-admin", name="管理者", email="admin@city.example",
                                password_hash=hash_password("local-pass-2026"), is_admin=True))
            db.session.commit()
            with app.test_request_context():
                authenticate("u00001", "pass-word-1")  # the directory user exists from here on
                local = timed(lambda: authenticate("local-admin", "local-pass-2026"), args.runs)
                ldap = timed(lambda: authenticate("u00001", "pass-word-1"), args.runs)
                from tracker.directory.client import Directory

                round_trip = timed(lambda: Directory().authenticate("u00001", "pass-word-1"), args.runs)
            print(f"\n{'sign-in':<34}{'median ms':>12}{'p95 ms':>10}")
            print(f"{'local account':<34}{local[0]:>12.1f}{local[1]:>10.1f}")
            print(f"{'directory account':<34}{ldap[0]:>12.1f}{ldap[1]:>10.1f}")
            print(f"{'of which the directory (search+bind)':<34}{round_trip[0]:>12.1f}{round_trip[1]:>10.1f}")
            # A local sign-in spends its time in argon2, which a directory sign-in skips; what the directory adds
            # to a sign-in is its round trip.

            print(f"\n{'sync of ' + str(args.users) + ' users':<34}{'seconds':>12}")
            for label in ("first sync (creates all)", "second sync (no change)"):
                start = time.perf_counter()
                summary = sync(None)
                print(f"{label:<34}{time.perf_counter() - start:>12.1f}   {summary.counts()}")
            with server.admin() as conn:
                for dn in dns[: args.users // 10]:
                    conn.modify(dn, {"title": [(MODIFY_REPLACE, ["主任"])]})
            start = time.perf_counter()
            summary = sync(None)
            print(f"{'after 10 % changed title':<34}{time.perf_counter() - start:>12.1f}   {summary.counts()}")
            db.session.remove()
            db.engine.dispose()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
