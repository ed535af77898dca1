"""The OpenAPI document for ``/api/v1``: each feature's ``api.py`` contributes ``OPENAPI_PATHS`` and
``OPENAPI_SCHEMAS``; ``/api/v1/openapi.json`` serves the merged document."""
from __future__ import annotations


def build_document(base_url: str) -> dict:
    from tracker import feature_modules

    paths: dict = {}
    schemas: dict = {
        "Errors": {
            "type": "object",
            "properties": {"errors": {"type": "array", "items": {"type": "string"}}},
            "required": ["errors"],
        }
    }
    for module in feature_modules("api"):
        paths.update(getattr(module, "OPENAPI_PATHS", {}))
        schemas.update(getattr(module, "OPENAPI_SCHEMAS", {}))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "WG Tracker API",
            "version": "1",
            "description": "JSON API of WG Tracker. Authenticate with the X-Redmine-API-Key header "
            "(`tracker user api-key LOGIN` prints a key), the key parameter, or HTTP Basic.",
        },
        "servers": [{"url": f"{base_url.rstrip('/')}/api/v1"}],
        "security": [{"apiKey": []}, {"basic": []}],
        "components": {
            "securitySchemes": {
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-Redmine-API-Key"},
                "basic": {"type": "http", "scheme": "basic"},
            },
            "schemas": schemas,
            "responses": {
                "Unauthorized": {"description": "No valid credentials", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}},
                "Forbidden": {"description": "Not allowed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}},
                "NotFound": {"description": "Does not exist or may not be seen", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}},
                "Invalid": {"description": "Validation failed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}},
            },
        },
        "paths": dict(sorted(paths.items())),
    }
