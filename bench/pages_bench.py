"""Page benchmark: for every page of the demo, the median response time through the WSGI app (Flask test client)
and the total gzip-compressed size of the JavaScript and CSS that page loads.

    .venv/bin/python bench/pages_bench.py [--size demo|10k|100k|1M] [--login izumi] [--runs 15]
        [--source /tmp/bench100k.db] [--database /tmp/pages-100k.db] [--reuse] [--only time_entries]

``--size demo`` (the default) runs on the demo alone, in a fresh SQLite file. A ticket size reuses
``bench/tickets_bench.py``'s bulk loader (its kept database, copied) and loads the demo on top, so the demo's people
browse an organisation holding that many tickets. Pages are found as a user finds them: from the home page, every
link is followed, one page per route (the first ``/issues/<id>`` stands for all). Each is requested as the demo user
``--login`` (several may be given); files, feeds and redirects are left out.

``--source`` names a tickets_bench SQLite file built already (it is only read: copied to ``--database``, or to
``/tmp/pages-bench-<n>.db``). ``--reuse`` keeps a copy on which the demo was loaded by an earlier run (it is
upgraded, not reloaded). ``--only`` measures only the pages whose path or endpoint contains the word. Beside the
wall-clock median each page prints the median CPU time of the process (``time.process_time``), which other work on
the machine does not inflate.

The issue's targets: under 150 ms median per page at 100k tickets, under 150 KB of compressed JS and CSS per page.
"""
from __future__ import annotations

import argparse
import gzip
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import kept_database, tickets_bench  # noqa: E402

LINK = re.compile(r'href="(/[^"#]*)')
ASSET = re.compile(r'<(?:script[^>]*\ssrc|link[^>]*rel="stylesheet"[^>]*\shref)="([^"]+)"')


def prepare(size: str, source: str | None = None, database: str | None = None, reuse: bool = False) -> str:
    """The database URL: the demo alone, or a tickets_bench database of ``size`` with the demo loaded on top.

    ``source`` is a tickets_bench SQLite file to copy instead of building one; ``database`` the copy's path;
    ``reuse`` keeps an existing copy that already holds the demo."""
    from flask_migrate import upgrade

    from tracker import create_app
    from tracker.core.seeding import load_demo

    if size == "demo" and not source:
        path = Path(database or "/tmp/pages-bench-demo.db")
        if not (reuse and path.exists()):
            kept_database.reset(f"sqlite:///{path}")
    else:
        n_tickets = tickets_bench.SIZES[size]
        if not source:
            source = f"/tmp/tickets-bench-{n_tickets}.db"
            tickets_bench.ensure_built(f"sqlite:///{source}", n_tickets, 2 * n_tickets)
        path = Path(database or f"/tmp/pages-bench-{n_tickets}.db")
        if path.resolve() == Path(source).resolve():
            raise SystemExit("--database must differ from --source: the source is only read")
        if not (reuse and path.exists()):
            kept_database.reset(f"sqlite:///{path}")
            shutil.copyfile(source, path)
            reuse = False
    url = f"sqlite:///{path}"
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        if not (reuse and path.exists() and _has_demo(app)):
            started = time.perf_counter()
            load_demo()
            print(f"demo loaded into {path} in {time.perf_counter() - started:.0f} s", flush=True)
    return url


def _has_demo(app) -> bool:
    from sqlalchemy import select

    from tracker.accounts.models import User
    from tracker.extensions import db

    return db.session.scalar(select(User.id).where(User.login == "izumi")) is not None


def signed_in_client(app, login: str):
    from sqlalchemy import select

    from tracker.accounts.models import User
    from tracker.accounts.sessions import open_session
    from tracker.extensions import db

    with app.app_context():
        user = db.session.scalar(select(User).where(User.login == login))
        cookie = open_session(user)
        db.session.remove()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = cookie
        session["_fresh"] = True
    return client


def discover(app, client) -> list[tuple[str, str, bytes]]:
    """(endpoint, path, body) of every HTML page reachable from home, one per route, in the order found."""
    adapter = app.url_map.bind("localhost")
    queue, seen, pages = ["/"], set(), []
    while queue:
        path = queue.pop(0)
        try:
            endpoint, _arguments = adapter.match(path.split("?")[0], method="GET")
        except Exception:  # noqa: BLE001 - a POST-only route, a redirect or a 404: not a page
            continue
        if endpoint in seen or endpoint == "static":
            continue
        seen.add(endpoint)
        response = client.get(path)
        if response.status_code != 200 or not response.content_type.startswith("text/html"):
            continue
        body = response.get_data()
        pages.append((endpoint, path, body))
        queue += [link.replace("&amp;", "&") for link in LINK.findall(body.decode())]
    return pages


def asset_bytes(client, body: bytes, cache: dict) -> tuple[int, int]:
    """(compressed, raw) bytes of the scripts and stylesheets the page loads."""
    compressed = raw = 0
    for src in dict.fromkeys(ASSET.findall(body.decode())):
        if src not in cache:
            response = client.get(src.replace("&amp;", "&"))
            data = response.get_data()
            response.close()
            cache[src] = (len(gzip.compress(data, 6)), len(data))
        compressed += cache[src][0]
        raw += cache[src][1]
    return compressed, raw


def median_ms(client, path: str, runs: int) -> tuple[float, float]:
    """(wall, CPU) median milliseconds of ``runs`` requests, after two warm-up requests."""
    samples, cpu = [], []
    for run in range(runs + 2):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        response.get_data()
        if run >= 2:  # two warm-up requests
            samples.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(samples), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", choices=["demo", *sorted(tickets_bench.SIZES)], default="demo")
    parser.add_argument("--login", action="append", help="demo user(s) to browse as (default: izumi and admin)")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--source", help="a tickets_bench SQLite file to copy (only read) instead of building one")
    parser.add_argument("--database", help="the path of the copy the pages run on")
    parser.add_argument("--reuse", action="store_true", help="keep a copy that holds the demo from an earlier run")
    parser.add_argument("--only", action="append", help="measure only pages whose path or endpoint has this word")
    args = parser.parse_args()
    from tracker import create_app

    url = prepare(args.size, args.source, args.database, args.reuse)
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=False)
    worst_ms, worst_kb, cache = 0.0, 0.0, {}
    for login in args.login or ["izumi", "admin"]:
        client = signed_in_client(app, login)
        pages = discover(app, client)
        print(f"\n{args.size}: {len(pages)} pages as {login}, {args.runs} runs each")
        print(f"{'median ms':>10} {'CPU ms':>7} {'JS+CSS gz KB':>13} {'raw KB':>7}  page")
        for endpoint, path, body in pages:
            if args.only and not any(word in path or word in endpoint for word in args.only):
                continue
            ms, cpu_ms = median_ms(client, path, args.runs)
            compressed, raw = asset_bytes(client, body, cache)
            worst_ms, worst_kb = max(worst_ms, ms), max(worst_kb, compressed / 1024)
            print(f"{ms:10.1f} {cpu_ms:7.1f} {compressed / 1024:13.1f} {raw / 1024:7.1f}  {path}  ({endpoint})",
                  flush=True)
    print(f"\nslowest page: {worst_ms:.1f} ms median (target < 150); largest JS+CSS: {worst_kb:.1f} KB gzip "
          f"(target < 150)")


if __name__ == "__main__":
    main()
