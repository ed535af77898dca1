"""Turning events into notifications, and the changes users and administrators make.

``on_event`` is subscribed to ``tracker.core.events``: it runs inside the transaction of the change that
emitted the event and only adds rows (in-app notifications, outbox mail), so the change and its
notifications are committed or rolled back together, and the request never waits for SMTP.
"""
from __future__ import annotations

import uuid
from email.utils import make_msgid
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from tracker.core.translation import gettext as _
from sqlalchemy import select, update

from tracker.accounts.models import User
from tracker.core import events
from tracker.core.db import utcnow
from tracker.core.services import ServiceError
from tracker.extensions import db
from tracker.notify import kinds as _kinds  # noqa: F401  (registers the default kinds)
from tracker.notify.audience import actor_shown_to, may_see
from tracker.notify.models import (
    EMAIL_DIGEST,
    EMAIL_IMMEDIATE,
    EMAIL_MODES,
    FAILED,
    LEVEL_ALL,
    LEVEL_MINE,
    LEVELS,
    PENDING,
    Notification,
    NotificationPreference,
    OutboxMessage,
)
from tracker.notify.settings import setting
from tracker.wg.models import Member


def user_language(user: User) -> str:
    languages = current_app.config.get("LANGUAGES", ["ja", "en"])
    return user.language if user.language in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def absolute_url(path: str) -> str:
    if urlsplit(path).scheme:
        return path
    return current_app.config.get("BASE_URL", "").rstrip("/") + "/" + path.lstrip("/")


def _user_id(value) -> int | None:
    if value is None:
        return None
    return value if isinstance(value, int) else getattr(value, "id", None)


def audience(event: events.Event) -> list[tuple[User, NotificationPreference]]:
    """The users who hear of ``event``, with their preferences: those it concerns directly (unless they
    chose nothing for this kind) and the members of its WG who chose everything in their WGs, and of
    those only who may see the event's subject (and note) under its access policy. Never the actor,
    never a deactivated user."""
    actor_id = _user_id(event.actor)
    direct = {uid for uid in map(_user_id, event.recipients or ()) if uid is not None}
    members: set[int] = set()
    wg_id = _user_id(event.wg)
    if wg_id is not None:
        members = set(db.session.scalars(select(Member.user_id).where(Member.wg_id == wg_id)))
    candidates = (direct | members) - {actor_id}
    if not candidates:
        return []
    users = db.session.scalars(select(User).where(User.id.in_(candidates), User.active.is_(True)).order_by(User.id))
    prefs = {
        p.user_id: p
        for p in db.session.scalars(select(NotificationPreference).where(NotificationPreference.user_id.in_(candidates)))
    }
    wanted = []
    for user in users:
        pref = prefs.get(user.id) or _default_preferences(user.id)
        level = pref.level_for(event.kind)
        if level == LEVEL_ALL or (level == LEVEL_MINE and user.id in direct):
            wanted.append((user, pref))
    if not wanted:
        return []
    allowed = may_see(event, [user for user, _pref in wanted])
    return [(user, pref) for user, pref in wanted if user.id in allowed]


def _default_preferences(user_id: int) -> NotificationPreference:
    # Not NotificationPreference.for_user: the stored rows were all loaded above, so asking again for a
    # user without one would be one more query per recipient.
    return NotificationPreference(user_id=user_id, level=LEVEL_MINE, email=EMAIL_IMMEDIATE, overrides={})


def render_mail(template: str, **context) -> tuple[str, str]:
    """(plain text, HTML) from ``notify/mail/<template>_text.html`` and ``..._html.html``, in the locale
    in force. Rendered without context processors, so the worker (no request) can use it too. Another
    feature's mail names its own folder: ``render_mail("accounts/mail/password_reset")``."""
    env = current_app.jinja_env
    context.setdefault("settings_url", absolute_url("/my/notifications/settings"))
    path = template if "/" in template else f"notify/mail/{template}"
    text = env.get_template(f"{path}_text.html").render(**context)
    html = env.get_template(f"{path}_html.html").render(**context)
    return text.strip() + "\n", html


def new_message_id() -> str:
    domain = urlsplit(current_app.config.get("BASE_URL", "")).hostname or "localhost"
    return make_msgid(idstring=f"wgt.{uuid.uuid4().hex}", domain=domain)


def one_line(text: str, limit: int = 250) -> str:
    """Headers are one line: a title with line breaks would make an unsendable mail."""
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def queue_mail(user: User, kind: str, subject: str, text: str, html: str) -> OutboxMessage:
    subject = one_line(subject)
    message = OutboxMessage(
        message_id=new_message_id(),
        recipient_id=user.id,
        to_address=user.email,
        kind=kind,
        subject=subject,
        body_text=text,
        body_html=html,
        status=PENDING,
        attempts=0,
        next_attempt_at=utcnow(),
    )
    db.session.add(message)
    return message


def on_event(event: events.Event) -> None:
    recipients = audience(event)
    if not recipients:
        return
    actor = event.actor if isinstance(event.actor, User) else (db.session.get(User, event.actor) if event.actor else None)
    wg_name = getattr(event.wg, "name", None)
    url = (event.url or "/")[:500]
    # (language, actor shown) -> (title, body, subject, text, html): one rendering per language and per
    # whether the recipient may see who acted (the author of an anonymous post is 匿名 to most).
    rendered: dict[tuple[str, bool], tuple] = {}
    for user, pref in recipients:
        language = user_language(user)
        shown = actor is None or actor_shown_to(event, user)
        if (language, shown) not in rendered:
            with force_locale(language):
                title = one_line(event.title, 1000)
                body = str(event.body) if event.body is not None else ""
                actor_name = (actor.name if shown else _("Anonymous")) if actor is not None else None
                text, html = render_mail(
                    "event", title=title, body=body, url=absolute_url(url), actor_name=actor_name, wg_name=wg_name,
                    kind_label=_kinds.kind_label(event.kind),
                )
                rendered[(language, shown)] = (title, body, f"[{wg_name}] {title}" if wg_name else title, text, html)
        title, body, subject, text, html = rendered[(language, shown)]
        db.session.add(
            Notification(
                user_id=user.id, kind=event.kind, title=title, body=body, url=url, wg_id=_user_id(event.wg),
                actor_id=_user_id(actor) if shown else None, actor_anonymous=not shown,
                created_at=utcnow(), digest_pending=pref.email == EMAIL_DIGEST,
            )
        )
        if pref.email == EMAIL_IMMEDIATE and user.email:
            queue_mail(user, event.kind, subject, text, html)
    db.session.flush()


events.subscribe(on_event)


# -- what users change ------------------------------------------------------------------------------


def mark_read(user: User, notification_ids=None) -> int:
    """Mark the user's notifications (all unread ones when ``notification_ids`` is None) as read."""
    statement = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_ids is not None:
        statement = statement.where(Notification.id.in_(list(notification_ids)))
    return db.session.execute(statement.values(read_at=utcnow()), execution_options={"synchronize_session": False}).rowcount


def save_preferences(user: User, *, level: str, email: str, overrides: dict[str, str]) -> NotificationPreference:
    problems = []
    if level not in LEVELS:
        problems.append(_("Choose which notifications you want."))
    if email not in EMAIL_MODES:
        problems.append(_("Choose how you want to receive e-mail."))
    known = _kinds.registered_kinds()
    cleaned = {}
    for kind, value in (overrides or {}).items():
        if not value:
            continue
        if kind not in known or value not in LEVELS:
            problems.append(_("Unknown choice for %(kind)s.", kind=kind))
        else:
            cleaned[kind] = value
    if problems:
        raise ServiceError(problems)
    pref = db.session.get(NotificationPreference, user.id)
    if pref is None:
        pref = NotificationPreference(user_id=user.id)
        db.session.add(pref)
    pref.level = level
    pref.email = email
    pref.overrides = cleaned
    if email != EMAIL_DIGEST:
        # Whatever waited for a digest the user no longer wants stays readable in the app.
        db.session.execute(
            update(Notification)
            .where(Notification.user_id == user.id, Notification.digest_pending.is_(True))
            .values(digest_pending=False),
            execution_options={"synchronize_session": False},
        )
    return pref


def retry_failed(message_ids=None) -> int:
    """Put failed messages (all when ``message_ids`` is None) back in the queue for delivery now."""
    statement = update(OutboxMessage).where(OutboxMessage.status == FAILED)
    if message_ids is not None:
        statement = statement.where(OutboxMessage.id.in_(list(message_ids)))
    return db.session.execute(
        statement.values(status=PENDING, attempts=0, next_attempt_at=utcnow(), lease_until=None, claim_token=None),
        execution_options={"synchronize_session": False},
    ).rowcount


def max_attempts() -> int:
    return setting("NOTIFY_MAX_ATTEMPTS")
