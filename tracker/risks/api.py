"""``/api/v1/wgs/<identifier>/risks``: the WG's risk register."""
from __future__ import annotations

from datetime import date

from flask import jsonify
from flask_login import current_user

from tracker.api.helpers import api_blueprint, api_login_required, json_body
from tracker.charter import apikit
from tracker.wg.views import load_wg
from tracker.core.i18n import local_today
from tracker.extensions import db
from tracker.risks import services
from tracker.risks.models import CATEGORIES, RESPONSES, Risk
from tracker.core import policy
from flask_login import current_user
from sqlalchemy import select

bp = api_blueprint("risks_api", __name__)
blueprints = [bp]


def risk_json(r: Risk, today: date) -> dict:
    return {"id": r.id, "title": r.title, "description": r.description, "category": r.category,
            "probability": r.probability, "impact": r.impact, "score": r.score, "response": r.response,
            "response_plan": r.response_plan, "owner": {"id": r.owner.id, "name": r.owner.name} if r.owner else None,
            "next_review": r.next_review.isoformat(), "review_overdue": r.review_overdue(today), "closed": r.closed}


@bp.get("/wgs/<identifier>/risks")
@api_login_required
def list_risks(identifier: str):
    wg = load_wg(identifier)
    today = local_today()
    return jsonify(risks=[risk_json(r, today) for r in db.session.scalars(select(Risk).where(Risk.wg_id == wg.id, policy.visible(Risk, current_user)).order_by(Risk.id))])


@bp.post("/wgs/<identifier>/risks")
@api_login_required
def create_risk(identifier: str):
    wg = load_wg(identifier, "manage_risks")
    data = json_body()
    try:
        review = date.fromisoformat(str(data.get("next_review", "")))
    except ValueError:
        review = None
    owner = next((m.user for m in wg.members if m.user.id == data.get("owner_id")), None)
    return apikit.create_or_errors(
        lambda: services.save_risk(current_user, None, wg, title=str(data.get("title", "")), category=str(data.get("category", "")),
                                   probability=data.get("probability"), impact=data.get("impact"),
                                   response=str(data.get("response", "")), next_review=review,
                                   description=str(data.get("description", "")),
                                   response_plan=str(data.get("response_plan", "")), owner=owner),
        "risk", lambda risk: risk_json(risk, local_today()), f"/api/v1/wgs/{identifier}/risks")


_RISK = dict(title="string", description="string", category={"type": "string", "enum": CATEGORIES},
             probability={"type": "integer", "minimum": 1, "maximum": 5}, impact={"type": "integer", "minimum": 1, "maximum": 5},
             response={"type": "string", "enum": RESPONSES}, response_plan="string",
             next_review={"type": "string", "format": "date"})
OPENAPI_SCHEMAS = {"Risk": apikit.obj(id="integer", score="integer", owner="object", review_overdue="boolean", closed="boolean", **_RISK)}
OPENAPI_PATHS = {
    "/wgs/{identifier}/risks": {
        **apikit.read("A WG's risk register", "risks", "Risk"),
        **apikit.write("Add a risk", "risk", "Risk", apikit.obj(owner_id="integer", **_RISK)),
    },
}
