"""Delivering the outbox through SMTP, and the worker that does it.

Claiming: a worker takes one due message at a time with a conditional UPDATE
(``... SET status='sending', claim_token=:t, lease_until=:l WHERE id=:id AND <still due>``); only the worker
whose UPDATE changed the row sends it (on PostgreSQL the candidate is also picked ``FOR UPDATE SKIP LOCKED``
so workers do not queue behind each other; on SQLite ``BEGIN IMMEDIATE`` serialises writers).

"Sent but not yet marked": the claim is committed BEFORE the SMTP conversation and the result is committed
right AFTER the server accepted the message. A worker that is stopped (SIGTERM, Ctrl-C, ``stop``) finishes
the message in hand first, so restarts lose nothing and send nothing twice. A worker that dies in the
milliseconds between the server's "250 OK" and the commit leaves the message 'sending'; when its lease has
run out another worker sends it again with the SAME Message-ID header (at-least-once, duplicates
recognisable), because losing a notification is worse than a rare duplicate.
"""
from __future__ import annotations

import logging
import smtplib
import socket
import threading
import time
import traceback
import uuid
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formataddr, formatdate, parseaddr

from flask import current_app
from sqlalchemy import or_, select, update

from tracker.core.db import utcnow
from tracker.extensions import db
from tracker.notify.models import FAILED, PENDING, SENDING, SENT, OutboxMessage
from tracker.notify.settings import parse_smtp_url, setting

log = logging.getLogger(__name__)


class NotConfigured(RuntimeError):
    pass


def build_email(message: OutboxMessage) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = setting("MAIL_FROM")
    name, address = parseaddr(message.to_address)
    mail["To"] = formataddr((name, address))
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = message.message_id
    mail["Auto-Submitted"] = "auto-generated"
    mail["X-WGT-Kind"] = message.kind
    mail.set_content(message.body_text)
    mail.add_alternative(message.body_html, subtype="html")
    return mail


def _due(now):
    """Pending and due, or claimed by a worker whose lease ran out (it died)."""
    return or_(
        (OutboxMessage.status == PENDING) & (OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.status == SENDING) & (OutboxMessage.lease_until < now),
    )


BATCH_SIZE = 10


def lease_seconds(timeout: float, batch: int = 1) -> float:
    # Longer than the SMTP conversations of a whole batch can take (each command bounded by the timeout).
    return timeout * 2 * batch + 60


def claim_batch(lease: float, limit: int = BATCH_SIZE) -> tuple[str, list[tuple[int, EmailMessage]]]:
    """Claim up to ``limit`` due messages for this worker and commit the claim: (claim token, [(id, mail)])."""
    now = utcnow()
    query = select(OutboxMessage.id).where(_due(now)).order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(query))
    token = uuid.uuid4().hex
    if not ids:
        db.session.rollback()
        return token, []
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), _due(now))
        .values(status=SENDING, claim_token=token, lease_until=now + timedelta(seconds=lease),
                attempts=OutboxMessage.attempts + 1),
        execution_options={"synchronize_session": False},
    )
    claimed = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.claim_token == token).order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
    ).all()
    mails = [(m.id, build_email(m)) for m in claimed]
    db.session.commit()  # the claim is committed before any SMTP conversation
    return token, mails


def claim_next(lease: float) -> tuple[int, str] | None:
    """Claim one due message: (id, claim token) or None."""
    token, mails = claim_batch(lease, 1)
    return (mails[0][0], token) if mails else None


def release_unsent(token: str) -> None:
    """Give back the messages of a claim that were not tried (the server went away mid-batch)."""
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.claim_token == token, OutboxMessage.status == SENDING)
        .values(status=PENDING, attempts=OutboxMessage.attempts - 1, lease_until=None, claim_token=None),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()


def _finish(message_id: int, token: str, **values) -> bool:
    done = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.claim_token == token, OutboxMessage.status == SENDING)
        .values(lease_until=None, claim_token=None, **values),
        execution_options={"synchronize_session": False},
    ).rowcount
    db.session.commit()
    return done == 1


def mark_sent(message_id: int, token: str) -> bool:
    return _finish(message_id, token, status=SENT, sent_at=utcnow(), last_error=None)


def backoff_seconds(attempts: int) -> float:
    base = setting("NOTIFY_RETRY_SECONDS")
    return min(base * (2 ** max(attempts - 1, 0)), setting("NOTIFY_RETRY_MAX_SECONDS"))


def mark_failed_attempt(message_id: int, token: str, error: str) -> str:
    """Record a failed attempt: back to pending with back-off, or failed after the maximum; returns
    "retry" or "failed"."""
    attempts = db.session.scalar(select(OutboxMessage.attempts).where(OutboxMessage.id == message_id)) or 0
    if attempts >= setting("NOTIFY_MAX_ATTEMPTS"):
        _finish(message_id, token, status=FAILED, last_error=error[:2000])
        return "failed"
    _finish(
        message_id, token, status=PENDING, last_error=error[:2000],
        next_attempt_at=utcnow() + timedelta(seconds=backoff_seconds(attempts)),
    )
    return "retry"


class SMTPConnection:
    """One SMTP session, opened on first use and reused for the messages of one round."""

    def __init__(self, settings):
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        if s.ssl:
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=s.tls_context())
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            if s.starttls:
                smtp.starttls(context=s.tls_context())
        if s.username:
            smtp.login(s.username, s.password or "")
        return smtp

    def send(self, mail: EmailMessage) -> None:
        if self.smtp is None:
            self.smtp = self._open()
        self.smtp.send_message(mail)

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None


CONNECTION_ERRORS = (OSError, socket.timeout, smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)


def deliver_due(limit: int = 1000, stop: threading.Event | None = None) -> dict:
    """Send due messages, a batch at a time, until none is left (or ``limit``); returns counts. When the
    server cannot be reached the round ends after the first failure: the rest waits for the next round."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    smtp_settings = parse_smtp_url(setting("SMTP_URL"))
    if smtp_settings is None:
        return counts
    connection = SMTPConnection(smtp_settings)
    lease = lease_seconds(smtp_settings.timeout, BATCH_SIZE)
    handled = 0
    try:
        while handled < limit and not (stop is not None and stop.is_set()):
            token, batch = claim_batch(lease, min(BATCH_SIZE, limit - handled))
            if not batch:
                break
            unreachable = False
            for message_id, mail in batch:
                if unreachable or (stop is not None and stop.is_set()):
                    break
                handled += 1
                try:
                    connection.send(mail)
                except Exception as exc:  # any SMTP or network failure: retry later
                    error = f"{exc.__class__.__name__}: {exc}"
                    log.warning("mail %s to %s not sent: %s", message_id, mail["To"], error)
                    connection.close()
                    counts[mark_failed_attempt(message_id, token, error)] += 1
                    unreachable = isinstance(exc, CONNECTION_ERRORS)
                    continue
                if not mark_sent(message_id, token):
                    log.warning("mail %s was sent but its claim had been taken over", message_id)
                counts["sent"] += 1
            release_unsent(token)
            if unreachable:
                break
    finally:
        connection.close()
        db.session.remove()
    return counts


# -- the worker -------------------------------------------------------------------------------------


def claim_job(name: str, every_seconds: float, lease_seconds_: float = 600) -> bool:
    """True when this worker may run job ``name`` now: it has not run for ``every_seconds`` and no other
    worker holds it."""
    from tracker.notify.models import JobRun

    now = utcnow()
    if db.session.get(JobRun, name) is None:
        db.session.add(JobRun(name=name))
        try:
            db.session.commit()
        except Exception:  # another worker inserted it first
            db.session.rollback()
    claimed = db.session.execute(
        update(JobRun)
        .where(
            JobRun.name == name,
            or_(JobRun.lease_until.is_(None), JobRun.lease_until < now),
            or_(JobRun.last_started_at.is_(None), JobRun.last_started_at <= now - timedelta(seconds=every_seconds)),
        )
        .values(last_started_at=now, lease_until=now + timedelta(seconds=lease_seconds_)),
        execution_options={"synchronize_session": False},
    ).rowcount
    db.session.commit()
    return claimed == 1


def finish_job(name: str, error: str | None = None) -> None:
    from tracker.notify.models import JobRun

    db.session.execute(
        update(JobRun).where(JobRun.name == name).values(lease_until=None, last_finished_at=utcnow(), last_error=error),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()


def run_job(name: str, every_seconds: float, fn) -> bool:
    if not claim_job(name, every_seconds):
        return False
    error = None
    try:
        fn()
        db.session.commit()
    except Exception:  # a broken check must not stop the worker or other checks
        db.session.rollback()
        error = traceback.format_exc(limit=5)
        log.exception("job %s failed", name)
    finish_job(name, error)
    return True


def run_periodic(force: bool = False) -> list[str]:
    """Run the registered periodic checks that are due, then the digest job; names of those run."""
    from tracker.core import events
    from tracker.notify.digest import send_digests

    every = 0 if force else setting("NOTIFY_CHECK_SECONDS")
    ran = []
    for name, check in sorted(events.periodic_checks().items()):
        if run_job(f"check:{name}", 0 if force else events.check_interval(name, every), check):
            ran.append(name)
    if run_job("digest", 0 if force else 300, send_digests):
        ran.append("digest")
    if run_job("purge-sent", 0 if force else 86400, purge_sent):
        ran.append("purge-sent")
    db.session.remove()
    return ran


def purge_sent() -> int:
    """Delete sent mail older than NOTIFY_KEEP_SENT_DAYS; pending and failed mail is never deleted."""
    from sqlalchemy import delete

    cutoff = utcnow() - timedelta(days=setting("NOTIFY_KEEP_SENT_DAYS"))
    return db.session.execute(
        delete(OutboxMessage).where(OutboxMessage.status == SENT, OutboxMessage.sent_at < cutoff),
        execution_options={"synchronize_session": False},
    ).rowcount


class Worker:
    """Delivers mail and runs periodic jobs until stopped; used by ``tracker worker`` and the dev thread."""

    def __init__(self, app, poll_seconds: float | None = None):
        self.app = app
        self.poll = poll_seconds if poll_seconds is not None else setting("NOTIFY_POLL_SECONDS", app)
        self.stop_event = threading.Event()
        self.thread: threading.Thread | None = None

    def run(self) -> None:
        pause = self.poll
        next_periodic = 0.0
        while not self.stop_event.is_set():
            with self.app.app_context():
                try:
                    if time.monotonic() >= next_periodic:
                        # Each job keeps its own interval; this only spares the database a look every poll.
                        run_periodic()
                        next_periodic = time.monotonic() + min(setting("NOTIFY_CHECK_SECONDS", self.app), 60)
                    counts = deliver_due(stop=self.stop_event)
                    # The server is unreachable: wait longer each time, up to a minute.
                    pause = min(pause * 2, 60) if counts["retry"] and not counts["sent"] else self.poll
                except Exception:  # the database may be briefly away; keep going
                    log.exception("notification worker round failed")
                    db.session.remove()
                    pause = min(pause * 2, 60)
            self.stop_event.wait(pause)

    def start(self) -> "Worker":
        self.thread = threading.Thread(target=self.run, name="notify-worker", daemon=True)
        self.thread.start()
        return self

    def stop(self, timeout: float = 30) -> None:
        self.stop_event.set()
        if self.thread is not None:
            self.thread.join(timeout)
