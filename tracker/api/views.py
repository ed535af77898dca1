"""``/api/v1`` root: the OpenAPI document. Features put their endpoints in ``tracker/<feature>/api.py``
(blueprints made with ``api_blueprint``, listed in ``blueprints``; the app registers them like views) and
describe them in ``OPENAPI_PATHS``."""
from __future__ import annotations

from flask import current_app, jsonify

from tracker.api.helpers import api_blueprint
from tracker.api.openapi import build_document

bp = api_blueprint("api_v1", __name__)


@bp.get("/openapi.json")
def openapi():
    return jsonify(build_document(current_app.config["BASE_URL"]))


blueprints = [bp]
