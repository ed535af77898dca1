"""What the lifecycle features' JSON endpoints share: running a change into 201 or 422, and short builders
for their OpenAPI entries."""
from __future__ import annotations

from typing import Callable

from tracker.api.helpers import created, json_errors
from tracker.core.services import ServiceError
from tracker.extensions import db


def create_or_errors(change: Callable, key: str, to_json: Callable, location: str, extra: Callable | None = None):
    """Run ``change``: commit and answer 201 with ``{key: to_json(result)}``, or roll back and answer 422."""
    try:
        result = change()
    except ServiceError as error:
        db.session.rollback()
        return json_errors(error)
    db.session.commit()
    return created({key: to_json(result), **(extra() if extra else {})}, location)

WG_PARAM = {"name": "identifier", "in": "path", "required": True, "schema": {"type": "string"}}
ID_PARAM = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
YEAR_PARAM = {"name": "year", "in": "query", "schema": {"type": "integer"}, "description": "fiscal year (April start)"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def read(summary: str, key: str, schema: str, params=(WG_PARAM,), many: bool = True) -> dict:
    body = {"type": "array", "items": _ref(schema)} if many else _ref(schema)
    return {"get": {
        "summary": summary, "parameters": list(params),
        "responses": {
            "200": {"description": summary, "content": {"application/json": {"schema": {
                "type": "object", "properties": {key: body}}}}},
            "401": {"$ref": "#/components/responses/Unauthorized"},
            "404": {"$ref": "#/components/responses/NotFound"},
        },
    }}


def write(summary: str, key: str, schema: str, request: dict, params=(WG_PARAM,)) -> dict:
    return {"post": {
        "summary": summary, "parameters": list(params),
        "requestBody": {"required": True, "content": {"application/json": {"schema": request}}},
        "responses": {
            "201": {"description": "Created", "content": {"application/json": {"schema": {
                "type": "object", "properties": {key: _ref(schema)}}}}},
            "401": {"$ref": "#/components/responses/Unauthorized"},
            "403": {"$ref": "#/components/responses/Forbidden"},
            "404": {"$ref": "#/components/responses/NotFound"},
            "422": {"$ref": "#/components/responses/Invalid"},
        },
    }}


def obj(**properties) -> dict:
    return {"type": "object", "properties": {k: ({"type": v} if isinstance(v, str) else v) for k, v in properties.items()}}
