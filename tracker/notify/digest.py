"""The daily digest: one mail a day with what waited for users who chose it. Queued in the outbox like
any other mail, in the same transaction that clears the notifications' digest flag, so a digest is
neither lost nor written twice."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from tracker.core.translation import gettext as _
from sqlalchemy import select

from tracker.accounts.models import User
from tracker.extensions import db
from tracker.notify.models import EMAIL_DIGEST, Notification, NotificationPreference
from tracker.notify.settings import setting


def local_now() -> datetime:
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))


def send_digests(now: datetime | None = None) -> int:
    """Queue today's digest for every user who chose it and has not had it today; returns how many."""
    from tracker.notify.services import absolute_url, queue_mail, render_mail, user_language

    now = now or local_now()
    if now.hour < setting("NOTIFY_DIGEST_HOUR"):
        return 0
    today = now.date()
    queued = 0
    prefs = db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.email == EMAIL_DIGEST)
    ).all()
    for pref in prefs:
        if pref.digest_sent_on == today:
            continue
        items = db.session.scalars(
            select(Notification)
            .where(Notification.user_id == pref.user_id, Notification.digest_pending.is_(True))
            .order_by(Notification.created_at, Notification.id)
        ).all()
        pref.digest_sent_on = today
        user = db.session.get(User, pref.user_id)
        if not items or user is None or not user.active or not user.email:
            continue
        with force_locale(user_language(user)):
            subject = _("WG Tracker: %(count)d notifications", count=len(items))
            text, html = render_mail(
                "digest", user=user, items=items, subject=subject, day=today,
                link=absolute_url, list_url=absolute_url("/my/notifications"),
            )
        queue_mail(user, "digest", subject, text, html)
        for item in items:
            item.digest_pending = False
        queued += 1
    db.session.flush()
    return queued
