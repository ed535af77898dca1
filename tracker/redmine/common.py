"""What the Redmine-compatible endpoints share: the blueprint at the root paths, Redmine's error answers,
looking up a WG by id or identifier, and the paged envelope."""
from __future__ import annotations

from flask import current_app, g, request
from tracker.core.translation import gettext as _
from flask_login import current_user
from sqlalchemy import select

from tracker.api.helpers import api_blueprint, api_login_required, no_content, paging  # noqa: F401  (re-exported)
from tracker.core.requests import MAX_ID
from tracker.core.services import ServiceError
from tracker.extensions import db
from tracker.redmine import xml_format
from tracker.wg.models import WorkingGroup

bp = api_blueprint("redmine_api", __name__, url_prefix="")

_add_url_rule = bp.add_url_rule


def _add_json_and_xml_rule(rule: str, endpoint=None, view_func=None, **options):
    """Every ``.json`` path also answers at ``.xml`` (Redmine's two formats), through the same view."""
    _add_url_rule(rule, endpoint, view_func, **options)
    if rule.endswith(".json"):
        _add_url_rule(rule[: -len(".json")] + ".xml", endpoint, view_func, **options)


bp.add_url_rule = _add_json_and_xml_rule


def wants_xml() -> bool:
    return request.path.endswith(".xml")


@bp.after_request
def _answer_in_xml(response):
    """An ``.xml`` request gets the XML of the JSON its view made (one source for both formats)."""
    if not wants_xml():
        return response
    location = response.headers.get("Location")
    if location and location.endswith(".json"):
        response.headers["Location"] = location[: -len(".json")] + ".xml"
    if response.status_code == 204 or not response.is_json:
        return response
    data = response.get_json(silent=True)
    if isinstance(data, dict):
        response.set_data(xml_format.to_xml(data))
        response.content_type = f"{xml_format.MIMETYPE}; charset=utf-8"
    return response


class ApiAbort(Exception):
    def __init__(self, status: int, messages: list[str]):
        self.status = status
        self.messages = messages


@bp.errorhandler(ApiAbort)
def _api_abort(error: ApiAbort):
    return json_errors(error.messages, error.status)


def jsonify(*args, **kwargs):
    """Flask's ``jsonify`` keeping the keys in Redmine's order (``id`` first), which the XML follows."""
    data = args[0] if args else kwargs
    return current_app.response_class(current_app.json.dumps(data, sort_keys=False) + "\n", mimetype="application/json")


def created(data: dict, location: str):
    response = jsonify(data)
    response.status_code = 201
    response.headers["Location"] = location
    return response


def json_errors(messages, status: int = 422):
    if isinstance(messages, ServiceError):
        messages = messages.messages
    return jsonify(errors=[str(m) for m in messages]), status


def not_found():
    raise ApiAbort(404, [_("The page you asked for does not exist, or you may not see it.")])


def forbidden():
    raise ApiAbort(403, [_("You are not allowed to do this.")])


def invalid(messages):
    raise ApiAbort(422, [str(m) for m in (messages if isinstance(messages, (list, tuple)) else [messages])])


def user():
    return current_user._get_current_object()


def find_any_wg(key) -> WorkingGroup | None:
    """A WG by id or identifier, whoever may see it (for the checks that follow)."""
    key = str(key or "").strip()
    if not key:
        return None
    if key.isdigit():
        return db.session.get(WorkingGroup, int(key)) if int(key) <= MAX_ID else None
    return db.session.scalar(select(WorkingGroup).where(WorkingGroup.identifier == key))


def find_wg(key) -> WorkingGroup | None:
    """A WG by id or identifier, only if the user may see it."""
    wg = find_any_wg(key)
    if wg is None or not wg.visible_to(user()):
        return None
    return wg


def wg_or_404(key) -> WorkingGroup:
    """A WG the user may see; an archived one is 403 as in Redmine ("the project has been archived")."""
    wg = find_any_wg(key)
    if wg is not None and wg.archived_at is not None and not wg.visible_to(user()):
        raise ApiAbort(403, [_("The WG you are trying to reach has been archived.")])
    if wg is None or not wg.visible_to(user()):
        not_found()
    return wg


def body(container: str) -> dict:
    """The object inside Redmine's envelope, e.g. ``{"issue": {...}}``; a bad body is 422 as in Redmine."""
    data = request_data()
    if not isinstance(data, dict):
        invalid([_("The request body must be JSON or XML.")])
    inner = data.get(container)
    if inner is None and container not in data:
        inner = {k: v for k, v in data.items() if k != "key"}
    if not isinstance(inner, dict):
        invalid([_("The request body must be JSON or XML.")])
    return inner


def request_data():
    """The request body: XML (``Content-Type: application/xml``, or an XML body sent to an ``.xml`` path) read
    as Rails reads it, otherwise JSON. A body that is not well-formed, or declares entities, is 400."""
    if "request_data" in g:
        return g.request_data
    payload = request.get_data()
    xml = request.mimetype in ("application/xml", "text/xml") or (wants_xml() and payload.lstrip()[:1] == b"<")
    if xml:
        try:
            g.request_data = xml_format.parse(payload)
        except xml_format.XMLBodyError:
            raise ApiAbort(400, [_("The request body is not well-formed XML, or declares entities.")])
    else:
        g.request_data = request.get_json(silent=True, force=True)
    return g.request_data


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
