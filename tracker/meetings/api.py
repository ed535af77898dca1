"""``/api/v1/wgs/<identifier>/meetings``: a WG's meetings with attendees and action items."""
from __future__ import annotations

from flask import jsonify
from sqlalchemy import select

from tracker.api.helpers import api_blueprint, api_login_required
from tracker.charter import apikit
from tracker.wg.views import load_wg
from tracker.extensions import db
from tracker.meetings.models import Meeting
from tracker.core import policy
from flask_login import current_user

bp = api_blueprint("meetings_api", __name__)
blueprints = [bp]


def meeting_json(m: Meeting) -> dict:
    return {"id": m.id, "title": m.title, "held_on": m.held_on.isoformat(),
            "starts_at": m.starts_at.strftime("%H:%M") if m.starts_at else None,
            "ends_at": m.ends_at.strftime("%H:%M") if m.ends_at else None, "location": m.location,
            "attendees": [{"id": u.id, "name": u.name} for u in m.attendees], "agenda": m.agenda,
            "minutes": m.minutes, "decisions": m.decisions,
            "action_items": [{"id": a.id, "title": a.title, "assignee_id": a.assignee_id,
                              "due_date": a.due_date.isoformat() if a.due_date else None, "ticket_id": a.ticket_id}
                             for a in m.action_items]}


@bp.get("/wgs/<identifier>/meetings")
@api_login_required
def list_meetings(identifier: str):
    wg = load_wg(identifier)
    rows = db.session.scalars(select(Meeting).where(Meeting.wg_id == wg.id, policy.visible(Meeting, current_user)).order_by(Meeting.held_on))
    return jsonify(meetings=[meeting_json(m) for m in rows])


OPENAPI_SCHEMAS = {"Meeting": apikit.obj(id="integer", title="string", held_on={"type": "string", "format": "date"},
                                         starts_at="string", ends_at="string", location="string", attendees="array",
                                         agenda="string", minutes="string", decisions="string", action_items="array")}
OPENAPI_PATHS = {"/wgs/{identifier}/meetings": apikit.read("A WG's meetings (定例会)", "meetings", "Meeting")}
