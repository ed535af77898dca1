"""Notification settings. Each is read from the app config (``create_app(..., SMTP_URL=...)``) or else
from the environment as ``TRACKER_<NAME>``, like every other setting.

SMTP_URL                smtp://user:pass@host:587?starttls=1 , smtps://host:465 , smtp://localhost:25
                        (query: starttls=1, timeout=SECONDS, cafile=/path/to/internal-ca.pem);
                        unset: mail stays in the outbox
MAIL_FROM               From address (default: WG Tracker <noreply@localhost>)
NOTIFY_MAX_ATTEMPTS     failures before a message is marked failed (default 8)
NOTIFY_RETRY_SECONDS    first retry delay; doubles each failure, at most NOTIFY_RETRY_MAX_SECONDS (30 / 3600)
NOTIFY_POLL_SECONDS     how often the worker looks for due mail (default 5)
NOTIFY_CHECK_SECONDS    how often the registered periodic checks run (default 600)
NOTIFY_DIGEST_HOUR      local hour after which the daily digest is sent (default 8)
NOTIFY_KEEP_SENT_DAYS   sent mail is deleted from the outbox after this many days (default 30)
NOTIFY_WORKER_THREAD    1: run the worker in a background thread of the web process (``make run``)
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app

from tracker.config import env

DEFAULTS = {
    "SMTP_URL": ("", str),
    "MAIL_FROM": ("WG Tracker <noreply@localhost>", str),
    "NOTIFY_MAX_ATTEMPTS": (8, int),
    "NOTIFY_RETRY_SECONDS": (30.0, float),
    "NOTIFY_RETRY_MAX_SECONDS": (3600.0, float),
    "NOTIFY_POLL_SECONDS": (5.0, float),
    "NOTIFY_CHECK_SECONDS": (600.0, float),
    "NOTIFY_DIGEST_HOUR": (8, int),
    "NOTIFY_KEEP_SENT_DAYS": (30, int),
    "NOTIFY_WORKER_THREAD": (False, bool),
}


def setting(name: str, app=None):
    app = app or current_app
    default, cast = DEFAULTS[name]
    if name in app.config:
        value = app.config[name]
        if cast is bool and isinstance(value, str):
            return value.strip().lower() in {"1", "true", "yes", "on"}
        return cast(value) if value is not None else default
    return env(name, default, cast)


@dataclass(frozen=True)
class SMTPSettings:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    ssl: bool = False  # smtps://: TLS from the first byte
    starttls: bool = False  # smtp://...?starttls=1: upgrade after EHLO
    timeout: float = 30.0
    cafile: str | None = None  # the organisation's own CA, for an internal mail server's certificate

    def tls_context(self):
        import ssl

        return ssl.create_default_context(cafile=self.cafile)


def parse_smtp_url(url: str) -> SMTPSettings | None:
    """``smtp://user:pass@host:587?starttls=1`` -> SMTPSettings; None when mail is not configured."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError(f"TRACKER_SMTP_URL must start with smtp:// or smtps://, not {parts.scheme}://")
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    ssl = parts.scheme == "smtps"
    return SMTPSettings(
        host=parts.hostname or "localhost",
        port=parts.port or (465 if ssl else 25),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        ssl=ssl,
        starttls=query.get("starttls", "0").lower() in ("1", "true", "yes", "on"),
        timeout=float(query.get("timeout", 30)),
        cafile=query.get("cafile") or None,
    )
