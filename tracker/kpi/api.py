"""``/api/v1/kpis``: the KPI register with measurements and status."""
from __future__ import annotations

from datetime import date

from flask import jsonify
from flask_login import current_user

from tracker.core.requests import authorize, load
from tracker.api.helpers import api_blueprint, api_login_required, json_body
from tracker.charter import apikit
from tracker.core.i18n import local_today
from tracker.kpi import queries, services
from tracker.kpi.models import Kpi
from tracker.kpi.status import status

bp = api_blueprint("kpi_api", __name__)
blueprints = [bp]


def measurement_json(m) -> dict:
    return {"id": m.id, "value": float(m.value), "as_of": m.as_of.isoformat(), "source": m.source, "note": m.note}


def kpi_json(kpi: Kpi, today: date) -> dict:
    return {
        "id": kpi.id, "number": kpi.number, "plan_priority": kpi.plan_priority, "name": kpi.name, "unit": kpi.unit,
        "target_value": float(kpi.target_value), "target_label": kpi.target_label,
        "target_fiscal_year": kpi.target_fiscal_year, "baseline_value": float(kpi.baseline_value),
        "baseline_date": kpi.baseline_date.isoformat(), "status": status(kpi, today),
        "measurements": [measurement_json(m) for m in kpi.measurements],
        "wgs": [link.wg.identifier for link in kpi.wg_links if link.wg.visible_to(current_user)],
    }


@bp.get("/kpis")
@api_login_required
def list_kpis():
    today = local_today()
    return jsonify(kpis=[kpi_json(k, today) for k in queries.all_kpis()])


@bp.get("/kpis/<int:id>")
@api_login_required
def show_kpi(id: int):
    kpi = load(Kpi, id)
    return jsonify(kpi=kpi_json(kpi, local_today()))


@bp.post("/kpis/<int:id>/measurements")
@api_login_required
def add_measurement(id: int):
    kpi = load(Kpi, id)
    authorize("measure", kpi)
    data = json_body()
    try:
        as_of = date.fromisoformat(str(data.get("as_of", "")))
    except ValueError:
        as_of = None
    return apikit.create_or_errors(
        lambda: services.add_measurement(kpi, current_user, value=data.get("value"), as_of=as_of,
                                         source=str(data.get("source", "")), note=str(data.get("note", "")),
                                         today=local_today()),
        "measurement", measurement_json, f"/api/v1/kpis/{kpi.id}")


OPENAPI_SCHEMAS = {
    "Measurement": apikit.obj(id="integer", value="number", as_of={"type": "string", "format": "date"}, source="string", note="string"),
    "KPI": apikit.obj(id="integer", number="integer", plan_priority="string", name="string", unit="string",
                      target_value="number", target_label="string", target_fiscal_year="integer", baseline_value="number",
                      baseline_date={"type": "string", "format": "date"},
                      status={"type": "string", "enum": ["on_track", "behind", "achieved", "unknown"]},
                      measurements={"type": "array", "items": {"$ref": "#/components/schemas/Measurement"}},
                      wgs={"type": "array", "items": {"type": "string"}}),
}
OPENAPI_PATHS = {
    "/kpis": apikit.read("The organisation's KPI register with measurements and status", "kpis", "KPI", params=()),
    "/kpis/{id}": apikit.read("One KPI", "kpi", "KPI", params=(apikit.ID_PARAM,), many=False),
    "/kpis/{id}/measurements": apikit.write(
        "Record a measurement (not in the future, value required)", "measurement", "Measurement",
        apikit.obj(value="number", as_of={"type": "string", "format": "date"}, source="string", note="string"),
        params=(apikit.ID_PARAM,)),
}
