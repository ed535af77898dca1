"""What every JSON endpoint shares: authentication required, errors as ``{"errors": [...]}``, paging."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, g, jsonify, request
from flask_babel import format_datetime
from tracker.core.translation import gettext as _
from flask_login import current_user

from tracker.api.auth import protect_api_writes
from tracker.core.services import ServiceError
from tracker.extensions import csrf

DEFAULT_LIMIT = 25
MAX_LIMIT = 100


def api_blueprint(name: str, import_name: str, url_prefix: str = "/api/v1") -> Blueprint:
    """A blueprint for JSON endpoints: CSRF applies only to session-authenticated writes."""
    bp = Blueprint(name, import_name, url_prefix=url_prefix)
    csrf.exempt(bp)
    bp.before_request(protect_api_writes)
    return bp


def api_login_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            refused = _refused_credentials()
            if refused is not None:
                return refused
            response = jsonify(errors=[_("Authentication is required: send an API key or log in.")])
            response.status_code = 401
            response.headers["WWW-Authenticate"] = 'Basic realm="WG Tracker API"'
            return response
        return view(*args, **kwargs)

    return wrapped


def _refused_credentials():
    """The answer when the credentials may be right but are not checked: the account is locked (403) or
    this address made too many failed attempts (429)."""
    error = g.get("api_auth_error")
    if error == "locked":
        response = jsonify(errors=[_(
            "Too many failed logins: this account is locked until %(time)s. Try again then, "
            "or ask an administrator to unlock it.", time=format_datetime(g.api_locked_until, "short"),
        )])
        response.status_code = 403
        return response
    if error == "two_factor":
        response = jsonify(errors=[_(
            "This account uses two-factor sign-in: authenticate with its API key, not the password."
        )])
        response.status_code = 403
        return response
    if error == "throttled":
        response = jsonify(errors=[_("Too many attempts from your address. Wait a minute and try again.")])
        response.status_code = 429
        return response
    return None


def json_errors(messages, status: int = 422):
    if isinstance(messages, ServiceError):
        messages = messages.messages
    return jsonify(errors=[str(m) for m in messages]), status


def json_body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400)
    return data


def paging() -> tuple[int, int]:
    """``offset`` and ``limit`` (default 25, at most 100) as Redmine reads them; ``page`` works too."""
    try:
        limit = int(request.args.get("limit", DEFAULT_LIMIT))
    except ValueError:
        limit = DEFAULT_LIMIT
    limit = max(1, min(limit, MAX_LIMIT))
    try:
        offset = int(request.args.get("offset", 0))
    except ValueError:
        offset = 0
    if "offset" not in request.args and request.args.get("page", "").isdigit():
        offset = (int(request.args["page"]) - 1) * limit
    return max(offset, 0), limit


def created(body: dict, location: str):
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = location
    return response


def no_content():
    return "", 204
