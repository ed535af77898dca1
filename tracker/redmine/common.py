"""What the Redmine-compatible endpoints share: the blueprint at the root paths, Redmine's error answers,
looking up a WG by id or identifier, and the paged envelope."""
from __future__ import annotations

from flask import jsonify, request
from tracker.core.translation import gettext as _
from flask_login import current_user
from sqlalchemy import select

from tracker.api.helpers import api_blueprint, api_login_required, json_errors, paging  # noqa: F401  (re-exported)
from tracker.extensions import db
from tracker.wg.models import WorkingGroup

bp = api_blueprint("redmine_api", __name__, url_prefix="")


class ApiAbort(Exception):
    def __init__(self, status: int, messages: list[str]):
        self.status = status
        self.messages = messages


@bp.errorhandler(ApiAbort)
def _api_abort(error: ApiAbort):
    return json_errors(error.messages, error.status)


def not_found():
    raise ApiAbort(404, [_("The page you asked for does not exist, or you may not see it.")])


def forbidden():
    raise ApiAbort(403, [_("You are not allowed to do this.")])


def invalid(messages):
    raise ApiAbort(422, [str(m) for m in (messages if isinstance(messages, (list, tuple)) else [messages])])


def user():
    return current_user._get_current_object()


def find_wg(key) -> WorkingGroup | None:
    """A WG by id or identifier, only if the user may see it."""
    key = str(key or "").strip()
    if not key:
        return None
    column = WorkingGroup.id if key.isdigit() else WorkingGroup.identifier
    wg = db.session.scalar(select(WorkingGroup).where(column == (int(key) if key.isdigit() else key)))
    if wg is None or not wg.visible_to(user()):
        return None
    return wg


def wg_or_404(key) -> WorkingGroup:
    wg = find_wg(key)
    if wg is None:
        not_found()
    return wg


def body(container: str) -> dict:
    """The object inside Redmine's envelope, e.g. ``{"issue": {...}}``; a bad body is 422 as in Redmine."""
    data = request.get_json(silent=True, force=True)
    if not isinstance(data, dict):
        invalid([_("The request body must be JSON.")])
    inner = data.get(container)
    if inner is None and container not in data:
        inner = {k: v for k, v in data.items() if k != "key"}
    if not isinstance(inner, dict):
        invalid([_("The request body must be JSON.")])
    return inner


def page(items: list, key: str, total: int, offset: int, limit: int):
    return jsonify({key: items, "total_count": total, "offset": offset, "limit": limit})


def get_or_404(model, object_id):
    obj = db.session.get(model, object_id)
    if obj is None:
        not_found()
    return obj


# 401 unless authenticated (the shared API rule), on every endpoint of the blueprint.
_require_login = api_login_required(lambda: None)


# Before the CSRF check, so that a write without credentials is 401 (as in Redmine), not a CSRF error.
bp.before_request_funcs.setdefault(None, []).insert(0, _require_login)
