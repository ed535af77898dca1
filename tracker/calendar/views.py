"""The calendar pages (/calendar personal, /projects/<id>/calendar per WG), the no-script form that changes
a ticket's due date, and the personal iCalendar feed (/my/calendar.ics?key=...)."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, g, render_template, request, url_for
from babel.dates import format_skeleton
from flask_babel import format_date, get_locale
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from tracker.calendar import ical, services
from tracker.calendar.events import build_calendar, span_for
from tracker.core.db import utcnow
from tracker.core.exports import send
from tracker.core.i18n import local_today
from tracker.core.layout import NavItem, WGTab
from tracker.core.requests import Conflict, load, perform, redirect_to
from tracker.core.translation import gettext as _, lazy_gettext as _l
from tracker.tickets.feeds import feed_key_for, feed_login
from tracker.tickets.models import Ticket
from tracker.tickets.query import TicketQuery
from tracker.tickets.services import StaleTicketError
from tracker.tickets.web.list_views import _args, _filter_options, _saved_queries, _user, build_query, options_html

bp = Blueprint("calendar", __name__)
blueprints = [bp]
nav_items = [NavItem("calendar.personal", _l("Calendar"), order=34, section="/calendar")]
wg_tabs = [WGTab("calendar", _l("Calendar"), "calendar.project", order=23,
                 visible=lambda wg, user: wg.allows(user, "view_issues"))]

VIEWS = ("month", "week")
MONTH_LIMIT = 8  # events per day in the month grid; the rest are on the week view ("12 more")


def span_params(args):
    """``view`` (month / week) and ``date`` (the day shown, today by default); bad values are a message."""
    view = args.get("view") or "month"
    if view not in VIEWS:
        flash(_("Unknown calendar view: %(name)s", name=view), "error")
        view = "month"
    anchor = services.parse_day(args.get("date")) if args.get("date") else local_today()
    if anchor is None:
        flash(_("Dates are written YYYY-MM-DD."), "error")
        anchor = local_today()
    return span_for(view, anchor)


def calendar_query(identifier: str | None) -> TicketQuery:
    """A WG's tickets by the ticket query's parameters; the personal calendar's default is "assigned to me"."""
    if identifier:
        return build_query(identifier)
    args = MultiDict(_args())
    if "assigned_to_id" not in args and "f[]" not in args and not g.get("saved_query"):
        args["assigned_to_id"] = "me"
    return TicketQuery.from_params(_user(), args)


def _render(identifier: str | None):
    query = calendar_query(identifier)
    for message in query.errors:
        flash(message, "error")
    span = span_params(request.args)
    wg = query.wg
    calendar = build_calendar(current_user, query, span, wg)
    json_base = url_for("calendar_api.project_calendar", identifier=wg.identifier) if wg else url_for("calendar_api.calendar")
    feed_key = None if wg else feed_key_for(current_user)
    return render_template(
        "board/calendar.html", calendar=calendar, span=span, wg=wg, query=query, today=local_today(),
        options=_filter_options(query), options_html=options_html, saved_queries=_saved_queries(wg),
        saved_query=g.get("saved_query"), back=request.full_path.rstrip("?"),
        json_url=json_base + ("?" + request.query_string.decode() if request.query_string else ""),
        feed_url=url_for(".personal_ics", key=feed_key, _external=True) if feed_key else None,
        weekdays=[format_date(day, "EEE") for day in span.weeks[0]], month_limit=MONTH_LIMIT,
        title=format_skeleton("yMMMM", span.anchor, locale=get_locale()) if span.view == "month" else None,
    )


@bp.get("/calendar")
@login_required
def personal():
    return _render(None)


@bp.get("/projects/<identifier>/calendar")
@login_required
def project(identifier: str):
    return _render(identifier)


@bp.post("/calendar/move")
@login_required
def move():
    """The keyboard's and no-script way of dragging a ticket to another day: its new due date."""
    ticket = load(Ticket, request.form.get("ticket_id"))
    back = request.form.get("back")
    try:
        journal = perform(lambda: services.reschedule(ticket, current_user, request.form.get("due_date"),
                                                      request.form.get("lock_version")))
    except (Conflict, StaleTicketError):
        flash(_("#%(id)s was changed by someone else meanwhile: the calendar shows it as it is now.", id=ticket.id), "error")
        return redirect_to(back, url_for(".personal"))
    if journal is not None:
        flash(_("The due date of #%(id)s is now %(day)s.", id=ticket.id, day=ticket.due_date.isoformat()), "success")
    return redirect_to(back, url_for(".personal"))


@bp.get("/my/calendar.ics")
@feed_login
def personal_ics():
    """The personal calendar for Outlook (subscribe with the feed key; a session works too)."""
    user = g.feed_user
    query = TicketQuery.from_params(user, {"assigned_to_id": "me"})
    body, count = ical.personal_calendar(user, query, local_today(), request.host_url.rstrip("/"),
                                         request.host.split(":")[0], current_app.config["BABEL_DEFAULT_TIMEZONE"], utcnow())
    return send(ical.PERSONAL_CALENDAR, body, rows=count, filename="my-calendar.ics")
