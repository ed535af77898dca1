"""Many API clients creating tickets while others read, each request in its own transaction: on SQLite the
reads run without the write lock and the creations take it at their first write, subtasks (which update
their parent) before reading the parent (tracker/core/db.py);
no request may fail with "database is locked", and every ticket gets its search entry."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from tests.factories import Factories
from tests.live import separate_database


def test_concurrent_creations_and_reads_all_succeed(database_url, tmp_path):
    from flask_migrate import upgrade

    from tracker import create_app
    from tracker.accounts.services import issue_api_key
    from tracker.core.models import SearchDocument
    from tracker.extensions import db
    from tracker.tickets.models import Ticket

    writers, per_writer, readers = 6, 8, 3
    with separate_database(database_url, tmp_path) as (url, options):
        engine_options = options if url.startswith("sqlite") else {"pool_size": 20, **options}
        app = create_app("test", SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS=engine_options,
                         RATELIMIT_ENABLED=False, UPLOAD_DIR=str(tmp_path / "uploads"))
        with app.app_context():
            upgrade()
            make = Factories(db)
            author = make.user(login="writer")
            other = make.user(login="colleague")
            wg = make.wg(members={author: "メンバー", other: "メンバー"}, identifier="busy-wg")
            key = issue_api_key(author)
            from tracker.tickets import services

            from tracker.tickets.models import Tracker

            tracker_id = db.session.scalar(select(Tracker.id).order_by(Tracker.position, Tracker.id).limit(1))
            parent_id = services.create_ticket(author, wg, {"subject": "親チケット", "tracker_id": tracker_id}).id
            db.session.commit()
            wg_id = wg.id
            db.session.remove()

        barrier = threading.Barrier(writers + readers)
        errors, created = [], []
        headers = {"X-Redmine-API-Key": key}

        def write(n):
            client = app.test_client()
            barrier.wait(timeout=30)
            for i in range(per_writer):
                issue = {"project_id": "busy-wg", "subject": f"同時登録 {n}-{i}"}
                if n % 2:  # subtasks: each creation also updates the parent (roll-up, lock_version)
                    issue.update(parent_issue_id=parent_id, estimated_hours=1)  # the parent's sum changes each time
                response = client.post("/issues.json", headers=headers, json={"issue": issue})
                if response.status_code == 201:
                    created.append(response.get_json()["issue"]["id"])
                else:
                    errors.append((response.status_code, response.get_data(as_text=True)[:300]))

        def read():
            client = app.test_client()
            barrier.wait(timeout=30)
            for _ in range(per_writer):
                response = client.get("/issues.json?limit=100", headers=headers)
                if response.status_code != 200:
                    errors.append((response.status_code, response.get_data(as_text=True)[:300]))

        threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
        threads += [threading.Thread(target=read) for _ in range(readers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)

        assert errors == []
        assert len(set(created)) == writers * per_writer
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Ticket).where(Ticket.wg_id == wg_id)) == writers * per_writer + 1
            children = select(func.count()).select_from(Ticket).where(Ticket.parent_id == parent_id)
            assert db.session.scalar(children) == (writers // 2) * per_writer
            assert db.session.get(Ticket, parent_id).estimated_hours == (writers // 2) * per_writer  # no roll-up lost
            indexed = db.session.scalar(select(func.count()).select_from(SearchDocument).where(
                SearchDocument.kind == "ticket", SearchDocument.object_id.in_(created)))
            assert indexed == writers * per_writer
            db.session.remove()
            db.engine.dispose()
