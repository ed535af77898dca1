"""The one request skeleton that HTML and API handlers share: load → authorise → process → commit once.

    ticket = load(Ticket, ticket_id)                    # 404: missing, or not visible to the user
    authorize("edit", ticket)                           # 403: visible, but this action is not allowed
    result = perform(lambda: services.update(...))      # ServiceError → form messages (None) / 422 (API)
    return redirect_to(request.form.get("back"), url_for(...))   # only paths on this site

A GET never writes: ``perform`` refuses to commit on a safe method, so a page that would write on GET
fails in the tests instead of quietly writing in production.
"""
from __future__ import annotations

import re
from typing import Callable, TypeVar
from urllib.parse import urlsplit

from flask import abort, flash, jsonify, redirect, request
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.routing import IntegerConverter

from tracker.core import policy
from tracker.core.services import ServiceError
from tracker.extensions import db

T = TypeVar("T")

# Ids are INTEGER on PostgreSQL (and SQLite refuses integers beyond 64 bits): a larger number in a path
# can name no row, so it is a 404 before any query, never an overflow error.
MAX_ID = 2**31 - 1


class BoundedIntegerConverter(IntegerConverter):
    """``<int:…>`` in every route: digits up to ``MAX_ID``; anything else does not match (404)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class Conflict(Exception):
    """The object changed since the user loaded it (optimistic locking). HTML answers 409 with the
    conflict screen; the API answers 409 (or 422 where Redmine does)."""

    def __init__(self, obj=None):
        super().__init__("stale object")
        self.obj = obj


def _user(user):
    return current_user if user is None else user


def load(model: type[T], ident, *, user=None, options=()) -> T:
    """The object ``model`` with primary key ``ident``, or 404 when it does not exist *or* the user may
    not see it: a hidden object and a missing one answer the same, so ids reveal nothing."""
    try:
        ident = int(ident)
    except (TypeError, ValueError):
        abort(404)
    if not 0 < ident <= MAX_ID:
        abort(404)
    obj = db.session.get(model, ident, options=list(options))
    if obj is None or not policy.can(_user(user), policy.VIEW, obj):
        abort(404)
    return obj


def authorize(action: str, obj, *, user=None) -> None:
    """403 unless the user may take ``action`` on ``obj`` (which they can already see)."""
    if not policy.can(_user(user), action, obj):
        abort(403)


def _commit_once(change: Callable[[], T]) -> T:
    """Run the service and commit once; on any refusal or conflict roll back and let the caller map it."""
    _refuse_writes_on_safe_methods()
    try:
        result = change()
        db.session.commit()
    except (ServiceError, StaleDataError, Conflict):
        db.session.rollback()
        raise
    return result


def perform(change: Callable[[], T], *, success: str | None = None) -> T | None:
    """Run a service, then commit once.

    - ``ServiceError``: roll back, flash each message, return ``None`` so the view re-renders the form
      with everything the user typed.
    - A stale object (``StaleDataError`` from the flush or commit): roll back, raise ``Conflict``.
    - Otherwise commit, flash ``success`` and return the result (``True`` when the service returned None).
    """
    try:
        result = _commit_once(change)
    except ServiceError as error:
        for message in error.messages:
            flash(message, "error")
        return None
    except StaleDataError:
        raise Conflict() from None
    if success:
        flash(success, "success")
    return True if result is None else result


def perform_api(change: Callable[[], T], *, conflict_status: int = 409) -> T:
    """The API form of ``perform``: ``ServiceError`` → 422 ``{"errors": [...]}``, stale → ``conflict_status``.
    Returns the service's result, or aborts with the JSON error response."""
    try:
        return _commit_once(change)
    except ServiceError as error:
        abort(_json_error(error.messages, 422))
    except (StaleDataError, Conflict):
        from tracker.core.translation import gettext as _

        abort(_json_error([_("Someone else changed this in the meantime. Reload it and try again.")], conflict_status))


def _json_error(messages, status: int):
    response = jsonify(errors=[str(m) for m in messages])
    response.status_code = status
    return response


def _refuse_writes_on_safe_methods() -> None:
    if request and request.method in ("GET", "HEAD", "OPTIONS"):
        raise RuntimeError(f"{request.method} {request.path} tried to write: a GET never writes")


# -- redirects to user input ------------------------------------------------------------------------

def safe_path(target: str | None) -> str | None:
    """``target`` when it is a path on this site, else None. Refuses ``//host``, ``/\\host``, any scheme
    or host, and control characters (browsers strip them, turning ``/\\t/host`` into ``//host``)."""
    if not target or not isinstance(target, str):
        return None
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in target) or "\\" in target:
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def redirect_to(target: str | None, fallback: str):
    """Redirect to ``target`` if it is a path on this site, else to ``fallback``. Every redirect to a
    ``next`` / ``back`` value goes through here."""
    return redirect(safe_path(target) or fallback)


# -- numbers in query strings ------------------------------------------------------------------------

# Query parameters that hold an id or a count. A number there beyond MAX_ID can name no row and would
# overflow INTEGER (PostgreSQL) or 64 bits (SQLite), so it is refused before any view reads it.
NUMERIC_PARAMETERS = {"id", "ids", "offset", "limit", "page", "per_page", "year", "fiscal_year", "quarter"}
_INTEGER = re.compile(r"^\s*[-+]?\d+\s*$")


def _is_numeric_parameter(name: str) -> bool:
    return name in NUMERIC_PARAMETERS or name.endswith("_id") or name.endswith("_ids")


def out_of_range_parameter() -> str | None:
    """The first query parameter holding an integer outside ±MAX_ID, if any."""
    for name, value in request.args.items(multi=True):
        if _is_numeric_parameter(name) and _INTEGER.match(value) and abs(int(value)) > MAX_ID:
            return name
    return None


def _refuse_out_of_range_numbers():
    name = out_of_range_parameter()
    if name is None:
        return None
    from tracker.core.errors import render_error
    from tracker.core.translation import gettext as _

    return render_error(422, _("The number in “%(name)s” is out of range.", name=name))


def init_app(app) -> None:
    app.url_map.converters["int"] = BoundedIntegerConverter
    # Templates ask the same policy as the views: {% if can(current_user, "edit", idea) %}
    app.jinja_env.globals["can"] = policy.can
    from tracker.core.org_permissions import has_org_permission

    app.jinja_env.globals["has_org_permission"] = has_org_permission
    app.before_request(_refuse_out_of_range_numbers)
