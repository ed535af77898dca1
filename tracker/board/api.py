"""``/api/v1/board`` and ``/api/v1/wgs/<identifier>/board``: a board's columns, lanes and cards with the columns
each card may be dropped in; ``POST /api/v1/board/moves`` moves a card (the page's drag and drop)."""
from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from tracker.api.helpers import api_blueprint, api_login_required, json_body, json_errors
from tracker.board import services
from tracker.board.board import board_json, build_board, card_after_move
from tracker.board.columns import COLUMN_FIELDS, LANE_FIELDS
from tracker.board.views import board_query
from tracker.core.requests import load
from tracker.core.services import ServiceError
from tracker.core.translation import gettext as _
from tracker.extensions import db
from tracker.tickets.models import Ticket
from tracker.tickets.services import StaleTicketError
from sqlalchemy.orm.exc import StaleDataError

bp = api_blueprint("board_api", __name__)
blueprints = [bp]


def _layout(args):
    column_by = args.get("column_by") or "status"
    lane_by = args.get("lane_by") or None
    problems = []
    if column_by not in COLUMN_FIELDS:
        problems.append(_("Unknown board column: %(name)s", name=column_by))
    if lane_by and lane_by not in LANE_FIELDS:
        problems.append(_("Unknown swimlane: %(name)s", name=lane_by))
    return column_by, lane_by, problems


def _board(identifier: str | None):
    column_by, lane_by, problems = _layout(request.args)
    query = board_query(identifier)
    if problems or query.errors:
        return json_errors(problems + [str(e) for e in query.errors])
    return jsonify(board_json(build_board(current_user, query, column_by, lane_by)))


@bp.get("/board")
@api_login_required
def board():
    return _board(None)


@bp.get("/wgs/<identifier>/board")
@api_login_required
def project_board(identifier: str):
    return _board(identifier)


@bp.post("/board/moves")
@api_login_required
def move():
    data = json_body()
    ticket = load(Ticket, data.get("ticket_id"))
    column_by = str(data.get("column_by") or "status")
    lane_by = data.get("lane_by") or None
    if lane_by not in LANE_FIELDS:
        lane_by = None
    try:
        journal = services.move_card(ticket, current_user, column_by, str(data.get("target") or ""),
                                     data.get("lock_version"))
        db.session.flush()
        # The answer is read before the commit, in the same transaction: after it the ticket and the journal
        # would be expired and reloaded in a second one (on SQLite a BEGIN IMMEDIATE, the write lock, for a read).
        db.session.refresh(ticket)
        answer = {"card": card_after_move(current_user, ticket, column_by, lane_by),
                  "journal_id": journal.id if journal else None}
        db.session.commit()
    except (StaleTicketError, StaleDataError):
        db.session.rollback()
        return json_errors([_("#%(id)s was changed by someone else meanwhile. The board reloads to show it as it is now.",
                              id=ticket.id)], 409)
    except ServiceError as error:
        db.session.rollback()
        return json_errors(error, 422)
    return jsonify(answer)


_CARD = {"type": "object", "properties": {
    "id": {"type": "integer"}, "subject": {"type": "string"}, "url": {"type": "string"},
    "lock_version": {"type": "integer"}, "column": {"type": "string"}, "lane": {"type": "string"},
    "wg": {"type": "object"}, "status": {"type": "object"}, "priority": {"type": "object"},
    "assignee": {"type": ["string", "null"]}, "due_date": {"type": ["string", "null"], "format": "date"},
    "overdue_days": {"type": "integer"},
    "allowed_columns": {"type": "array", "items": {"type": "string"},
                        "description": "the columns this card may be dropped in (workflow, role, WG state)"},
}}
OPENAPI_SCHEMAS = {
    "BoardCard": _CARD,
    "Board": {"type": "object", "properties": {
        "column_by": {"type": "string"}, "lane_by": {"type": ["string", "null"]}, "total": {"type": "integer"},
        "truncated": {"type": "boolean"}, "read_only": {"type": "boolean"},
        "columns": {"type": "array", "items": {"type": "object", "properties": {
            "key": {"type": "string"}, "label": {"type": "string"}, "count": {"type": "integer"},
            "wip_limit": {"type": ["integer", "null"]}, "over_limit": {"type": "boolean"}}}},
        "lanes": {"type": "array", "items": {"type": "object"}},
        "cards": {"type": "array", "items": {"$ref": "#/components/schemas/BoardCard"}},
    }},
}
_BOARD_PARAMS = [
    {"name": "column_by", "in": "query", "schema": {"type": "string", "enum": list(COLUMN_FIELDS)}},
    {"name": "lane_by", "in": "query", "schema": {"type": "string", "enum": list(LANE_FIELDS)}},
    {"name": "query_id", "in": "query", "schema": {"type": "integer"}, "description": "a saved ticket query"},
    {"name": "status_id", "in": "query", "schema": {"type": "string"},
     "description": "and every other filter of /issues.json (assigned_to_id, tracker_id, f[]/op[]/v[] ...)"},
]
_ERRORS = {"401": {"$ref": "#/components/responses/Unauthorized"}, "404": {"$ref": "#/components/responses/NotFound"},
           "422": {"$ref": "#/components/responses/Invalid"}}


def _read(summary, params):
    return {"get": {"summary": summary, "parameters": params, "responses": {
        "200": {"description": summary, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Board"}}}},
        **_ERRORS}}}


OPENAPI_PATHS = {
    "/board": _read("A board of the tickets a query selects, across WGs", _BOARD_PARAMS),
    "/wgs/{identifier}/board": _read("A WG's board", [{"name": "identifier", "in": "path", "required": True,
                                                       "schema": {"type": "string"}}, *_BOARD_PARAMS]),
    "/board/moves": {"post": {
        "summary": "Move a card to another column (an ordinary ticket edit: workflow, journal, notification)",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "properties": {
            "ticket_id": {"type": "integer"}, "column_by": {"type": "string", "enum": list(COLUMN_FIELDS)},
            "target": {"type": "string", "description": "the column key: a status id, user:3, section:5, '' for none"},
            "lock_version": {"type": "integer"}, "lane_by": {"type": "string"}}, "required": ["ticket_id", "target"]}}}},
        "responses": {
            "200": {"description": "moved", "content": {"application/json": {"schema": {"type": "object", "properties": {
                "card": {"$ref": "#/components/schemas/BoardCard"}, "journal_id": {"type": ["integer", "null"]}}}}}},
            "409": {"description": "the card changed since it was loaded"}, **_ERRORS}}},
}
