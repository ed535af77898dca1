"""Error pages: HTML for people, JSON for API clients."""
from __future__ import annotations

from flask import jsonify, render_template, request
from tracker.core.translation import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


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
        app.logger.exception("Unhandled error on %s", request.path)
        from tracker.extensions import db

        db.session.rollback()
        return render_error(500)
