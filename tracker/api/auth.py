"""API authentication as Redmine does it: the ``X-Redmine-API-Key`` header, the ``key`` parameter, or HTTP
Basic with login/password or with the key as the user name. A browser session works too (with CSRF on
writes), so the pages' own scripts can call the API."""
from __future__ import annotations

from flask import g, request
from flask_login import current_user

from tracker.accounts import services, throttle, twofactor
from tracker.accounts.models import User
from tracker.extensions import csrf, login_manager

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def is_api_request() -> bool:
    path = request.path
    # Attachment downloads take an API key too, as in Redmine (content_url in the JSON answers).
    return (path.startswith("/api/") or path.endswith((".json", ".xml"))  # Redmine's two API formats
            or path.startswith("/attachments/download/"))


def _user_from_credentials() -> User | None:
    """The user the request's key or Basic credentials name. Failures count like failed logins on the
    form: per address (``throttle``) and, for a password, per account (lockout)."""
    if throttle.address_blocked():
        g.api_auth_error = "throttled"
        return None
    key = request.headers.get("X-Redmine-API-Key") or request.args.get("key")
    auth = request.authorization
    if not key and auth and auth.type == "basic" and auth.username and not auth.password:
        key = auth.username
    if key:
        user = User.by_api_key(key)
        if user is None:
            throttle.record_failure()
        return user
    if auth and auth.type == "basic":
        result = services.authenticate(auth.username or "", auth.password or "", record_login=False)
        if result.ok:
            if twofactor.is_enabled(result.user) or twofactor.is_required(result.user):
                g.api_auth_error = "two_factor"  # a password alone does not sign this account in; its key does
                return None
            return result.user
        throttle.record_failure()
        if result.error == "locked":
            g.api_auth_error = "locked"
            g.api_locked_until = result.locked_until
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
