"""Error pages: HTML for people, JSON for API clients."""
from __future__ import annotations

from flask import Response, jsonify, render_template, request
from tracker.core.translation import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

# The database server is down, restarting or unreachable (also: a SQLite file that cannot be opened).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def wants_json() -> bool:
    path = request.path
    return path.startswith("/api/") or path.endswith(".json") or request.accept_mimetypes.best == "application/json"


def _messages():
    return {
        400: _("The request could not be understood."),
        401: _("You need to log in to see this page."),
        403: _("You are not allowed to see this page."),
        404: _("The page you asked for does not exist, or you may not see it."),
        405: _("This page cannot be used that way."),
        413: _("The file is too large."),
        429: _("Too many attempts. Wait a minute and try again."),
        500: _("Something went wrong on our side. The error has been logged."),
        503: _("The service is unavailable right now."),
    }


def render_error(code: int, message: str | None = None):
    message = message or _messages().get(code, _("Error"))
    if request.path.endswith(".xml"):  # the XML format of the Redmine-compatible API
        from tracker.redmine.xml_format import MIMETYPE, to_xml

        return Response(to_xml({"errors": [message]}), code, content_type=f"{MIMETYPE}; charset=utf-8")
    if wants_json():
        return jsonify(errors=[message]), code
    return render_template("core/error.html", code=code, message=message), code


def register_error_handlers(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, _("The form expired or was sent from another site. Go back, reload and send it again."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        message = None
        if error.code == 429:
            message = _("Too many attempts from your address. Wait a minute and try again.")
        return render_error(error.code or 500, message)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        from tracker.extensions import db

        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 - the connection may be gone with the database; answer anyway
            app.logger.warning("rollback failed after an error on %s", request.path)
        if isinstance(error, DATABASE_UNAVAILABLE):
            app.logger.error("database unavailable on %s: %s", request.path, error.__class__.__name__)
            return database_unavailable()
        app.logger.exception("Unhandled error on %s", request.path)
        return render_error(500)


def database_unavailable():
    """503 without touching the database: a page of its own for people, JSON for API clients."""
    from flask import g
    from tracker.extensions import login_manager

    # The page needs no user, and loading one (or refreshing the expired one) would ask the database.
    g._login_user = login_manager.anonymous_user()
    message = _("The service is temporarily unavailable. Try again in a few minutes.")
    if wants_json():
        response = jsonify(errors=[message])
    else:
        response = render_template("core/unavailable.html", message=message)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return response, 503, headers
