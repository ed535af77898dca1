"""The worker: several at once never send a message twice; a hanging SMTP server never blocks a request;
periodic checks run from it; ``tracker worker``."""
import threading
import uuid

import pytest
from flask_babel import lazy_gettext
from sqlalchemy import func, select

from tests.live import separate_database
from tests.notify.smtp import HangingSMTPServer, SMTPServer
from tracker import create_app
from tracker.core import events
from tracker.notify import delivery
from tracker.notify.models import Notification, OutboxMessage


def _fresh_app(url, engine_options, tmp_path, **config):
    from flask_migrate import upgrade

    app = create_app(
        "test", SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True, **engine_options},
        UPLOAD_DIR=str(tmp_path / "uploads"), RATELIMIT_ENABLED=False, WTF_CSRF_ENABLED=False, **config,
    )
    with app.app_context():
        upgrade()
    return app


def _dispose(app):
    from tracker.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _seed_users(app, count):
    from tracker.accounts.models import User
    from tracker.extensions import db

    with app.app_context():
        users = [User(login=f"u{i}", name=f"職員{i}", email=f"u{i}@example.lg.jp", language="ja") for i in range(count)]
        db.session.add_all(users)
        db.session.commit()
        return [u.id for u in users]


def test_several_workers_at_once_send_each_message_exactly_once(database_url, tmp_path):
    server = SMTPServer().start()
    with separate_database(database_url, tmp_path) as (url, options):
        app = _fresh_app(url, options, tmp_path, SMTP_URL=server.url)
        try:
            [user_id] = _seed_users(app, 1)
            from tracker.extensions import db

            with app.app_context():
                for n in range(40):
                    db.session.add(OutboxMessage(
                        message_id=f"<c{n}.{uuid.uuid4().hex}@example.lg.jp>", recipient_id=user_id,
                        to_address="u0@example.lg.jp", kind="ticket.updated", subject=f"件名{n}",
                        body_text="本文", body_html="<p>本文</p>",
                    ))
                db.session.commit()
                expected = sorted(db.session.scalars(select(OutboxMessage.message_id)))

            def work():
                with app.app_context():
                    delivery.deliver_due()

            threads = [threading.Thread(target=work) for _ in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
            received = server.message_ids()
            assert sorted(received) == expected  # every message, none twice
            with app.app_context():
                assert db.session.scalar(select(func.count()).where(OutboxMessage.status != "sent")) == 0
        finally:
            _dispose(app)
            server.stop()


def test_a_hanging_smtp_server_does_not_block_a_ticket_update(database_url, tmp_path):
    hanging = HangingSMTPServer().start()
    with separate_database(database_url, tmp_path) as (url, options):
        app = _fresh_app(url, options, tmp_path, SMTP_URL=hanging.url(timeout=60))
        from tracker.accounts.models import User
        from tracker.extensions import db
        from tracker.wg.models import WorkingGroup
        from tracker.wg.services import update_wg

        actor_id, watcher_id = _seed_users(app, 2)
        with app.app_context():
            db.session.add(WorkingGroup(identifier="madoguchi", name="窓口DX WG"))
            db.session.add(OutboxMessage(message_id="<first@example.lg.jp>", recipient_id=watcher_id,
                                         to_address="u1@example.lg.jp", kind="ticket.updated", subject="先の通知",
                                         body_text="本文", body_html="<p>本文</p>"))
            db.session.commit()

        @app.post("/_test/update")
        def ticket_like_update():
            wg = db.session.scalar(select(WorkingGroup))
            update_wg(None, wg, name=wg.name, description="進捗を更新", is_public=True)
            events.emit(events.Event(
                kind="ticket.updated", title=lazy_gettext("A ticket was updated"), url="/issues/1",
                actor=db.session.get(User, actor_id), recipients=[db.session.get(User, watcher_id)], wg=wg, subject=wg,
            ))
            db.session.commit()
            return "saved"

        worker = delivery.Worker(app, poll_seconds=0.05).start()
        try:
            assert hanging.connected.wait(10), "the worker should be talking to the hung server"
            outcome = {}

            def request():
                outcome["response"] = app.test_client().post("/_test/update")

            thread = threading.Thread(target=request)
            thread.start()
            thread.join(30)  # the worker's SMTP timeout is 60 s: a blocked request could not finish here
            assert not thread.is_alive(), "the update waited for the SMTP server"
            assert outcome["response"].status_code == 200
            assert hanging.connections and not hanging.released.is_set()  # the worker is still hung
            with app.app_context():
                statuses = dict(db.session.execute(select(OutboxMessage.subject, OutboxMessage.status)).all())
                assert statuses["先の通知"] == "sending"
                assert statuses["[窓口DX WG] チケットが更新されました"] == "pending"  # queued, waits for the worker
                assert db.session.scalar(select(WorkingGroup.description)) == "進捗を更新"
        finally:
            worker.stop_event.set()  # the worker stops after the message in hand ...
            hanging.release()  # ... which fails when the hung server finally hangs up
            worker.stop(timeout=30)
            _dispose(app)
    assert not worker.thread.is_alive()


def test_periodic_checks_run_from_the_worker_once_per_interval(db, make, app, monkeypatch):
    monkeypatch.setitem(app.config, "NOTIFY_CHECK_SECONDS", 600)
    leader = make.user()
    wg = make.wg(members={leader: "WG責任者"})
    reported = set()

    def quarterly_actual_missing():
        if wg.id in reported:  # idempotent: remembers what it reported
            return
        reported.add(wg.id)
        events.emit(events.Event(kind="quarterly.actual_missing", title=lazy_gettext("A quarterly actual is missing"),
                                 url=f"/projects/{wg.identifier}", recipients=[leader], wg=wg, subject=wg))

    def broken():
        raise RuntimeError("bug in a check")

    monkeypatch.setattr(events, "_periodic_checks", {"a-broken": broken, "quarterly": quarterly_actual_missing})
    assert set(delivery.run_periodic()) >= {"a-broken", "quarterly"}
    assert delivery.run_periodic() == []  # not due again yet
    [note] = db.session.scalars(select(Notification).where(Notification.user_id == leader.id)).all()
    assert note.title == "四半期の実績が未入力です" and note.actor_id is None


def test_tracker_worker_once_delivers_the_outbox(db, make, app, smtp_server):
    message = make.outbox_message(subject="CLIからの送信")
    db.session.commit()
    from tracker.cli import main

    result = app.test_cli_runner().invoke(main, ["worker", "--once"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "sent 1" in result.output
    assert smtp_server.message_ids() == [message.message_id]


def test_the_development_server_runs_the_worker_in_a_thread_only_when_enabled(database_url, tmp_path):
    with separate_database(database_url, tmp_path) as (url, options):
        quiet = _fresh_app(url, options, tmp_path)
        quiet.test_client().get("/healthz")
        assert "notify_worker" not in quiet.extensions  # tests and production: no thread
        _dispose(quiet)

        app = _fresh_app(url, options, tmp_path, NOTIFY_WORKER_THREAD=True, NOTIFY_POLL_SECONDS=0.05)
        try:
            app.test_client().get("/healthz")
            app.test_client().get("/healthz")
            worker = app.extensions["notify_worker"]
            assert worker.thread.is_alive()
        finally:
            worker.stop(timeout=10)
            _dispose(app)
        assert not worker.thread.is_alive()
