"""Redmine import benchmark: `tracker import redmine` against a live local server that answers like Redmine
5.0.4 (bench/redmine_server.py, in its own process), into a fresh database.

    .venv/bin/python bench/redmine_import_bench.py [--issues 100000] [--journals-per-issue 2] [--projects 10]
        [--database URL ...]

The default database is a fresh SQLite file (/tmp/redmine-import-bench.db); ``--database`` may be given more
than once (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/wg_importer``, emptied first). Each import
runs in a fresh process of its own, so that the peak RSS printed is that of the importing process alone (the
server's is not counted). Printed: elapsed time, issues and journals per second, peak RSS, HTTP requests, and
the counts found in the database afterwards (they must equal what the server holds).
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import kept_database  # noqa: E402
from bench.redmine_server import API_KEY, serve_forever  # noqa: E402

CHILD = r"""
import json, resource, sys, time
from sqlalchemy import func, select
from tracker import create_app
from tracker.extensions import db
from flask_migrate import upgrade
url, server, uploads = sys.argv[1:4]
app = create_app("test", SQLALCHEMY_DATABASE_URI=url, UPLOAD_DIR=uploads, SERVER_NAME="localhost")
with app.app_context():
    upgrade()
    from tracker.redmine.client import RedmineClient
    from tracker.redmine.importer import Importer
    from tracker.tickets.models import Attachment, Journal, JournalDetail, Ticket, TicketRelation
    from tracker.core.models import SearchDocument
    client = RedmineClient(server, sys.argv[4])
    started = time.perf_counter()
    summary = Importer(client, progress=lambda line: print(line, file=sys.stderr, flush=True)).run()
    elapsed = time.perf_counter() - started
    count = lambda model: db.session.scalar(select(func.count()).select_from(model))
    print(json.dumps({
        "elapsed": elapsed, "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "cpu": resource.getrusage(resource.RUSAGE_SELF).ru_utime + resource.getrusage(resource.RUSAGE_SELF).ru_stime,
        "requests": client.requests, "tickets": count(Ticket), "journals": count(Journal),
        "details": count(JournalDetail), "relations": count(TicketRelation), "attachments": count(Attachment),
        "search_documents": count(SearchDocument), "skipped": len(summary.skipped),
    }))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--issues", type=int, default=10_000)
    parser.add_argument("--journals-per-issue", type=int, default=2)
    parser.add_argument("--projects", type=int, default=10)
    parser.add_argument("--database", action="append", default=[])
    args = parser.parse_args()
    databases = args.database or ["sqlite:////tmp/redmine-import-bench.db"]

    ready: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve_forever, args=(0, ready), daemon=True, kwargs={
        "issues": args.issues, "journals_per_issue": args.journals_per_issue, "projects": args.projects})
    server.start()
    url = f"http://127.0.0.1:{ready.get(timeout=30)}"
    journals = args.issues * args.journals_per_issue
    print(f"Redmine 5.0.4 (synthetic) at {url}: {args.issues:,} issues, {journals:,} journals, "
          f"{args.projects} projects")
    try:
        for database in databases:
            kept_database.reset(database)
            with tempfile.TemporaryDirectory(prefix="redmine-bench-uploads-") as uploads:
                done = subprocess.run([sys.executable, "-c", CHILD, database, url, uploads, API_KEY], cwd=ROOT,
                                      stdout=subprocess.PIPE, text=True, check=True)
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            elapsed = figures["elapsed"]
            print(f"\n{database}")
            print(f"  elapsed        {elapsed:8.1f} s ({elapsed / 60:.1f} min)")
            print(f"  issues         {args.issues / elapsed:8.0f} /s")
            print(f"  journals       {journals / elapsed:8.0f} /s")
            print(f"  peak RSS       {figures['peak_rss_kb'] / 1024:8.0f} MiB (the importing process)")
            print(f"  CPU time       {figures['cpu']:8.1f} s of the importing process ({1000 * figures['cpu'] / args.issues:.2f} ms an issue;"
                  f" the rest of the elapsed time is the server, the database and other load on the machine)")
            print(f"  HTTP requests  {figures['requests']:8,}")
            print(f"  in the database: {figures['tickets']:,} tickets, {figures['journals']:,} journals, "
                  f"{figures['details']:,} details, {figures['relations']:,} relations, "
                  f"{figures['attachments']:,} attachments, {figures['search_documents']:,} search documents; "
                  f"{figures['skipped']} skipped")
            if figures["tickets"] != args.issues or figures["journals"] != journals:
                print("  MISMATCH: the database does not hold what the server does")
    finally:
        server.terminate()
        server.join(5)


if __name__ == "__main__":
    main()
