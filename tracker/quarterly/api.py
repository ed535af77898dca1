"""``/api/v1/wgs/<identifier>/quarterly``: quarterly targets and actuals."""
from __future__ import annotations

from flask import jsonify, request
from sqlalchemy import select

from tracker.api.helpers import api_blueprint, api_login_required, json_body
from tracker.charter import apikit
from tracker.wg.views import load_wg
from tracker.core.i18n import local_today
from tracker.extensions import db
from tracker.quarterly import services
from tracker.quarterly.models import QuarterlyEntry
from tracker.core import policy
from flask_login import current_user

bp = api_blueprint("quarterly_api", __name__)
blueprints = [bp]


def entry_json(e: QuarterlyEntry) -> dict:
    return {"id": e.id, "initiative": e.initiative, "fiscal_year": e.fiscal_year, "quarter": e.quarter,
            "target": e.target, "actual": e.actual, "status": e.status}


@bp.get("/wgs/<identifier>/quarterly")
@api_login_required
def list_entries(identifier: str):
    wg = load_wg(identifier)
    query = select(QuarterlyEntry).where(QuarterlyEntry.wg_id == wg.id, policy.visible(QuarterlyEntry, current_user))
    if request.args.get("year", "").isdigit():
        query = query.where(QuarterlyEntry.fiscal_year == int(request.args["year"]))
    rows = db.session.scalars(query.order_by(QuarterlyEntry.fiscal_year, QuarterlyEntry.initiative, QuarterlyEntry.quarter))
    return jsonify(quarterly_entries=[entry_json(e) for e in rows])


@bp.post("/wgs/<identifier>/quarterly")
@api_login_required
def save_entry(identifier: str):
    wg = load_wg(identifier, "report_quarterly")
    data = json_body()
    return apikit.create_or_errors(
        lambda: services.save_entry(
            current_user, wg, initiative=str(data.get("initiative", "")), fiscal_year=data.get("fiscal_year"),
            quarter=data.get("quarter"), target=str(data.get("target", "")), actual=str(data.get("actual", "")),
            status=str(data.get("status", "planned")), today=local_today()),
        "quarterly_entry", entry_json, f"/api/v1/wgs/{identifier}/quarterly")


OPENAPI_SCHEMAS = {
    "QuarterlyEntry": apikit.obj(id="integer", initiative="string", fiscal_year="integer",
                                 quarter={"type": "integer", "minimum": 1, "maximum": 4}, target="string", actual="string",
                                 status={"type": "string", "enum": ["planned", "on_track", "delayed", "done"]}),
}
OPENAPI_PATHS = {
    "/wgs/{identifier}/quarterly": {
        **apikit.read("A WG's quarterly targets and actuals", "quarterly_entries", "QuarterlyEntry",
                      params=(apikit.WG_PARAM, apikit.YEAR_PARAM)),
        **apikit.write("Create or update one quarter's target/actual (no actual before the quarter starts)",
                       "quarterly_entry", "QuarterlyEntry",
                       apikit.obj(initiative="string", fiscal_year="integer", quarter="integer", target="string",
                                  actual="string", status="string")),
    },
}
