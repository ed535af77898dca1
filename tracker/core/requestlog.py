"""One log line per request on stdout: request id, method, path, status, duration, user id, client address.

Secrets never reach the log: only the path and a query string whose ``key``/``token``/``password``
values are replaced; no header is logged (Authorization and X-Redmine-API-Key stay out by construction).
"""
from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import datetime, timezone
from urllib.parse import parse_qsl, urlencode

from flask import g, request
from sqlalchemy import inspect as orm_inspect
from werkzeug.middleware.proxy_fix import ProxyFix

logger = logging.getLogger("tracker.requests")
SECRET_PARAMETERS = {"key", "api_key", "token", "password", "secret"}
REDACTED = "[REDACTED]"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def redacted_query(query_string: str) -> str:
    pairs = parse_qsl(query_string, keep_blank_values=True)
    return urlencode([(name, REDACTED if name.lower() in SECRET_PARAMETERS else value) for name, value in pairs],
                     safe="[]/,:")


def _user_id():
    # Only a user this request already loaded: logging must not query the database (it may be down).
    user = g.get("_login_user")
    state = orm_inspect(user, raiseerr=False) if user is not None else None
    if state is None or not state.identity:
        return None
    return state.identity[0]


def _configure_output(app) -> None:
    if app.testing or logger.handlers:
        return  # tests read the records through pytest's caplog
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    logger.propagate = False


def init_app(app) -> None:
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    logger.setLevel(logging.INFO)
    _configure_output(app)
    as_json = bool(app.config.get("LOG_JSON"))

    @app.before_request
    def start_clock():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex[:16]
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        started = g.get("request_started")
        if started is None:
            return response
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        path = request.path
        if request.query_string:
            path += "?" + redacted_query(request.query_string.decode("latin-1"))
        fields = {
            "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
            "request_id": g.request_id,
            "method": request.method,
            "path": path,
            "status": response.status_code,
            "duration_ms": duration_ms,
            "user_id": _user_id(),
            "remote_addr": request.remote_addr,
        }
        if as_json:
            line = json.dumps(fields, ensure_ascii=False)
        else:
            line = " ".join(f"{name}={'-' if value is None else value}" for name, value in fields.items())
        logger.info(line)
        response.headers["X-Request-ID"] = g.request_id
        return response
