"""``/api/v1/notifications``: the caller's in-app notifications, and marking them read."""
from __future__ import annotations

from flask import jsonify, request
from tracker.core.translation import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from tracker.api.helpers import api_blueprint, api_login_required, json_body, json_errors, no_content, paging
from tracker.core import policy
from tracker.extensions import db
from tracker.notify import services
from tracker.notify.models import Notification

bp = api_blueprint("notify_api", __name__)
blueprints = [bp]


def notification_json(item: Notification) -> dict:
    return {
        "id": item.id,
        "kind": item.kind,
        "title": item.title,
        "body": item.body,
        "url": services.absolute_url(item.url),
        "wg": {"id": item.wg.id, "identifier": item.wg.identifier, "name": item.wg.name} if item.wg else None,
        # The author of an anonymous post is 匿名 to this recipient: a name without an id.
        "actor": ({"id": None, "name": item.actor_label, "anonymous": True} if item.actor_anonymous
                  else {"id": item.actor.id, "name": item.actor.name} if item.actor else None),
        "created_at": item.created_at.isoformat(),
        "read_at": item.read_at.isoformat() if item.read_at else None,
    }


@bp.get("/notifications")
@api_login_required
def list_notifications():
    offset, limit = paging()
    condition = policy.visible(Notification, current_user)
    if request.args.get("unread") in ("1", "true"):
        condition = condition & Notification.read_at.is_(None)
    total = db.session.scalar(select(func.count(Notification.id)).where(condition))
    rows = db.session.scalars(
        select(Notification).where(condition).order_by(Notification.created_at.desc(), Notification.id.desc())
        .offset(offset).limit(limit)
    )
    return jsonify(
        notifications=[notification_json(n) for n in rows], unread_count=Notification.unread_count(current_user),
        total_count=total, offset=offset, limit=limit,
    )


@bp.post("/notifications/read")
@api_login_required
def mark_read():
    """``{"ids": [1, 2]}`` marks those; ``{}`` marks every unread notification of the caller."""
    ids = json_body().get("ids")
    if ids is not None and not (isinstance(ids, list) and all(isinstance(i, int) for i in ids)):
        return json_errors([_("ids must be a list of notification ids.")])
    services.mark_read(current_user, ids)
    db.session.commit()
    return no_content()


_NOTIFICATION_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "kind": {"type": "string", "example": "ticket.updated"},
        "title": {"type": "string"},
        "body": {"type": "string"},
        "url": {"type": "string"},
        "wg": {"type": "object", "nullable": True},
        "actor": {"type": "object", "nullable": True},
        "created_at": {"type": "string", "format": "date-time"},
        "read_at": {"type": "string", "format": "date-time", "nullable": True},
    },
}
OPENAPI_SCHEMAS = {"Notification": _NOTIFICATION_SCHEMA}
OPENAPI_PATHS = {
    "/notifications": {
        "get": {
            "summary": "The caller's notifications, newest first",
            "parameters": [
                {"name": "unread", "in": "query", "schema": {"type": "integer", "enum": [0, 1]}},
                {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
            ],
            "responses": {"200": {"description": "A page of notifications", "content": {"application/json": {"schema": {
                "type": "object",
                "properties": {
                    "notifications": {"type": "array", "items": {"$ref": "#/components/schemas/Notification"}},
                    "unread_count": {"type": "integer"}, "total_count": {"type": "integer"},
                    "offset": {"type": "integer"}, "limit": {"type": "integer"},
                },
            }}}}},
        }
    },
    "/notifications/read": {
        "post": {
            "summary": "Mark notifications as read (the given ids, or all when ids is left out)",
            "requestBody": {"content": {"application/json": {"schema": {
                "type": "object", "properties": {"ids": {"type": "array", "items": {"type": "integer"}}}}}}},
            "responses": {"204": {"description": "Marked"}, "422": {"description": "Bad ids"}},
        }
    },
}
