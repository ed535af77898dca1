"""Ticket benchmark: 100,000 tickets and 500,000 journals in SQLite, timed through the WSGI app.

    .venv/bin/python bench/tickets_bench.py [--db /tmp/tickets-bench.db] [--tickets 100000] [--journals 500000] [--runs 30]

Builds the database once (kept and reused when it exists with the same size), then requests, as a WG member
(not an administrator, so the visibility rule is exercised):

* a ticket list, filtered (open, one tracker, assigned to me or not) and sorted on two columns, 25 rows;
* a ticket page with 50 journals;
* a Japanese search (two-character word inside longer words).

Prints the median, 90th percentile and maximum of each in milliseconds, and the number of SQL queries per page.
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
    from tracker.core.textsearch import bigrams
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
                    "start_date": date(2026, 4, 1) + timedelta(days=i % 200), "due_date": date(2026, 5, 1) + timedelta(days=i % 300),
                    "estimated_hours": (i % 16) or None, "done_ratio": (i % 11) * 10, "parent_id": None, "is_private": i % 50 == 0,
                    "closed_on": created if status in statuses[-2:] else None, "lock_version": 1,
                    "created_at": created, "updated_at": created + timedelta(days=i % 30),
                })
                text = f"#{i} {subject}\n{description}"
                docs.append({"kind": "ticket", "object_id": i, "wg_id": wg, "title": f"#{i} {subject}", "body": description,
                             "grams": " ".join(bigrams(text)), "updated_at": created})
                if len(batch) == 5000:
                    c.execute(t["tickets"].insert(), batch)
                    c.execute(t["search_documents"].insert(), docs)
                    batch, docs = [], []
            if batch:
                c.execute(t["tickets"].insert(), batch)
                c.execute(t["search_documents"].insert(), docs)
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
                    docs.append({"kind": "journal", "object_id": jid, "wg_id": wg, "title": f"#{ticket_id}", "body": notes,
                                 "grams": " ".join(bigrams(notes)), "updated_at": now})
                if len(journals) == 20000:
                    c.execute(t["journals"].insert(), journals)
                    c.execute(t["journal_details"].insert(), details)
                    if docs:
                        c.execute(t["search_documents"].insert(), docs)
                    journals, details, docs = [], [], []
            if journals:
                c.execute(t["journals"].insert(), journals)
                c.execute(t["journal_details"].insert(), details)
                if docs:
                    c.execute(t["search_documents"].insert(), docs)
            activities = [r.id for r in c.execute(sa.select(t["enumerations"].c.id).where(t["enumerations"].c.type == "TimeEntryActivity"))]
            c.execute(t["time_entries"].insert(), [
                {"wg_id": 1 + i % 20, "ticket_id": i, "user_id": 1 + i % 200, "author_id": 1 + i % 200, "activity_id": activities[i % len(activities)],
                 "hours": 1.5, "comments": "", "spent_on": date(2026, 5, 1), "created_at": now, "updated_at": now}
                for i in range(1, n_tickets + 1, 5)
            ])
        with engine.begin() as c:
            c.exec_driver_sql("ANALYZE")
        db.engine.dispose()


def timed(client, path: str, runs: int):
    from sqlalchemy import event

    from tracker.extensions import db

    samples, queries = [], []
    for _ in range(runs + 2):
        count = [0]

        def counter(*args, **kwargs):
            count[0] += 1

        with client.application.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", counter)
        start = time.perf_counter()
        response = client.get(path)
        elapsed = (time.perf_counter() - start) * 1000
        event.remove(engine, "before_cursor_execute", counter)
        assert response.status_code == 200, (path, response.status_code, response.get_data(as_text=True)[:500])
        samples.append(elapsed)
        queries.append(count[0])
    samples = samples[2:]  # warm-up
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.9) - 1], samples[-1], queries[-1], len(response.data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="/tmp/tickets-bench.db")
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--journals", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    url = f"sqlite:///{args.db}"
    marker = Path(f"{args.db}.{args.tickets}-{args.journals}.built")
    if not marker.exists():
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(args.db + suffix):
                os.remove(args.db + suffix)
        start = time.perf_counter()
        print(f"building {args.tickets:,} tickets and {args.journals:,} journals in {args.db} ...", flush=True)
        build(url, args.tickets, args.journals)
        marker.touch()
        print(f"  built in {time.perf_counter() - start:.0f} s", flush=True)

    from tracker import create_app
    from tracker.extensions import db

    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=False)
    with app.app_context():
        from flask_migrate import upgrade
        from sqlalchemy import func, select

        upgrade()  # a database kept from an older release gets this release's schema first

        from tracker.accounts.models import User
        from tracker.tickets.models import Journal, Ticket
        from tracker.wg.models import Member

        print(f"tickets: {db.session.scalar(select(func.count()).select_from(Ticket)):,}, "
              f"journals: {db.session.scalar(select(func.count()).select_from(Journal)):,}")
        member_id = db.session.scalar(select(Member.user_id).where(Member.wg_id == 2).order_by(Member.user_id))
        user = db.session.get(User, member_id)
        journals_on_1 = db.session.scalar(select(func.count()).select_from(Journal).where(Journal.ticket_id == 1))
        wg_of_1 = db.session.scalar(select(Ticket.wg_id).where(Ticket.id == 1))
        from tracker.accounts.sessions import open_session

        session_user_id = open_session(user)  # sessions are server-side: the cookie names one
        db.session.remove()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_user_id
        session["_fresh"] = True
    pages = [
        ("ticket list, all visible WGs: open, tracker 1, sort priority desc + updated desc, 25 rows",
         "/issues?status_id=o&tracker_id=1&sort=priority:desc,updated_on:desc"),
        ("ticket list, one WG: open, assigned to me, sort due date + priority desc, 25 rows",
         "/projects/wg2/issues?status_id=o&assigned_to_id=me&sort=due_date,priority:desc"),
        ("ticket list, one WG: open, grouped by status, totals, sort updated desc, 25 rows",
         "/projects/wg2/issues?status_id=o&group_by=status&sort=updated_on:desc&c[]=tracker&c[]=status&c[]=subject&c[]=assigned_to&c[]=estimated_hours&c[]=spent_hours"),
        (f"ticket page with {journals_on_1} journals (ticket #1, WG {wg_of_1})", "/issues/1"),
        ("Japanese search: 出張 (two characters)", "/search?q=出張"),
        ("Japanese search: 交付通知 窓口 (two words)", "/search?q=交付通知+窓口"),
        ("CSV export of the first list (all matching rows)", "/issues.csv?status_id=o&tracker_id=1&project_id=wg2"),
    ]
    print(f"as user {user.login} (member of {len(user_wgs(app, user.id))} WGs), {args.runs} runs each, milliseconds:")
    print(f"{'median':>8} {'p90':>8} {'max':>8} {'queries':>8} {'bytes':>9}  page")
    for label, path in pages:
        median, p90, worst, queries, size = timed(client, path, args.runs)
        print(f"{median:8.1f} {p90:8.1f} {worst:8.1f} {queries:8d} {size:9,}  {label}\n{'':45}{path}", flush=True)


def user_wgs(app, user_id: int) -> list[int]:
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.wg.models import Member

    with app.app_context():
        return list(db.session.scalars(select(Member.wg_id).where(Member.user_id == user_id)))


if __name__ == "__main__":
    main()
