"""Per-user Atom feed keys (Redmine's RSS access key): a feed reader passes ``?key=`` instead of a session."""
from __future__ import annotations

import secrets
from functools import wraps

from flask import abort, g, request
from flask_login import current_user
from sqlalchemy import select

from tracker.extensions import db
from tracker.tickets.models import FeedKey


def feed_key_for(user, reset: bool = False) -> str:
    row = db.session.get(FeedKey, user.id)
    if row is None or reset:
        if row is None:
            row = FeedKey(user_id=user.id)
            db.session.add(row)
        row.key = secrets.token_hex(20)
        db.session.flush()
    return row.key


def user_for_key(key: str | None):
    if not key:
        return None
    row = db.session.scalar(select(FeedKey).where(FeedKey.key == key))
    if row is None:
        return None
    from tracker.accounts.models import User

    user = db.session.get(User, row.user_id)
    return user if user is not None and user.active else None


def feed_login(view):
    """The logged-in user, or the owner of the ``key`` parameter; otherwise 401 (no redirect for readers)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_user.is_authenticated:
            g.feed_user = current_user._get_current_object()
        else:
            g.feed_user = user_for_key(request.args.get("key"))
            if g.feed_user is None:
                abort(401)
        return view(*args, **kwargs)

    return wrapped
