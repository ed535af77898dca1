"""Streamed ticket exports: time to the first byte, total time and how much the process's peak resident memory
grows while it sends them (issue 18 point 3: first byte < 200 ms, 100,000 CSV rows < 3 s, peak RSS + < 20 MB).

    .venv/bin/python bench/export_bench.py [--database URL ...] [--rows 100000]

Each database must hold at least ``--rows`` tickets: build one with bench/tickets_bench.py (``--size 100k``; it
keeps it). The exports are requested through the WSGI app as an administrator (who sees every ticket), all
statuses, newest first, with ``TRACKER_EXPORT_ROW_LIMIT`` set to ``--rows``. Peak RSS is the kernel's high-water
mark (ru_maxrss): its growth over a warm-up export of 100 rows is what one export costs a worker. CPU ms is this
process's (``time.process_time``): the app's own work, beside the wall time that other load inflates; the database
server's time (PostgreSQL) is in the wall time only."""
from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(client, path: str) -> tuple[float, float, float, int]:
    """(ms to the first byte, ms to the last, CPU ms of this process, bytes)."""
    start, cpu = time.perf_counter(), time.process_time()
    response = client.get(path, buffered=False)
    chunks = iter(response.response)
    first = next(chunks)
    first_ms = (time.perf_counter() - start) * 1000
    size = len(first)
    for chunk in chunks:
        size += len(chunk)
    response.close()
    assert response.status_code == 200, (path, response.status_code)
    return first_ms, (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000, size


def run(url: str, rows: int) -> None:
    from sqlalchemy import select

    from tracker import create_app
    from tracker.extensions import db

    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=False, EXPORT_ROW_LIMIT=rows)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        from tracker.accounts.models import User
        from tracker.accounts.sessions import open_session

        admin = db.session.scalar(select(User).where(User.login == "export-bench"))
        if admin is None:
            admin = User(login="export-bench", name="書き出し", email="export-bench@example.lg.jp", is_admin=True,
                         active=True, language="ja", failed_logins=0)
            db.session.add(admin)
            db.session.commit()
        cookie = open_session(admin)
        db.session.remove()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = cookie
        session["_fresh"] = True
    every = "set_filter=1&f[]=status_id&op[status_id]=*"
    measure(client, f"/issues.csv?{every}&per_page=100")  # warm-up: imports, caches, the first connection
    app.config["EXPORT_ROW_LIMIT"] = 100
    measure(client, f"/issues.xlsx?{every}")
    app.config["EXPORT_ROW_LIMIT"] = rows
    load = " ".join(f"{n:.2f}" for n in os.getloadavg())
    print(f"\n{url.split('://')[0]}: {rows:,} rows; peak RSS before: {peak_mb():.0f} MB; load average {load}")
    print(f"{'first byte ms':>13} {'total ms':>9} {'CPU ms':>7} {'bytes':>12} {'peak RSS +MB':>12}  export")
    for label, path in (("CSV (UTF-8)", f"/issues.csv?{every}"), ("CSV (Shift_JIS)", f"/issues.csv?{every}&encoding=Shift_JIS"),
                        ("XLSX", f"/issues.xlsx?{every}"), ("Atom (100 entries)", f"/issues.atom?{every}&per_page=100")):
        before = peak_mb()
        first, total, cpu, size = measure(client, path)
        print(f"{first:13.0f} {total:9.0f} {cpu:7.0f} {size:12,} {peak_mb() - before:12.1f}  {label}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", action="append")
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    for url in args.database or ["sqlite:////tmp/tickets-bench-100000.db"]:
        run(url, args.rows)


if __name__ == "__main__":
    main()
