"""Idea-box list speed: N posts with votes and comments, then the list sorted each way, a search and the
XLSX export, timed through the test client. Prints figures; never fails.

    .venv/bin/python bench/ideas_list.py [--posts 3000] [--url postgresql+psycopg://...]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

WORDS = ["公式LINE", "窓口", "電子申請", "押印", "テレワーク", "会議", "補助金", "人材", "RPA", "ペーパーレス", "予約", "防災"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=3000)
    parser.add_argument("--staff", type=int, default=300)
    parser.add_argument("--url", default="")
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import insert

    from tracker import create_app
    from tracker.accounts.models import Department, Section, User
    from tracker.core import textsearch
    from tracker.core.db import utcnow
    from tracker.extensions import db
    from tracker.ideas.models import Idea, IdeaVote

    tmp = tempfile.mkdtemp()
    url = args.url or f"sqlite:///{tmp}/bench.db"
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=False, WTF_CSRF_ENABLED=False, SERVER_NAME="localhost")
    rng = random.Random(5)
    with app.app_context():
        upgrade()
        section = Section(department=Department(name="部"), name="課")
        db.session.add(section)
        staff = [User(login=f"b{n}", name=f"職員{n}", email=f"b{n}@example.lg.jp", section=section) for n in range(args.staff)]
        db.session.add_all(staff)
        db.session.flush()
        started = time.perf_counter()
        now = utcnow()
        votes = 0
        for n in range(args.posts):
            title = f"{rng.choice(WORDS)}の改善 {n}"
            idea = Idea(kind=rng.choice(["idea", "problem"]), title=title, body=f"{rng.choice(WORDS)}と{rng.choice(WORDS)}について",
                        category="work", author_id=rng.choice(staff).id, created_at=now - timedelta(days=rng.randint(0, 400)))
            db.session.add(idea)
            db.session.flush()
            voters = rng.sample(staff, rng.randint(0, 40))
            rows = [{"idea_id": idea.id, "user_id": u.id, "created_at": now - timedelta(days=rng.randint(0, 60))}
                    for u in voters if u.id != idea.author_id]
            if rows:
                db.session.execute(insert(IdeaVote), rows)
            idea.vote_count = len(rows)
            votes += len(rows)
            textsearch.index_document("idea", idea.id, idea.title, idea.body)
        db.session.commit()
        print(f"built {args.posts} posts, {votes} votes on {db.engine.dialect.name} in {time.perf_counter() - started:.1f}s")
        from tracker.accounts.sessions import open_session

        session_user_id = open_session(staff[0])  # sessions are server-side: the cookie names one

    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_user_id
        session["_fresh"] = True
    for label, path in [
        ("popular", "/ideas"), ("trending", "/ideas?sort=trending"), ("newest", "/ideas?sort=newest"),
        ("discussed", "/ideas?sort=discussed"), ("unanswered", "/ideas?sort=unanswered"),
        ("search", "/ideas?q=電子申請"), ("export xlsx (all)", "/ideas/export.xlsx"),
    ]:
        timings = []
        for _ in range(5):
            t = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        print(f"{label:<20} median {statistics.median(timings):7.1f} ms  (5 runs)")


if __name__ == "__main__":
    main()
