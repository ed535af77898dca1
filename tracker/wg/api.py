"""``/api/v1/wgs``: the WGs the caller may see, with their members."""
from __future__ import annotations

from flask import abort, jsonify
from flask_login import current_user
from sqlalchemy import func, select

from tracker.api.helpers import api_blueprint, api_login_required, paging
from tracker.extensions import db
from tracker.wg.models import WorkingGroup

bp = api_blueprint("wg_api", __name__)
blueprints = [bp]


def wg_json(wg: WorkingGroup, with_members: bool = False) -> dict:
    data = {
        "id": wg.id,
        "identifier": wg.identifier,
        "name": wg.name,
        "description": wg.description,
        "is_public": wg.is_public,
        "created_at": wg.created_at.isoformat(),
        "updated_at": wg.updated_at.isoformat(),
    }
    if with_members:
        data["members"] = [
            {"user": {"id": m.user.id, "name": m.user.name}, "roles": [{"id": r.id, "name": r.name} for r in m.roles]}
            for m in wg.members
        ]
    return data


@bp.get("/wgs")
@api_login_required
def list_wgs():
    offset, limit = paging()
    condition = WorkingGroup.visible(current_user)
    total = db.session.scalar(select(func.count()).select_from(WorkingGroup).where(condition))
    rows = db.session.scalars(
        select(WorkingGroup).where(condition).order_by(WorkingGroup.identifier).offset(offset).limit(limit)
    )
    return jsonify(wgs=[wg_json(wg) for wg in rows], total_count=total, offset=offset, limit=limit)


@bp.get("/wgs/<identifier>")
@api_login_required
def show_wg(identifier: str):
    wg = db.session.scalar(select(WorkingGroup).where(WorkingGroup.identifier == identifier))
    if wg is None or not wg.visible_to(current_user):
        abort(404)
    return jsonify(wg=wg_json(wg, with_members=True))


_WG_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "identifier": {"type": "string"},
        "name": {"type": "string"},
        "description": {"type": "string"},
        "is_public": {"type": "boolean"},
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
    },
}
OPENAPI_SCHEMAS = {"WG": _WG_SCHEMA}
OPENAPI_PATHS = {
    "/wgs": {
        "get": {
            "summary": "WGs the caller may see",
            "parameters": [
                {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
            ],
            "responses": {
                "200": {"description": "A page of WGs", "content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {"wgs": {"type": "array", "items": {"$ref": "#/components/schemas/WG"}},
                                   "total_count": {"type": "integer"}, "offset": {"type": "integer"}, "limit": {"type": "integer"}},
                }}}},
                "401": {"$ref": "#/components/responses/Unauthorized"},
            },
        }
    },
    "/wgs/{identifier}": {
        "get": {
            "summary": "One WG with its members",
            "parameters": [{"name": "identifier", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {
                "200": {"description": "The WG", "content": {"application/json": {"schema": {"type": "object", "properties": {"wg": {"$ref": "#/components/schemas/WG"}}}}}},
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "404": {"$ref": "#/components/responses/NotFound"},
            },
        }
    },
}
