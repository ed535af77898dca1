"""A WG's meetings (定例会): list, record, iCalendar export of meetings and milestones."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from tracker.core.translation import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from tracker.charter.services import charter_for, phase_of
from tracker.charter.tickets import agenda_suggestions
from tracker.core.db import utcnow
from tracker.core.exports import send
from tracker.core.i18n import local_today
from tracker.core.layout import WGTab
from tracker.core.services import commit_or_flash
from tracker.charter.lookup import in_wg
from tracker.extensions import db
from tracker.meetings import ical, services
from tracker.meetings.forms import MeetingForm
from tracker.meetings.models import Meeting
from tracker.wg.overview import OverviewPanel
from tracker.wg.views import load_wg
from tracker.core import policy

bp = Blueprint("meetings", __name__)
blueprints = [bp]
wg_tabs = [WGTab("meetings", _l("Meetings"), "meetings.index", order=25)]


def _next_meeting_panel(wg, user) -> dict:
    upcoming = select(Meeting).where(Meeting.wg_id == wg.id, policy.visible(Meeting, user), Meeting.held_on >= local_today())
    return {"meeting": db.session.scalar(upcoming.order_by(Meeting.held_on, Meeting.starts_at).limit(1)),
            "may_add": wg.allows(user, "manage_meetings")}


overview_panels = [OverviewPanel("meeting", "meetings/_overview_next.html", _next_meeting_panel, order=20)]

EMPTY_ACTIONS = 3


def _action_rows(meeting) -> list[dict]:
    if request.method == "POST":
        rows, n = [], 0
        while f"action-title-{n}" in request.form:
            rows.append({k: request.form.get(f"action-{k}-{n}", "").strip() for k in ("id", "title", "assignee", "due_date")})
            n += 1
        return rows
    return [{"id": str(a.id), "title": a.title, "assignee": str(a.assignee_id or ""),
             "due_date": a.due_date.isoformat() if a.due_date else ""} for a in (meeting.action_items if meeting else [])]


def _parse_actions(rows, members) -> tuple[list[dict], list[str]]:
    items, problems = [], []
    for row in rows:
        if not (row["title"] or row["assignee"] or row["due_date"]):
            continue
        try:
            due = date.fromisoformat(row["due_date"]) if row["due_date"] else None
        except ValueError:
            problems.append(_("Dates are written YYYY-MM-DD."))
            continue
        items.append({"id": int(row["id"]) if row["id"].isdigit() else None, "title": row["title"],
                      "assignee": members.get(row["assignee"]), "due_date": due})
    return items, problems


@bp.get("/projects/<identifier>/meetings")
@login_required
def index(identifier: str):
    wg = load_wg(identifier)
    meetings = db.session.scalars(select(Meeting).where(Meeting.wg_id == wg.id, policy.visible(Meeting, current_user)).order_by(Meeting.held_on.desc())).all()
    return render_template("meetings/index.html", wg=wg, meetings=meetings,
                           can_manage=wg.allows(current_user, "manage_meetings") and phase_of(wg) not in ("closed", "stopped"))


@bp.route("/projects/<identifier>/meetings/new", methods=["GET", "POST"])
@bp.route("/projects/<identifier>/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit(identifier: str, meeting_id: int | None = None):
    wg = load_wg(identifier, "manage_meetings")
    meeting = None
    if meeting_id is not None:
        meeting = in_wg(Meeting, meeting_id, wg)
    form = MeetingForm(obj=meeting)
    members = {str(m.user.id): m.user for m in wg.members}
    form.attendee_ids.choices = [(m.user.id, m.user.name) for m in wg.members]
    if request.method == "GET" and meeting is not None:
        form.attendee_ids.data = [u.id for u in meeting.attendees]
    rows = _action_rows(meeting)
    if form.validate_on_submit():
        items, problems = _parse_actions(rows, members)
        if problems:
            from flask import flash
            for p in dict.fromkeys(problems):
                flash(p, "error")
        else:
            saved = commit_or_flash(lambda: services.save_meeting(
                current_user, meeting, wg, title=form.title.data, held_on=form.held_on.data, starts_at=form.starts_at.data,
                ends_at=form.ends_at.data, location=form.location.data,
                attendees=[members[str(i)] for i in form.attendee_ids.data or [] if str(i) in members],
                agenda=form.agenda.data, minutes=form.minutes.data, decisions=form.decisions.data, action_items=items,
            ), _("The meeting was saved."))
            if saved:
                return redirect(url_for(".show", identifier=wg.identifier, meeting_id=saved.id))
    previous = db.session.scalar(select(Meeting.held_on).where(Meeting.wg_id == wg.id, Meeting.id != (meeting_id or 0))
                                 .order_by(Meeting.held_on.desc()).limit(1))
    suggestions = agenda_suggestions(wg, current_user, previous, local_today())
    return render_template("meetings/edit.html", wg=wg, meeting=meeting, form=form,
                           rows=rows + [{}] * EMPTY_ACTIONS, members=wg.members, suggestions=suggestions)


@bp.get("/projects/<identifier>/meetings/<int:meeting_id>")
@login_required
def show(identifier: str, meeting_id: int):
    wg = load_wg(identifier)
    meeting = in_wg(Meeting, meeting_id, wg)
    return render_template("meetings/show.html", wg=wg, meeting=meeting,
                           can_manage=wg.allows(current_user, "manage_meetings") and phase_of(wg) not in ("closed", "stopped"))


@bp.get("/projects/<identifier>/calendar.ics")
@login_required
def calendar(identifier: str):
    wg = load_wg(identifier)
    meetings = db.session.scalars(select(Meeting).where(Meeting.wg_id == wg.id, policy.visible(Meeting, current_user)).order_by(Meeting.held_on)).all()
    milestones = charter_for(wg, create=False).milestones
    body = ical.calendar(wg, meetings, milestones, request.host.split(":")[0],
                         current_app.config["BABEL_DEFAULT_TIMEZONE"], utcnow())
    # rows: the calendar's events, a meeting or a milestone each
    return send(ical.WG_CALENDAR, body, rows=len(meetings) + len(milestones), filename=f"{wg.identifier}.ics",
                wg_id=wg.id)


@bp.post("/projects/<identifier>/meetings/<int:meeting_id>/tickets")
@login_required
def make_tickets(identifier: str, meeting_id: int):
    """Turn the meeting's action items that have no ticket yet into tickets."""
    wg = load_wg(identifier, "manage_meetings")
    meeting = in_wg(Meeting, meeting_id, wg)
    commit_or_flash(lambda: services.action_items_to_tickets(meeting, current_user),
                    _("The action items became tickets."))
    return redirect(url_for(".show", identifier=wg.identifier, meeting_id=meeting.id))
