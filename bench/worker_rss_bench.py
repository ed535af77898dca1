"""A worker's resident memory under load (issue 18 point 5): the WSGI app in this process, as a gunicorn sync
worker runs it, answers ``--requests`` mixed requests (lists, issue pages, the API, search, CSV, creates and
updates with notes) as a WG member; the RSS is printed at the start, every tenth of the way, and at the end.

    .venv/bin/python bench/worker_rss_bench.py [--database URL] [--requests 10000]

The database is built (10,000 tickets) and kept like bench/tickets_bench.py's, and prepared (migrated, a member with
a key and a session, every template compiled into the template cache) in a process of its own: the measured
process imports and holds only what a worker does. The process runs in the environment of
deploy/wg-tracker.service (PYTHONOPTIMIZE=2). Target: under 100 MB after 10,000 requests, and no
growth between the 5,000th and the 10,000th."""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.deploy_unit import web_unit_environment  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def prepare(url: str) -> dict:
    """The database built and migrated, a WG member with an API key and a session: done in a process of its own
    (``--prepare``), so the measured one holds only what a worker holds (no builder, no Alembic)."""
    from bench.tickets_bench import ensure_built

    ensure_built(url, 10_000, 20_000)
    from sqlalchemy import select

    from tracker import create_app
    from tracker.extensions import db

    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=False, WTF_CSRF_ENABLED=False)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        # Compile every template into the shared cache (TRACKER_TEMPLATE_CACHE_DIR), as the first worker of an
        # installation leaves it for the others: the measured worker loads compiled templates.
        for name in app.jinja_env.list_templates():
            app.jinja_env.get_template(name)
        from tracker.accounts.models import User
        from tracker.accounts.services import issue_api_key
        from tracker.accounts.sessions import open_session
        from tracker.tickets.models import Ticket
        from tracker.wg.models import Member

        member_id = db.session.scalar(select(Member.user_id).where(Member.wg_id == 3).order_by(Member.user_id.desc()))
        user = db.session.get(User, member_id)
        key = issue_api_key(user)
        db.session.commit()
        cookie = open_session(user)
        ticket_ids = list(db.session.scalars(select(Ticket.id).where(Ticket.wg_id == 3).order_by(Ticket.id).limit(200)))
        tracker_id = db.session.scalar(select(Ticket.tracker_id).where(Ticket.id == ticket_ids[0]))
        db.session.remove()
    return {"key": key, "cookie": cookie, "ticket_ids": ticket_ids, "tracker_id": tracker_id}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--database", default="sqlite:////tmp/tickets-bench-10000.db")
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        print("PREPARED " + json.dumps(prepare(args.database)))
        return
    unit_environment = web_unit_environment()
    if any(os.environ.get(name) != value for name, value in unit_environment.items()):
        # Measure the worker the deploy unit runs (python -OO): this process again, in the unit's environment.
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, **unit_environment})
    started_rss = rss_mb()
    done = subprocess.run([sys.executable, __file__, "--prepare", "--database", args.database], check=True,
                          stdout=subprocess.PIPE, text=True)
    prepared = json.loads(done.stdout.rsplit("PREPARED ", 1)[1])
    key, cookie, ticket_ids, tracker_id = (prepared[k] for k in ("key", "cookie", "ticket_ids", "tracker_id"))

    from tracker import create_app

    app = create_app("test", SQLALCHEMY_DATABASE_URI=args.database, RATELIMIT_ENABLED=False, WTF_CSRF_ENABLED=False)
    import gc

    gc.collect()
    after_start = rss_mb()
    browser, script = app.test_client(), app.test_client()
    with browser.session_transaction() as session:
        session["_user_id"] = cookie
        session["_fresh"] = True
    api = {"X-Redmine-API-Key": key}
    mix = [
        (browser, "GET", lambda n: "/issues", {}),
        (browser, "GET", lambda n: f"/issues/{ticket_ids[n % len(ticket_ids)]}", {}),
        (script, "GET", lambda n: "/issues.json?limit=25", {"headers": api}),
        (script, "GET", lambda n: f"/issues/{ticket_ids[n % len(ticket_ids)]}.json?include=journals", {"headers": api}),
        (browser, "GET", lambda n: "/issues?set_filter=1&f[]=status_id&op[status_id]=o&sort=priority:desc,updated_on:desc", {}),
        (script, "GET", lambda n: "/search.json?q=出張&limit=25", {"headers": api}),
        (browser, "GET", lambda n: "/projects/wg3/issues.csv?per_page=100", {}),
        (script, "PUT", lambda n: f"/issues/{ticket_ids[n % len(ticket_ids)]}.json",
         {"headers": api, "json": {"issue": {"notes": "確認しました", "done_ratio": 10}}}),
        (script, "POST", lambda n: "/issues.json", {"headers": api, "json": {"issue": {
            "project_id": "wg3", "tracker_id": tracker_id, "subject": "負荷試験の起票"}}}),
    ]
    print(f"PYTHONOPTIMIZE={sys.flags.optimize}. RSS: {started_rss:.0f} MB at interpreter start, {after_start:.0f} MB with the app loaded")
    print(f"{'requests':>9} {'RSS MB':>7} {'s':>6}")
    start = time.perf_counter()
    marks = {}
    for n in range(1, args.requests + 1):
        client, method, path, extra = mix[n % len(mix)]
        response = client.open(path(n), method=method, **extra)
        response.get_data()
        assert response.status_code < 400, (path(n), response.status_code)
        if n % max(1, args.requests // 10) == 0:
            marks[n] = rss_mb()
            print(f"{n:9,} {marks[n]:7.1f} {time.perf_counter() - start:6.0f}", flush=True)
    half = marks.get(args.requests // 2)
    if half is not None:
        print(f"growth from request {args.requests // 2:,} to {args.requests:,}: {marks[args.requests] - half:+.1f} MB")


if __name__ == "__main__":
    main()
