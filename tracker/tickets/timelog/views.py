"""Spent time: entries with totals per WG, person and activity (/time_entries, /projects/<id>/time_entries)."""
from __future__ import annotations

from datetime import date

from flask import flash, render_template, request
from tracker.core.translation import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker.extensions import db
from tracker.tickets import timelog
from tracker.tickets.blueprint import bp
from tracker.tickets.models import TimeEntry
from tracker.wg.views import load_wg

PER_PAGE = 50


def _date(name: str) -> date | None:
    raw = request.args.get(name, "")
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        flash(_("The date must be a date (YYYY-MM-DD)."), "error")
        return None


def _page(wg=None):
    date_from, date_to = _date("from"), _date("to")
    user_id = request.args.get("user_id", type=int)
    if request.args.get("user_id") == "me":
        user_id = current_user.id
    kwargs = dict(wg=wg, date_from=date_from, date_to=date_to, user_id=user_id)
    condition = timelog.entries_condition(current_user, **kwargs)
    stmt = select(TimeEntry).where(condition)
    sums = timelog.summary(current_user, **kwargs)
    count = sums["count"]
    page = max(1, request.args.get("page", 1, type=int) or 1)
    entries = list(db.session.scalars(
        stmt.options(joinedload(TimeEntry.user), joinedload(TimeEntry.activity), joinedload(TimeEntry.wg), joinedload(TimeEntry.ticket))
        .order_by(TimeEntry.spent_on.desc(), TimeEntry.id.desc()).offset((page - 1) * PER_PAGE).limit(PER_PAGE)
    ))
    return render_template(
        "tickets/time_entries.html", entries=entries, total=sums["total"], wg=wg, count=count, page=page,
        pages=max(1, -(-count // PER_PAGE)), date_from=date_from, date_to=date_to, user_id=user_id,
        by_wg=sums["by_wg"], by_user=sums["by_user"], by_activity=sums["by_activity"],
    )


@bp.get("/time_entries")
@login_required
def time_entries():
    return _page()


@bp.get("/projects/<identifier>/time_entries")
@login_required
def project_time_entries(identifier: str):
    return _page(load_wg(identifier, "view_time_entries"))
