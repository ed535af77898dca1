"""``/api/v1/calendar`` (personal) and ``/api/v1/wgs/<identifier>/calendar``: the events of a month or week;
``POST /api/v1/calendar/moves`` changes a ticket's due date (the page's drag to another day)."""
from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from tracker.api.helpers import api_blueprint, api_login_required, json_body, json_errors
from tracker.calendar import services
from tracker.calendar.events import build_calendar, calendar_json, event_json, span_for, Event
from tracker.calendar.views import VIEWS, calendar_query
from tracker.core.i18n import local_today
from tracker.core.requests import load
from tracker.core.services import ServiceError
from tracker.core.translation import gettext as _
from tracker.extensions import db
from tracker.tickets.models import Ticket
from tracker.tickets.services import StaleTicketError

bp = api_blueprint("calendar_api", __name__)
blueprints = [bp]


def _calendar(identifier: str | None):
    view = request.args.get("view") or "month"
    anchor = services.parse_day(request.args.get("date")) if request.args.get("date") else local_today()
    problems = []
    if view not in VIEWS:
        problems.append(_("Unknown calendar view: %(name)s", name=view))
    if anchor is None:
        problems.append(_("Dates are written YYYY-MM-DD."))
    query = calendar_query(identifier)
    if problems or query.errors:
        return json_errors(problems + [str(e) for e in query.errors])
    return jsonify(calendar_json(build_calendar(current_user, query, span_for(view, anchor), query.wg)))


@bp.get("/calendar")
@api_login_required
def calendar():
    return _calendar(None)


@bp.get("/wgs/<identifier>/calendar")
@api_login_required
def project_calendar(identifier: str):
    return _calendar(identifier)


@bp.post("/calendar/moves")
@api_login_required
def move():
    data = json_body()
    ticket = load(Ticket, data.get("ticket_id"))
    try:
        journal = services.reschedule(ticket, current_user, data.get("due_date"), data.get("lock_version"))
        db.session.commit()
    except (StaleTicketError, StaleDataError):
        db.session.rollback()
        return json_errors([_("#%(id)s was changed by someone else meanwhile. The calendar reloads to show it as it is now.",
                              id=ticket.id)], 409)
    except ServiceError as error:
        db.session.rollback()
        return json_errors(error, 422)
    ticket = db.session.get(Ticket, ticket.id)
    event = Event("due", ticket.due_date, f"#{ticket.id} {ticket.subject}", ticket.url, ticket.wg, ticket, movable=True)
    return jsonify(event=event_json(event), journal_id=journal.id if journal else None)


_EVENT = {"type": "object", "properties": {
    "kind": {"type": "string", "enum": ["due", "start", "meeting", "version", "milestone", "gate"]},
    "date": {"type": "string", "format": "date"}, "title": {"type": "string"}, "url": {"type": "string"},
    "wg": {"type": ["string", "null"]}, "movable": {"type": "boolean", "description": "the user may change this due date"},
    "overdue": {"type": "boolean"}, "time": {"type": ["string", "null"]}, "ticket_id": {"type": "integer"},
    "lock_version": {"type": "integer"}, "start_date": {"type": ["string", "null"], "format": "date"},
}}
OPENAPI_SCHEMAS = {
    "CalendarEvent": _EVENT,
    "Calendar": {"type": "object", "properties": {
        "view": {"type": "string"}, "start": {"type": "string", "format": "date"},
        "end": {"type": "string", "format": "date"}, "truncated": {"type": "boolean"},
        "events": {"type": "array", "items": {"$ref": "#/components/schemas/CalendarEvent"}}}},
}
_PARAMS = [
    {"name": "view", "in": "query", "schema": {"type": "string", "enum": list(VIEWS)}},
    {"name": "date", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "a day of the month or week shown"},
    {"name": "query_id", "in": "query", "schema": {"type": "integer"}, "description": "a saved ticket query"},
    {"name": "status_id", "in": "query", "schema": {"type": "string"},
     "description": "and every other filter of /issues.json; the personal calendar's default is assigned_to_id=me"},
]
_ERRORS = {"401": {"$ref": "#/components/responses/Unauthorized"}, "404": {"$ref": "#/components/responses/NotFound"},
           "422": {"$ref": "#/components/responses/Invalid"}}


def _read(summary, params):
    return {"get": {"summary": summary, "parameters": params, "responses": {
        "200": {"description": summary, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Calendar"}}}},
        **_ERRORS}}}


OPENAPI_PATHS = {
    "/calendar": _read("The personal calendar: my tickets, and the meetings, milestones and gate decisions of my WGs", _PARAMS),
    "/wgs/{identifier}/calendar": _read("A WG's calendar", [{"name": "identifier", "in": "path", "required": True,
                                                             "schema": {"type": "string"}}, *_PARAMS]),
    "/calendar/moves": {"post": {
        "summary": "Change a ticket's due date (an ordinary ticket edit: journal, notification, followers rescheduled)",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "properties": {
            "ticket_id": {"type": "integer"}, "due_date": {"type": "string", "format": "date"},
            "lock_version": {"type": "integer"}}, "required": ["ticket_id", "due_date"]}}}},
        "responses": {
            "200": {"description": "rescheduled", "content": {"application/json": {"schema": {"type": "object", "properties": {
                "event": {"$ref": "#/components/schemas/CalendarEvent"}, "journal_id": {"type": ["integer", "null"]}}}}}},
            "409": {"description": "the ticket changed since it was loaded"}, **_ERRORS}}},
}
