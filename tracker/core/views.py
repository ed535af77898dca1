"""Home page and health check."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template
from flask_login import current_user, login_required
from sqlalchemy import text

from tracker.core.fiscal import fiscal_year
from tracker.core.i18n import local_today
from tracker.extensions import db

bp = Blueprint("core", __name__)
blueprints = [bp]
nav_items: list = []


@bp.get("/")
@login_required
def home():
    today = local_today()
    return render_template("core/home.html", user=current_user, today=today, current_fiscal_year=fiscal_year(today))


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means the database cannot serve requests
        db.session.rollback()
        current_app.logger.warning("health check failed: %s", exc)
        return jsonify(status="unavailable", database="unreachable", error=exc.__class__.__name__), 503
    from tracker.core.schema import schema_state

    # An empty or older database answers SELECT 1 yet every page fails: not healthy until `tracker db upgrade`.
    state = schema_state(db.session.connection())
    if not state.at_head:
        return jsonify(status="unavailable", database="ok", schema="outdated",
                       revision=sorted(state.current), head=sorted(state.heads)), 503
    return jsonify(status="ok", database="ok", schema="ok")
