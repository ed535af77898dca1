"""How long a ticket-like update takes while the notification worker talks to a normal SMTP server, and
while the SMTP server hangs (accepts the connection, never answers).

    .venv/bin/python bench/notify_bench.py [--requests 200] [--members 10]

Runs the app in-process on temporary SQLite databases (or TRACKER_BENCH_DATABASE_URL_NORMAL / _HANGING /
_NO, one empty PostgreSQL database each); each request
changes a WG and emits a ticket.updated event to the WG's members (one in-app row and one outbox mail
each), while a worker thread delivers the outbox.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_babel import lazy_gettext  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from tests.notify.smtp import HangingSMTPServer, SMTPServer  # noqa: E402
from tracker import create_app  # noqa: E402


def build_app(url: str, smtp_url: str, members: int):
    from flask_migrate import upgrade

    from tracker.accounts.models import User
    from tracker.core import events
    from tracker.extensions import db
    from tracker.wg.models import Member, Role, WorkingGroup
    from tracker.wg.services import update_wg

    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, SMTP_URL=smtp_url, RATELIMIT_ENABLED=False, WTF_CSRF_ENABLED=False,
                     NOTIFY_RETRY_SECONDS=1)
    with app.app_context():
        upgrade()
        role = db.session.scalar(select(Role).where(Role.name == "メンバー"))
        wg = WorkingGroup(identifier="bench", name="窓口DX WG")
        db.session.add(wg)
        users = [User(login=f"b{i}", name=f"職員{i}", email=f"b{i}@example.lg.jp", language="ja") for i in range(members + 1)]
        db.session.add_all(users)
        db.session.flush()
        for user in users[1:]:
            db.session.add(Member(wg=wg, user=user, roles=[role]))
        db.session.commit()
        actor_id, recipient_ids = users[0].id, [u.id for u in users[1:]]

    @app.post("/_bench/update")
    def update():
        wg = db.session.scalar(select(WorkingGroup).where(WorkingGroup.identifier == "bench"))
        update_wg(None, wg, name=wg.name, description=f"更新 {time.time()}", is_public=True)
        events.emit(events.Event(
            kind="ticket.updated", title=lazy_gettext("A ticket was updated"), url="/issues/1",
            actor=db.session.get(User, actor_id),
            recipients=list(db.session.scalars(select(User).where(User.id.in_(recipient_ids)))), wg=wg,
            body="進捗を更新しました。",
        ))
        db.session.commit()
        return "ok"

    return app


class Scenario:
    def __init__(self, label: str, smtp_url: str, args, tmp: str, hanging: HangingSMTPServer | None = None):
        from tracker.notify.delivery import Worker

        self.label, self.smtp_url, self.hanging, self.times = label, smtp_url, hanging, []
        url = os.environ.get("TRACKER_BENCH_DATABASE_URL_" + label.split()[0].upper()) or f"sqlite:///{tmp}/{label.split()[0]}.db"
        self.app = build_app(url, smtp_url, args.members)
        self.client = self.app.test_client()
        for _ in range(10):  # warm up
            self.client.post("/_bench/update")
        self.worker = Worker(self.app, poll_seconds=args.poll).start()

    def request(self) -> None:
        start = time.perf_counter()
        response = self.client.post("/_bench/update")
        self.times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.get_data(as_text=True)[-2000:]

    def finish(self) -> None:
        from tracker.extensions import db
        from tracker.notify.models import OutboxMessage

        drained = ""
        if self.hanging is None and self.smtp_url:
            start = time.perf_counter()
            with self.app.app_context():
                while db.session.scalar(select(func.count()).where(OutboxMessage.status != "sent")) and time.perf_counter() - start < 300:
                    db.session.remove()
                    time.sleep(0.1)
            drained = f"; all delivered {time.perf_counter() - start:.1f} s after the last request"
        self.worker.stop_event.set()
        if self.hanging is not None:
            self.hanging.release()
        self.worker.stop(timeout=60)
        with self.app.app_context():
            counts = dict(db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
            db.session.remove()
            db.engine.dispose()
        times = sorted(self.times)
        print(f"{self.label:<22} median {statistics.median(times):6.1f} ms   p95 {times[int(len(times) * 0.95) - 1]:6.1f} ms   "
              f"max {times[-1]:6.1f} ms   outbox {counts}{drained}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--members", type=int, default=10)
    parser.add_argument("--poll", type=float, default=1.0, help="worker poll interval in seconds")
    args = parser.parse_args()
    print(f"{args.requests} updates per scenario, each notifying {args.members} WG members (in-app + mail); "
          "requests interleaved across the scenarios so machine load affects them alike")
    server = SMTPServer().start()
    hanging = HangingSMTPServer().start()
    with tempfile.TemporaryDirectory() as tmp:
        scenarios = [
            Scenario("normal SMTP server", server.url, args, tmp),
            Scenario("hanging SMTP server", hanging.url(timeout=300), args, tmp, hanging),
            Scenario("no SMTP configured", "", args, tmp),
        ]
        assert hanging.connected.wait(10)
        for _ in range(args.requests):
            for scenario in scenarios:
                scenario.request()
        for scenario in scenarios:
            scenario.finish()
    server.stop()


if __name__ == "__main__":
    main()
