"""Failed sign-ins per address: the login form, HTTP Basic and API keys share one counter.

Only failures count (``LOGIN_RATE_LIMIT``, e.g. "20 per minute"): a city hall reaches the server from one
address behind its NAT, so counting successful logins would lock the whole building out at 8:30. Failures
per *account* are counted on the user row and lock it (``services.authenticate``)."""
from __future__ import annotations

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import parse

from tracker.extensions import limiter

_NAMESPACE = "sign-in-failures"


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _limit():
    return parse(current_app.config["LOGIN_RATE_LIMIT"])


def address_blocked() -> bool:
    """True when this address made too many failed attempts in the window: refuse before checking."""
    return _enabled() and not limiter.limiter.test(_limit(), _NAMESPACE, get_remote_address())


def record_failure() -> None:
    if _enabled():
        limiter.limiter.hit(_limit(), _NAMESPACE, get_remote_address())
