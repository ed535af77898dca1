"""API authentication as Redmine does it: the ``X-Redmine-API-Key`` header, the ``key`` parameter, or HTTP
Basic with login/password or with the key as the user name. A browser session works too (with CSRF on
writes), so the pages' own scripts can call the API."""
from __future__ import annotations

from flask import g, request
from flask_login import current_user

from sqlalchemy import func, select

from tracker.accounts.models import User
from tracker.accounts.passwords import verify_password
from tracker.core.db import utcnow
from tracker.extensions import csrf, db, login_manager

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def is_api_request() -> bool:
    path = request.path
    # Attachment downloads take an API key too, as in Redmine (content_url in the JSON answers).
    return path.startswith("/api/") or path.endswith(".json") or path.startswith("/attachments/download/")


def _user_from_credentials() -> User | None:
    key = request.headers.get("X-Redmine-API-Key") or request.args.get("key")
    if key:
        return User.by_api_key(key)
    auth = request.authorization
    if auth and auth.type == "basic":
        if auth.username and not auth.password:
            return User.by_api_key(auth.username)
        user = db.session.scalar(select(User).where(func.lower(User.login) == (auth.username or "").lower()))
        if user is not None and not user.is_locked(utcnow()):
            if verify_password(user.password_hash, auth.password or ""):
                return user
        return None
    return None


def credentials_given() -> bool:
    return bool(
        request.headers.get("X-Redmine-API-Key") or request.args.get("key") or request.authorization is not None
    )


@login_manager.request_loader
def load_user_from_request(req) -> User | None:
    if not is_api_request() or not credentials_given():
        return None
    user = _user_from_credentials()
    if user is not None and user.active:
        g.api_authenticated = True
        return user
    g.api_credentials_invalid = True
    return None


def protect_api_writes() -> None:
    """Key and Basic authentication are not sent by browsers on their own, so only session-authenticated
    writes need a CSRF token (header ``X-CSRFToken``)."""
    if request.method in SAFE_METHODS:
        return
    _ = current_user.is_authenticated  # loads the user, and with it g.api_authenticated
    if not g.get("api_authenticated"):
        csrf.protect()
