"""Per-user Atom feed keys (Redmine's RSS access key): a feed reader passes ``?key=`` instead of a session.

Only a digest is stored (``FeedKey``). A key is made on a POST (``make_feed_key``), never on the GET of a
page: ``feed_key_for`` only reads."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import wraps

from flask import abort, current_app, g, request
from flask_login import current_user
from sqlalchemy import select

from tracker.core.db import utcnow
from tracker.extensions import db
from tracker.tickets.models import FeedKey


def digest(key: str) -> str:
    # Keys are 160 bits of HMAC output, so a fast digest is enough and lets us look them up by index.
    return hashlib.sha256(key.encode()).hexdigest()


def _derive(user_id: int, salt: str) -> str:
    secret = str(current_app.secret_key).encode()
    return hmac.new(secret, f"feed-key:{user_id}:{salt}".encode(), hashlib.sha256).hexdigest()[:40]


def feed_key_for(user) -> str | None:
    """The user's key for the Atom links, or None when they have none to show (none made yet, a key from
    before digests, or the secret key changed since). Never writes."""
    row = db.session.get(FeedKey, user.id)
    if row is None or not row.salt:
        return None
    key = _derive(user.id, row.salt)
    return key if hmac.compare_digest(digest(key), row.key_digest) else None


def make_feed_key(user) -> str:
    """A new key for ``user`` (on a POST); feed readers with the old one stop working."""
    row = db.session.get(FeedKey, user.id)
    if row is None:
        row = FeedKey(user_id=user.id)
        db.session.add(row)
    row.salt = secrets.token_hex(16)
    key = _derive(user.id, row.salt)
    row.key_digest = digest(key)
    row.created_at = utcnow()
    db.session.flush()
    return key


def user_for_key(key: str | None):
    if not key or len(key) > 128:
        return None
    row = db.session.scalar(select(FeedKey).where(FeedKey.key_digest == digest(key)))
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
