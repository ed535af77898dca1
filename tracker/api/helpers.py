"""What every JSON endpoint shares: authentication required, errors as ``{"errors": [...]}``, paging."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, jsonify, request
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
            response = jsonify(errors=[_("Authentication is required: send an API key or log in.")])
            response.status_code = 401
            response.headers["WWW-Authenticate"] = 'Basic realm="WG Tracker API"'
            return response
        return view(*args, **kwargs)

    return wrapped


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
