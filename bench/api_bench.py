"""Benchmark of the Redmine-compatible API on SQLite, served by gunicorn with two workers on a local port.

1. ``GET /issues.json?limit=100`` over 100,000 tickets: median, p90 (target: median < 50 ms).
2. ``POST /issues.json``: creations per second from several client threads (target: >= 200/s).

Run:  .venv/bin/python bench/api_bench.py [--tickets 100000] [--requests 200] [--creations 1000]

Measured 2026-11-22 on the shared 2-CPU build machine (load average ~1.5), the defaults, back to back:
  before (15e9467): POST 124 creations/s, GET limit=100 median 18.3 ms, in process 7.3 ms CPU per creation
  after (perf):     POST 261-278 creations/s, GET limit=100 median 13.3-16.2 ms, in process ~4.9 ms CPU
  (gunicorn workers' CPU per creation 5.9-6.2 ms; 22 -> 10 SQL statements per creation)
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def prepare(db_path: Path, tickets: int) -> tuple[str, str]:
    """A migrated database with one WG, an administrator with an API key and ``tickets`` tickets."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, select, text

    from tracker import create_app
    from tracker.accounts.models import User
    from tracker.accounts.services import issue_api_key
    from tracker.extensions import db
    from tracker.tickets.models import IssuePriority, IssueStatus, Ticket, Tracker
    from tracker.wg.models import WorkingGroup

    app = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{db_path}")
    with app.app_context():
        upgrade()
        admin = User(login="bench", name="計測 太郎", email="bench@example.lg.jp", is_admin=True)
        wg = WorkingGroup(identifier="bench-wg", name="計測WG", description="", is_public=True)
        db.session.add_all([admin, wg])
        db.session.flush()
        key = issue_api_key(admin)
        tracker_ids = list(db.session.scalars(select(Tracker.id)))
        status_ids = list(db.session.scalars(select(IssueStatus.id).where(IssueStatus.is_closed.is_(False))))
        priority_ids = list(db.session.scalars(select(IssuePriority.id)))
        start = datetime(2024, 4, 1, tzinfo=timezone.utc)
        rows = []
        for n in range(tickets):
            when = start + timedelta(minutes=n)
            rows.append({
                "wg_id": wg.id, "tracker_id": tracker_ids[n % len(tracker_ids)], "status_id": status_ids[n % len(status_ids)],
                "priority_id": priority_ids[n % len(priority_ids)], "subject": f"計測用チケット {n}", "description": "本文",
                "author_id": admin.id, "assigned_to_id": admin.id if n % 3 == 0 else None, "done_ratio": 0,
                "is_private": False, "lock_version": 0, "created_at": when, "updated_at": when,
            })
            if len(rows) == 10000:
                db.session.execute(insert(Ticket), rows)
                rows = []
        if rows:
            db.session.execute(insert(Ticket), rows)
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        return key, wg.identifier


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(db_path: Path, port: int, workdir: Path) -> subprocess.Popen:
    env = dict(os.environ, TRACKER_ENV="production", TRACKER_SECRET_KEY=secrets.token_hex(32),
               TRACKER_DATABASE_URL=f"sqlite:///{db_path}", TRACKER_INSTANCE_DIR=str(workdir / "instance"),
               TRACKER_UPLOAD_DIR=str(workdir / "uploads"), TRACKER_RATELIMIT_ENABLED="0", TRACKER_SECURE_COOKIES="0")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning", "tracker:create_app()"],
        cwd=ROOT, env=env,
    )
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


def workers_cpu_seconds(server: subprocess.Popen) -> float:
    """CPU seconds (user + system) used so far by gunicorn's worker processes (Linux /proc)."""
    try:
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    except OSError:
        return float("nan")
    total = 0
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def request(url: str, key: str, data: dict | None = None) -> tuple[int, bytes]:
    body = json.dumps(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, headers={"X-Redmine-API-Key": key, "Content-Type": "application/json"},
                                 method="POST" if data is not None else "GET")
    with urllib.request.urlopen(req, timeout=30) as response:
        return response.status, response.read()


def bench_list(base: str, key: str, count: int) -> None:
    paths = ["/issues.json?limit=100", "/issues.json?limit=100&offset=5000&sort=updated_on:desc",
             "/issues.json?limit=100&assigned_to_id=me&status_id=*"]
    for path in paths:
        request(base + path, key)  # warm up both workers
        request(base + path, key)
        times = []
        for _ in range(count):
            started = time.perf_counter()
            status, payload = request(base + path, key)
            times.append((time.perf_counter() - started) * 1000)
            assert status == 200 and len(json.loads(payload)["issues"]) == 100
        times.sort()
        print(f"GET {path:<58} median {statistics.median(times):6.1f} ms   p90 {times[int(len(times) * 0.9)]:6.1f} ms   ({count} requests)")


def bench_create(base: str, key: str, project: str, total: int, threads: int, server: subprocess.Popen) -> None:
    done, errors = [0], []
    lock = threading.Lock()

    def worker(n: int) -> None:
        for i in range(n):
            try:
                status, _body = request(base + "/issues.json", key, {"issue": {"project_id": project, "subject": f"新規 {i}"}})
                assert status == 201
                with lock:
                    done[0] += 1
            except Exception as error:  # noqa: BLE001  (reported below)
                errors.append(repr(error))

    cpu_before, client_before = workers_cpu_seconds(server), time.process_time()
    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(total // threads,)) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    server_cpu, client_cpu = workers_cpu_seconds(server) - cpu_before, time.process_time() - client_before
    print(f"POST /issues.json: {done[0]} created in {elapsed:.1f} s = {done[0] / elapsed:.0f} creations/s "
          f"({threads} client threads, 2 gunicorn workers, SQLite), errors: {len(errors)}")
    if done[0]:
        print(f"  CPU per creation: gunicorn workers {server_cpu * 1000 / done[0]:.1f} ms, "
              f"this client {client_cpu * 1000 / done[0]:.1f} ms (both on the same {os.cpu_count()} CPUs)")
    if errors:
        print("  first error:", errors[0])


def bench_in_process(db_path: Path, workdir: Path, key: str, project: str, count: int) -> None:
    """The same requests through the Flask test client, timed in CPU seconds of this process: a figure that
    does not depend on what else the machine is doing (HTTP and gunicorn excluded)."""
    from tracker import create_app

    app = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{db_path}", RATELIMIT_ENABLED=False,
                     UPLOAD_DIR=str(workdir / "uploads"))
    client = app.test_client()
    headers = {"X-Redmine-API-Key": key}
    for _ in range(3):
        client.get("/issues.json?limit=100", headers=headers)
    times = []
    for _ in range(count):
        started = time.process_time()
        assert client.get("/issues.json?limit=100", headers=headers).status_code == 200
        times.append((time.process_time() - started) * 1000)
    print(f"in process, CPU time: GET /issues.json?limit=100 median {statistics.median(times):.1f} ms")
    started = time.process_time()
    for i in range(count):
        response = client.post("/issues.json", headers=headers, json={"issue": {"project_id": project, "subject": f"CPU {i}"}})
        assert response.status_code == 201
    per = (time.process_time() - started) * 1000 / count
    print(f"in process, CPU time: POST /issues.json {per:.1f} ms each = {1000 / per:.0f} creations/s per CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--creations", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="api-bench-") as tmp:
        workdir = Path(tmp)
        db_path = workdir / "bench.db"
        started = time.perf_counter()
        key, project = prepare(db_path, args.tickets)
        print(f"Prepared {args.tickets} tickets in {time.perf_counter() - started:.0f} s")
        port = free_port()
        server = serve(db_path, port, workdir)
        try:
            base = f"http://127.0.0.1:{port}"
            bench_list(base, key, args.requests)
            bench_create(base, key, project, args.creations, args.threads, server)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=10)
        bench_in_process(db_path, workdir, key, project, min(args.requests, 100))
        print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
