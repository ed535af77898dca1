"""JSON for the Gantt chart and the portfolio timeline, and the move of a bar. The pages' script uses them:
it posts a move to ``/gantt/issues/<id>/schedule`` and re-reads the chart for the new positions."""
from __future__ import annotations

import json

from flask import abort, current_app, jsonify, request
from flask_login import current_user

from tracker.api.helpers import api_blueprint, api_login_required, json_body
from tracker.charter.policy import VIEW_PORTFOLIO
from tracker.core.i18n import current_language
from tracker.core.org_permissions import has_org_permission
from tracker.core.requests import Conflict, load, perform_api
from tracker.gantt import portfolio, services
from tracker.gantt.chart import build_gantt, gantt_json
from tracker.gantt.views import query_args
from tracker.tickets.models import Ticket
from tracker.tickets.services import StaleTicketError
from tracker.wg.views import load_wg

bp = api_blueprint("gantt_api", __name__)
blueprints = [bp]


def _answer(wg):
    gantt = build_gantt(current_user, query_args(), wg=wg, language=current_language())
    if gantt.query.errors:
        return jsonify(errors=[str(m) for m in gantt.query.errors]), 422
    # Not jsonify: unsorted keys and UTF-8 as is make 3,000 tickets' answer faster to build and smaller.
    return current_app.response_class(json.dumps(gantt_json(gantt), ensure_ascii=False, separators=(",", ":")),
                                      mimetype="application/json")


@bp.get("/gantt")
@api_login_required
def gantt():
    return _answer(None)


@bp.get("/wgs/<identifier>/gantt")
@api_login_required
def project_gantt(identifier: str):
    return _answer(load_wg(identifier, "view_issues"))


def ticket_dates(ticket: Ticket) -> dict:
    return {"id": ticket.id, "start_date": ticket.start_date.isoformat() if ticket.start_date else None,
            "due_date": ticket.due_date.isoformat() if ticket.due_date else None, "done_ratio": ticket.done_ratio,
            "lock_version": ticket.lock_version}


@bp.post("/gantt/issues/<int:ticket_id>/schedule")
@api_login_required
def schedule(ticket_id: int):
    ticket = load(Ticket, ticket_id)
    data = json_body()

    def move():
        try:
            changed = services.reschedule(ticket, current_user, data.get("start_date"), data.get("due_date"),
                                          data.get("lock_version"))
        except StaleTicketError:
            raise Conflict(ticket) from None
        # Read before the commit: afterwards every ticket would be expired, reloaded one by one in a second
        # transaction (on SQLite, BEGIN IMMEDIATE: the write lock again, for a read).
        return [ticket_dates(t) for t in changed]

    return jsonify(tickets=perform_api(move))


@bp.get("/portfolio/timeline")
@api_login_required
def portfolio_timeline():
    if not has_org_permission(current_user, VIEW_PORTFOLIO):
        abort(403)
    timeline = portfolio.build_timeline(current_user, request.args, language=current_language())
    if timeline.errors:
        return jsonify(errors=[str(m) for m in timeline.errors]), 422
    return jsonify(portfolio.timeline_json(timeline))


_QUERY_NOTE = ("The ticket list's parameters select the bars (status_id, tracker_id, assigned_to_id, "
               "fixed_version_id, f[]/op[]/v[] ..., query_id); zoom (week, month, quarter), from and to (YYYY-MM-DD) "
               "set the range.")
_GANTT_PARAMS = [
    {"name": "status_id", "in": "query", "schema": {"type": "string"}, "description": "o (open, default), c, * or ids"},
    {"name": "zoom", "in": "query", "schema": {"type": "string", "enum": ["week", "month", "quarter"]}},
    {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}},
    {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}},
]
_GANTT_RESPONSES = {
    "200": {"description": "The chart", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Gantt"}}}},
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "422": {"$ref": "#/components/responses/Invalid"},
}
_DATES = {"type": ["string", "null"], "format": "date"}
OPENAPI_SCHEMAS = {
    "GanttTicket": {"type": "object", "properties": {
        "id": {"type": "integer"}, "subject": {"type": "string"}, "wg_id": {"type": "integer"},
        "parent_id": {"type": ["integer", "null"], "description": "the parent when it is drawn too"},
        "depth": {"type": "integer"}, "start_date": _DATES, "due_date": _DATES, "done_ratio": {"type": "integer"},
        "is_closed": {"type": "boolean"}, "tracker": {"type": "string"}, "status": {"type": "string"},
        "lock_version": {"type": "integer"}, "editable": {"type": "boolean", "description": "the caller may move it"},
        "critical": {"type": "boolean", "description": "on the critical path"}}},
    "Gantt": {"type": "object", "properties": {
        "range": {"type": "object", "properties": {"start": {"type": "string", "format": "date"},
                                                   "end": {"type": "string", "format": "date"},
                                                   "zoom": {"type": "string"}, "px_per_day": {"type": "number"}}},
        "today": {"type": "string", "format": "date"}, "total_count": {"type": "integer"},
        "truncated": {"type": "boolean"},
        "wgs": {"type": "array", "items": {"type": "object"}},
        "tickets": {"type": "array", "items": {"$ref": "#/components/schemas/GanttTicket"}},
        "milestones": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"}, "wg_id": {"type": "integer"},
            "effective_date": {"type": "string", "format": "date"}, "status": {"type": "string"},
            "open_tickets": {"type": "integer"}, "late": {"type": "boolean"}}}},
        "relations": {"type": "array", "items": {"type": "object", "properties": {
            "from": {"type": "integer"}, "to": {"type": "integer"}, "type": {"type": "string", "enum": ["precedes", "blocks"]},
            "delay": {"type": ["integer", "null"]}, "critical": {"type": "boolean"}}}},
        "critical_path": {"type": "array", "items": {"type": "integer"}},
        "holidays": {"type": "array", "items": {"type": "object", "properties": {
            "date": {"type": "string", "format": "date"}, "name": {"type": "string"}}}},
    }},
    "PortfolioTimeline": {"type": "object", "properties": {
        "fiscal_year": {"type": "integer"}, "years": {"type": "integer"},
        "wgs": {"type": "array", "items": {"type": "object", "properties": {
            "identifier": {"type": "string"}, "name": {"type": "string"}, "phase": {"type": "string"},
            "phases": {"type": "array", "items": {"type": "object"}},
            "gate_decisions": {"type": "array", "items": {"type": "object"}},
            "milestones": {"type": "array", "items": {"type": "object"}}}}}}},
}
OPENAPI_PATHS = {
    "/gantt": {"get": {"summary": "Gantt chart of the tickets the caller may see, across WGs", "description": _QUERY_NOTE,
                       "parameters": _GANTT_PARAMS, "responses": _GANTT_RESPONSES}},
    "/wgs/{identifier}/gantt": {"get": {
        "summary": "Gantt chart of one WG", "description": _QUERY_NOTE,
        "parameters": [{"name": "identifier", "in": "path", "required": True, "schema": {"type": "string"}}, *_GANTT_PARAMS],
        "responses": {**_GANTT_RESPONSES, "404": {"$ref": "#/components/responses/NotFound"}}}},
    "/gantt/issues/{ticket_id}/schedule": {"post": {
        "summary": "Move or resize a bar: new start and due dates through the ticket service",
        "description": "Journaled and notified like any edit; followers (precedes) are rescheduled with their delay "
                       "and parents rolled up. The answer lists every ticket whose dates changed.",
        "parameters": [{"name": "ticket_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["start_date", "due_date", "lock_version"], "properties": {
                "start_date": {"type": "string", "format": "date"}, "due_date": {"type": "string", "format": "date"},
                "lock_version": {"type": "integer"}}}}}},
        "responses": {
            "200": {"description": "The tickets whose dates changed, the moved one first", "content": {
                "application/json": {"schema": {"type": "object", "properties": {"tickets": {"type": "array", "items": {
                    "type": "object", "properties": {"id": {"type": "integer"}, "start_date": _DATES, "due_date": _DATES,
                                                     "done_ratio": {"type": "integer"},
                                                     "lock_version": {"type": "integer"}}}}}}}}},
            "401": {"$ref": "#/components/responses/Unauthorized"},
            "404": {"$ref": "#/components/responses/NotFound"},
            "409": {"description": "Someone else changed the ticket since the chart was drawn",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}},
            "422": {"description": "The move is refused (closed WG, no permission, a parent's derived dates, bad dates)",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}},
        }}},
    "/portfolio/timeline": {"get": {
        "summary": "The DX office's portfolio timeline: each WG's phases dated by its gate decisions",
        "parameters": [{"name": "fiscal_year", "in": "query", "schema": {"type": "integer"}},
                       {"name": "years", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 3}}],
        "responses": {"200": {"description": "The timeline", "content": {"application/json": {"schema": {
            "$ref": "#/components/schemas/PortfolioTimeline"}}}},
            "401": {"$ref": "#/components/responses/Unauthorized"},
            "403": {"$ref": "#/components/responses/Forbidden"}}}},
}
