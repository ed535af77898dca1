"""Gantt benchmark: a chart of about 3,000 bars at the 100k-ticket size (the tickets benchmark's bulk data).

    .venv/bin/python bench/gantt_bench.py [--size 10k|100k|1M] [--database URL] [--runs 15] [--no-browser]

Prints, as a WG member (the visibility rule applies):
- the server's median and p95 for the Gantt page (HTML with the SVG drawn) and for its JSON;
- the first interactive render in Chromium (Playwright): from navigation start until the chart's script has
  attached dragging (``data-ready`` on the chart), median of the runs, with DOMContentLoaded;
- drag-to-reschedule: the median of the move's POST through the ticket service (journal, notification,
  two followers rescheduled), a different ticket each run.
Targets (issue 15): < 150 ms, < 1 s, < 100 ms.

The bulk data has no relations: the benchmark adds chains of three tickets linked by "precedes" in the
measured WG once (a marker table records it), so arrows, the critical path and followers are exercised.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.tickets_bench import SIZES, ensure_built  # noqa: E402

WG = 2
CHAINS = 300  # chains of three tickets: 600 arrows


def timed(client, method: str, path, runs: int, **kwargs):
    """Median and p95 of the wall-clock time (ms), median of this process's CPU time (ms: the app and SQLite
    run in it, so this is the server's own work, whatever else the machine is doing), response size."""
    walls, cpus, size = [], [], 0
    for run in range(runs + 2):
        target, extra = (path(run) if callable(path) else (path, kwargs))
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.open(target, method=method, **extra)
        body = response.get_data()
        wall, cpu = (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000
        assert response.status_code == 200, (target, response.status_code, body[:300])
        if run >= 2:  # two warm-up requests
            walls.append(wall)
            cpus.append(cpu)
        size = len(body)
    walls.sort()
    return statistics.median(walls), walls[max(0, int(len(walls) * 0.95) - 1)], statistics.median(cpus), size


def add_relations(url: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as c:
        try:
            c.exec_driver_sql("SELECT 1 FROM gantt_bench_relations").first()
            return
        except sa.exc.DBAPIError:
            pass
    with engine.begin() as c:
        ids = [r[0] for r in c.exec_driver_sql(
            f"SELECT id FROM tickets WHERE wg_id = {WG} AND is_private = {'false' if engine.dialect.name == 'postgresql' else '0'} "
            f"ORDER BY id LIMIT {CHAINS * 3}")]
        rows = []
        for k in range(0, len(ids) - 2, 3):
            rows += [{"a": ids[k], "b": ids[k + 1], "delay": 1}, {"a": ids[k + 1], "b": ids[k + 2], "delay": 0}]
        c.execute(sa.text("INSERT INTO issue_relations (issue_from_id, issue_to_id, relation_type, delay) "
                          "VALUES (:a, :b, 'precedes', :delay)"), rows)
        c.exec_driver_sql("CREATE TABLE gantt_bench_relations (n INTEGER)")
    engine.dispose()


def gantt_path(app, user) -> tuple[str, int]:
    """The WG's chart filtered to about 3,000 bars: open tickets of the WG, fewer statuses if needed."""
    from sqlalchemy import func, select

    from tracker.extensions import db
    from tracker.gantt.chart import build_gantt
    from tracker.tickets.models import IssueStatus, Ticket
    from tracker.wg.models import WorkingGroup

    wg = db.session.get(WorkingGroup, WG)
    statuses = list(db.session.scalars(select(IssueStatus.id).order_by(IssueStatus.position)))
    best = None
    for n in range(1, len(statuses) + 1):
        chosen = statuses[:n]
        count = db.session.scalar(select(func.count(Ticket.id)).where(
            Ticket.wg_id == WG, Ticket.status_id.in_(chosen), Ticket.visible(user)))
        best = (chosen, count)
        if count >= 3000:
            break
    path = f"/projects/{wg.identifier}/gantt?set_filter=1&status_id={'|'.join(map(str, best[0]))}&zoom=quarter"
    with app.test_request_context(path):
        from flask import request

        bars = len(build_gantt(user, request.args, wg=wg).bars)
    return path, bars


def browser_render(app, url_base: str, cookie: dict, path: str, runs: int) -> tuple[float, float] | None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("playwright is not installed: no browser figure")
        return None
    ready, loaded, tasks = [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_cookies([{**cookie, "url": url_base}])
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable")

        def main_thread() -> dict:
            return {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}

        for run in range(runs + 1):
            before = main_thread()
            page.goto(url_base + path, wait_until="commit")
            page.wait_for_selector(".gantt[data-ready]", timeout=60000)
            after = main_thread()
            if run:  # one warm-up (the static files are then cached, as on a second visit)
                ready.append(float(page.get_attribute(".gantt", "data-ready")))
                loaded.append(page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"))
                timing = page.evaluate("""() => { const n = performance.getEntriesByType('navigation')[0];
                  return [n.responseStart, n.responseEnd, n.domInteractive, n.domContentLoadedEventEnd]; }""")
                if os.environ.get("GANTT_BENCH_TIMING"):
                    print("  navigation: first byte %.0f, last byte %.0f, DOM interactive %.0f, DCL %.0f ms" % tuple(timing))
                # A navigation may start a new renderer process, whose counters start at zero: then the
                # figures after it are the new page's alone (a difference would come out negative).
                renewed = after.get("TaskDuration", 0) < before.get("TaskDuration", 0)
                tasks.append({k: (after.get(k, 0) - (0 if renewed else before.get(k, 0))) * 1000 for k in
                              ("TaskDuration", "LayoutDuration", "ScriptDuration")})
        Path("/tmp/shots-gantt").mkdir(exist_ok=True)
        page.screenshot(path="/tmp/shots-gantt/bench-3000-bars.png")  # the first screen, to look at
        browser.close()
    busy = {k: statistics.median(t[k] for t in tasks) for k in tasks[0]}
    return statistics.median(ready), statistics.median(loaded), busy


def run(url: str, runs: int, browser: bool) -> None:
    from werkzeug.serving import make_server

    from tracker import create_app
    from tracker.extensions import db

    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=False, WTF_CSRF_ENABLED=False)
    with app.app_context():
        from flask_migrate import upgrade
        from sqlalchemy import select

        upgrade()
        from tracker.accounts.models import User
        from tracker.accounts.sessions import open_session
        from tracker.tickets.models import Ticket, TicketRelation
        from tracker.wg.models import Member

        member_id = db.session.scalar(select(Member.user_id).join(User, User.id == Member.user_id)
                                      .where(Member.wg_id == WG, User.is_admin.is_(False)).order_by(Member.user_id))
        user = db.session.get(User, member_id)
        path, bars = gantt_path(app, user)
        heads = list(db.session.scalars(select(TicketRelation.issue_from_id).where(
            TicketRelation.issue_from_id.in_(select(Ticket.id).where(Ticket.wg_id == WG)),
            TicketRelation.delay == 1).order_by(TicketRelation.issue_from_id).limit(runs + 2)))
        session_user_id = open_session(user)
        from tracker.accounts.services import issue_api_key

        api_key = issue_api_key(user)  # the POST as a script would send it: no session, so no CSRF token
        db.session.commit()
        engine = db.engine
        db.session.remove()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_user_id
        session["_fresh"] = True

    load = os.getloadavg()[0]
    print(f"\n{engine.dialect.name}: Gantt of {bars:,} bars ({path}), {runs} runs each, as a WG member; "
          f"load average {load:.1f} on {os.cpu_count()} cores (wall-clock figures grow with it, CPU ones do not)")
    print(f"{'median ms':>10} {'p95 ms':>8} {'CPU ms':>8} {'bytes':>10}  operation")
    for label, target in (("Gantt page (HTML + SVG)", path), ("Gantt JSON", path.replace("/projects/", "/api/v1/wgs/", 1))):
        median, p95, cpu, size = timed(client, "GET", target, runs)
        print(f"{median:10.1f} {p95:8.1f} {cpu:8.1f} {size:10,}  {label}", flush=True)

    def move(run):
        with app.app_context():
            ticket = db.session.get(Ticket, heads[run])
            start, due, lock = ticket.start_date, ticket.due_date, ticket.lock_version
            db.session.remove()
        from datetime import timedelta

        body = {"start_date": (start + timedelta(days=1)).isoformat(), "due_date": (due + timedelta(days=1)).isoformat(),
                "lock_version": lock}
        return f"/api/v1/gantt/issues/{heads[run]}/schedule", {"json": body, "headers": {"X-Redmine-API-Key": api_key}}

    median, p95, cpu, size = timed(app.test_client(), "POST", move, runs)
    print(f"{median:10.1f} {p95:8.1f} {cpu:8.1f} {size:10,}  drag-to-reschedule (POST, 2 followers)", flush=True)

    if browser:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        with app.test_request_context():
            serializer = app.session_interface.get_signing_serializer(app)
            value = serializer.dumps({"_user_id": session_user_id, "_fresh": True})
        cookie = {"name": app.config.get("SESSION_COOKIE_NAME", "session"), "value": value}
        try:
            result = browser_render(app, f"http://127.0.0.1:{server.server_port}", cookie, path, max(3, runs // 3))
        finally:
            server.shutdown()
        if result:
            busy = result[2]
            print(f"{result[0]:10.1f} {'':>8} {busy['TaskDuration']:8.1f} {'':>10}  first interactive render in Chromium "
                  f"(DOMContentLoaded {result[1]:.0f} ms; renderer main thread busy {busy['TaskDuration']:.0f} ms: "
                  f"of it layout {busy['LayoutDuration']:.0f}, script {busy['ScriptDuration']:.0f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="100k")
    parser.add_argument("--database", help="a SQLAlchemy URL (default: a SQLite file in /tmp named after the size)")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    n_tickets = SIZES[args.size]
    url = args.database or f"sqlite:////tmp/gantt-bench-{n_tickets}.db"
    ensure_built(url, n_tickets, 2 * n_tickets)
    add_relations(url)
    run(url, args.runs, not args.no_browser)


if __name__ == "__main__":
    main()
