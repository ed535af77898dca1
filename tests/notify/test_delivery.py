"""The outbox is delivered through a real SMTP server (aiosmtpd); failures are retried with back-off."""
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests.notify.smtp import SMTPServer, free_port
from tracker.core import events
from tracker.core.db import utcnow
from tracker.notify import delivery
from tracker.notify.models import OutboxMessage
from tracker.notify.settings import parse_smtp_url


def _refresh(db, message):
    db.session.expire_all()
    return db.session.get(OutboxMessage, message.id)


def test_mail_is_delivered_as_text_and_html_with_its_message_id(db, make, smtp_server, ticket_event, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_FROM", "WG Tracker <dx@city.example.lg.jp>")
    actor, author = make.user(), make.user(name="山田 花子", language="ja")
    events.emit(ticket_event(actor, [author], body="会議資料を添付しました"))
    [queued] = db.session.scalars(select(OutboxMessage)).all()

    assert delivery.deliver_due() == {"sent": 1, "retry": 0, "failed": 0}

    [mail] = smtp_server.messages
    assert mail["Message-ID"] == queued.message_id
    assert mail["Subject"] == "チケットが更新されました"
    assert mail["To"] == author.email and "dx@city.example.lg.jp" in mail["From"]
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "会議資料を添付しました" in text and "http://127.0.0.1:5000/issues/42" in text
    assert 'href="http://127.0.0.1:5000/issues/42"' in html
    sent = _refresh(db, queued)
    assert sent.status == "sent" and sent.sent_at is not None and sent.attempts == 1
    assert delivery.deliver_due()["sent"] == 0  # nothing is sent twice
    assert len(smtp_server.messages) == 1


def test_smtp_down_then_back_up(db, make, app, monkeypatch):
    port = free_port()
    monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://127.0.0.1:{port}?timeout=5")
    monkeypatch.setitem(app.config, "NOTIFY_RETRY_SECONDS", 60)
    message = make.outbox_message()
    db.session.commit()

    assert delivery.deliver_due() == {"sent": 0, "retry": 1, "failed": 0}  # nobody listens on the port
    waiting = _refresh(db, message)
    assert waiting.status == "pending" and waiting.attempts == 1 and "Connection" in waiting.last_error
    assert waiting.next_attempt_at > utcnow() + timedelta(seconds=50)

    server = SMTPServer(port=port).start()
    try:
        assert delivery.deliver_due()["sent"] == 0  # backing off: not due yet
        db.session.execute(update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
        assert delivery.deliver_due()["sent"] == 1
        assert server.message_ids() == [message.message_id]
        assert _refresh(db, message).status == "sent"
    finally:
        server.stop()


def test_back_off_doubles_up_to_a_limit(app, monkeypatch):
    monkeypatch.setitem(app.config, "NOTIFY_RETRY_SECONDS", 30)
    monkeypatch.setitem(app.config, "NOTIFY_RETRY_MAX_SECONDS", 3600)
    with app.app_context():
        assert [delivery.backoff_seconds(n) for n in range(1, 9)] == [30, 60, 120, 240, 480, 960, 1920, 3600]


def test_refused_mail_fails_after_n_attempts_and_an_admin_retries_it(db, make, smtp_server, app, monkeypatch, client, login):
    monkeypatch.setitem(app.config, "NOTIFY_MAX_ATTEMPTS", 3)
    monkeypatch.setitem(app.config, "NOTIFY_RETRY_SECONDS", 0)
    smtp_server.refuse = True  # 451 to every message
    message = make.outbox_message(subject="四半期実績の入力のお願い")
    db.session.commit()

    results = [delivery.deliver_due() for _ in range(3)]
    assert [r["retry"] for r in results] == [1, 1, 0] and results[-1]["failed"] == 1
    failed = _refresh(db, message)
    assert failed.status == "failed" and failed.attempts == 3 and "451" in failed.last_error
    assert delivery.deliver_due()["sent"] == 0  # failed messages are left alone

    login(make.admin())
    page = client.get("/admin/mail").get_data(as_text=True)
    assert "四半期実績の入力のお願い" in page and "451" in page
    from tests.conftest import csrf_token

    response = client.post("/admin/mail/retry", data={"id": message.id, "csrf_token": csrf_token(client, "/admin/mail")})
    assert response.status_code == 302
    assert _refresh(db, message).status == "pending"

    smtp_server.refuse = False
    assert delivery.deliver_due()["sent"] == 1
    assert smtp_server.message_ids() == [message.message_id]


def test_a_worker_that_died_mid_send_is_taken_over_after_its_lease_with_the_same_message_id(db, make, smtp_server):
    message = make.outbox_message()
    db.session.commit()
    claimed = delivery.claim_next(lease=600)  # a worker claims it ... and dies before finishing
    assert claimed is not None and _refresh(db, message).status == "sending"

    assert delivery.deliver_due()["sent"] == 0  # its lease still holds: nobody else sends it
    assert smtp_server.messages == []

    db.session.execute(update(OutboxMessage).values(lease_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert delivery.deliver_due()["sent"] == 1  # after the lease: taken over, nothing lost
    assert smtp_server.message_ids() == [message.message_id]
    assert delivery.mark_sent(*claimed) is False  # the dead worker's late claim can no longer write


def test_starttls_and_login_settings_are_read_from_the_url():
    s = parse_smtp_url("smtp://mailer:p%40ss@mail.city.lg.jp:587?starttls=1&timeout=10")
    assert (s.host, s.port, s.username, s.password, s.starttls, s.ssl, s.timeout) == (
        "mail.city.lg.jp", 587, "mailer", "p@ss", True, False, 10.0)
    assert parse_smtp_url("smtps://mail.city.lg.jp").port == 465 and parse_smtp_url("smtps://x").ssl
    assert parse_smtp_url("") is None
    with pytest.raises(ValueError):
        parse_smtp_url("http://mail")


def test_login_to_the_smtp_server(db, make, app, monkeypatch):
    server = SMTPServer(auth=("mailer", "secret")).start()
    try:
        monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://mailer:secret@127.0.0.1:{server.port}?timeout=5")
        make.outbox_message()
        db.session.commit()
        assert delivery.deliver_due()["sent"] == 1
        monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://mailer:wrong@127.0.0.1:{server.port}?timeout=5")
        make.outbox_message()
        db.session.commit()
        assert delivery.deliver_due()["retry"] == 1
        assert len(server.messages) == 1
    finally:
        server.stop()


def test_a_title_with_line_breaks_still_makes_a_sendable_mail(db, make, smtp_server):
    actor, author = make.user(), make.user()
    ticket = make.ticket(wg=make.wg(is_public=True), author=actor)
    events.emit(events.Event(kind="ticket.created", title="窓口の\n混雑緩和", url="/issues/7", actor=actor, recipients=[author],
                             subject=ticket))
    assert delivery.deliver_due()["sent"] == 1
    assert smtp_server.messages[0]["Subject"] == "窓口の 混雑緩和"


def test_old_sent_mail_is_purged_but_never_pending_or_failed_mail(db, make, app, monkeypatch):
    monkeypatch.setitem(app.config, "NOTIFY_KEEP_SENT_DAYS", 30)
    long_ago = utcnow() - timedelta(days=31)
    old = make.outbox_message(status="sent", sent_at=long_ago)
    recent = make.outbox_message(status="sent", sent_at=utcnow())
    stuck = make.outbox_message(status="failed", created_at=long_ago)
    waiting = make.outbox_message(status="pending", created_at=long_ago)
    old_id, kept = old.id, {recent.id, stuck.id, waiting.id}
    assert "purge-sent" in delivery.run_periodic(force=True)
    remaining = set(db.session.scalars(select(OutboxMessage.id)))
    assert old_id not in remaining and kept <= remaining


def test_starttls_with_the_organisations_own_ca_and_login(db, make, app, monkeypatch, tmp_path):
    import shutil
    import ssl
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server = SMTPServer(auth=("mailer", "secret"), tls_context=context).start()
    try:
        base = f"smtp://mailer:secret@127.0.0.1:{server.port}?timeout=5"
        make.outbox_message()
        db.session.commit()
        monkeypatch.setitem(app.config, "SMTP_URL", base)  # no STARTTLS: the server refuses
        assert delivery.deliver_due()["retry"] == 1
        db.session.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
        db.session.commit()
        monkeypatch.setitem(app.config, "SMTP_URL", base + "&starttls=1")  # certificate not trusted
        assert delivery.deliver_due()["retry"] == 1
        db.session.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
        db.session.commit()
        monkeypatch.setitem(app.config, "SMTP_URL", base + f"&starttls=1&cafile={cert}")
        assert delivery.deliver_due()["sent"] == 1
        assert len(server.messages) == 1
    finally:
        server.stop()


def test_a_worker_stopped_mid_batch_gives_the_rest_back_and_a_restart_sends_each_once(db, make, smtp_server):
    import threading

    messages = [make.outbox_message() for _ in range(5)]
    db.session.commit()
    stop = threading.Event()
    original = smtp_server.controller.handler.handle_DATA

    async def stop_after_first(*args):
        result = await original(*args)
        stop.set()  # SIGTERM arrives while the first mail is being sent
        return result

    smtp_server.controller.handler.handle_DATA = stop_after_first
    assert delivery.deliver_due(stop=stop)["sent"] == 1
    db.session.expire_all()
    statuses = [db.session.get(OutboxMessage, m.id) for m in messages]
    assert [m.status for m in statuses] == ["sent"] + ["pending"] * 4  # nothing left claimed
    assert [m.attempts for m in statuses] == [1, 0, 0, 0, 0]

    smtp_server.controller.handler.handle_DATA = original
    assert delivery.deliver_due()["sent"] == 4  # the restarted worker
    assert sorted(smtp_server.message_ids()) == sorted(m.message_id for m in messages)
