"""``/api/v1`` roadmap: a milestone's progress, tickets by tracker and burndown; a WG's (or every visible WG's)
milestones with their progress."""
from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from tracker.api.helpers import api_blueprint, api_login_required
from tracker.core.i18n import local_today
from tracker.core.requests import load
from tracker.roadmap.progress import progress_json, progress_of
from tracker.roadmap.views import versions_of
from tracker.tickets.models import Version
from tracker.wg.views import load_wg

bp = api_blueprint("roadmap_api", __name__)
blueprints = [bp]


def _list(wg):
    today = local_today()
    versions = versions_of(current_user, wg, request.args.get("completed") == "1")
    return jsonify(versions=[progress_json(progress_of(current_user, v, today=today, with_burndown=False), False)
                             for v in versions])


@bp.get("/roadmap")
@api_login_required
def roadmap():
    return _list(None)


@bp.get("/wgs/<identifier>/roadmap")
@api_login_required
def project_roadmap(identifier: str):
    return _list(load_wg(identifier, "view_issues"))


@bp.get("/versions/<int:version_id>/roadmap")
@api_login_required
def version_roadmap(version_id: int):
    with_burndown = request.args.get("burndown") != "0"  # the roadmap list's expanded row needs only the tickets
    progress = progress_of(current_user, load(Version, version_id), with_burndown=with_burndown)
    return jsonify(progress_json(progress, with_burndown))


_PROGRESS = {"type": "object", "properties": {
    "version": {"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "wg_id": {"type": "integer"}, "status": {"type": "string"},
        "effective_date": {"type": ["string", "null"], "format": "date"}, "description": {"type": "string"}}},
    "today": {"type": "string", "format": "date", "description": "the day the numbers were read (the server's time zone)"},
    "late": {"type": "boolean", "description": "its date has passed with open tickets left"},
    "total_tickets": {"type": "integer"}, "closed_tickets": {"type": "integer"},
    "estimated_hours": {"type": "number"}, "spent_hours": {"type": "number"},
    "trackers": {"type": "array", "items": {"type": "object", "properties": {
        "tracker": {"type": "string"}, "tickets": {"type": "array", "items": {"type": "object"}}}}},
    "burndown": {"type": "array", "description": "per day; open_* is null for days to come", "items": {
        "type": "object", "properties": {
            "date": {"type": "string", "format": "date"}, "open_tickets": {"type": ["integer", "null"]},
            "open_hours": {"type": ["number", "null"]}, "ideal_tickets": {"type": ["number", "null"]},
            "ideal_hours": {"type": ["number", "null"]}}}},
}}
OPENAPI_SCHEMAS = {"RoadmapMilestone": _PROGRESS}
_LIST = {"200": {"description": "Milestones with their progress (no burndown)", "content": {"application/json": {
    "schema": {"type": "object", "properties": {"versions": {"type": "array", "items": {
        "$ref": "#/components/schemas/RoadmapMilestone"}}}}}}},
    "401": {"$ref": "#/components/responses/Unauthorized"}}
_COMPLETED = {"name": "completed", "in": "query", "schema": {"type": "string", "enum": ["1"]},
              "description": "include closed milestones"}
OPENAPI_PATHS = {
    "/roadmap": {"get": {"summary": "Open milestones of every WG the caller may see", "parameters": [_COMPLETED],
                         "responses": _LIST}},
    "/wgs/{identifier}/roadmap": {"get": {
        "summary": "A WG's milestones", "responses": {**_LIST, "404": {"$ref": "#/components/responses/NotFound"}},
        "parameters": [{"name": "identifier", "in": "path", "required": True, "schema": {"type": "string"}}, _COMPLETED]}},
    "/versions/{version_id}/roadmap": {"get": {
        "summary": "One milestone: progress, tickets by tracker, burndown from the status history",
        "parameters": [{"name": "version_id", "in": "path", "required": True, "schema": {"type": "integer"}},
                       {"name": "burndown", "in": "query", "schema": {"type": "string", "enum": ["0"]},
                        "description": "0: leave out the burndown (progress and tickets only)"}],
        "responses": {"200": {"description": "The milestone", "content": {"application/json": {"schema": {
            "$ref": "#/components/schemas/RoadmapMilestone"}}}},
            "401": {"$ref": "#/components/responses/Unauthorized"},
            "404": {"$ref": "#/components/responses/NotFound"}}}},
}
