"""``/api/v1/wgs/<identifier>/charter`` and ``/gate-decisions``."""
from __future__ import annotations

from flask import abort, jsonify
from flask_login import current_user
from sqlalchemy import select

from tracker.core.org_permissions import has_org_permission
from tracker.charter.policy import VIEW_PORTFOLIO
from tracker.api.helpers import api_blueprint, api_login_required, json_body
from tracker.charter import apikit, health, rules, services
from tracker.charter.models import GateDecision
from tracker.extensions import db
from tracker.wg.views import load_wg
from tracker.core import policy
from tracker.core.requests import authorize

bp = api_blueprint("charter_api", __name__)
blueprints = [bp]


def gate_json(g: GateDecision) -> dict:
    return {"id": g.id, "from_phase": g.from_phase, "to_phase": g.to_phase, "decision": g.decision,
            "conditions": g.conditions, "comment": g.comment, "decided_at": g.decided_at.isoformat(),
            "decided_by": {"id": g.decided_by.id, "name": g.decided_by.name} if g.decided_by else None}


def charter_json(charter) -> dict:
    return {
        "wg": {"id": charter.wg.id, "identifier": charter.wg.identifier, "name": charter.wg.name},
        "phase": charter.phase,
        **{item: getattr(charter, item) for item in services.TEXT_ITEMS},
        "stop_reason": charter.stop_reason,
        "stakeholder_sections": [s.name for s in charter.stakeholder_sections],
        "people": [{"user": {"id": p.user.id, "name": p.user.name}, "kind": p.kind, "area": p.area} for p in charter.people],
        "success_criteria": [{"id": c.id, "description": c.description, "kpi_id": c.kpi_id, "target": c.target,
                              "evaluation": c.evaluation or None, "evidence": c.evidence} for c in charter.criteria],
        "milestones": [{"id": m.id, "title": m.title, "due_date": m.due_date.isoformat()} for m in charter.milestones],
        "budget_lines": [{"source": b.source, "amount": b.amount, "note": b.note} for b in charter.budget_lines],
        "retrospective": {"keep": charter.keep, "problem": charter.problem, "try": charter.try_next},
        "handover": {"section": charter.handover_section.name if charter.handover_section else None, "note": charter.handover_note},
        "empty_items": rules.empty_items(charter),
    }


@bp.get("/wgs/<identifier>/charter")
@api_login_required
def show_charter(identifier: str):
    charter = services.charter_for(load_wg(identifier), create=False)
    return jsonify(charter=charter_json(charter))


@bp.get("/portfolio")
@api_login_required
def portfolio():
    """Every WG the caller may see, by phase, with its health signals (the DX office's board)."""
    if not has_org_permission(current_user, VIEW_PORTFOLIO):
        abort(403)
    board = health.portfolio(current_user)
    return jsonify(portfolio={
        phase: [{"identifier": wg.identifier, "name": wg.name,
                 "signals": {signal.key: count for signal, count in signals}} for wg, signals in rows]
        for phase, rows in board.items()
    })


@bp.get("/wgs/<identifier>/gate-decisions")
@api_login_required
def list_gates(identifier: str):
    wg = load_wg(identifier)
    gates = db.session.scalars(select(GateDecision).where(GateDecision.wg_id == wg.id, policy.visible(GateDecision, current_user)).order_by(GateDecision.id))
    return jsonify(gate_decisions=[gate_json(g) for g in gates])


@bp.post("/wgs/<identifier>/gate-decisions")
@api_login_required
def decide(identifier: str):
    wg = load_wg(identifier)
    charter = services.charter_for(wg)
    authorize("decide", charter)
    data = json_body()
    return apikit.create_or_errors(
        lambda: services.decide_gate(charter, current_user, decision=str(data.get("decision", "")),
                                     conditions=str(data.get("conditions", "")), comment=str(data.get("comment", ""))),
        "gate_decision", gate_json, f"/api/v1/wgs/{identifier}/gate-decisions", extra=lambda: {"phase": charter.phase})


OPENAPI_SCHEMAS = {
    "Charter": apikit.obj(phase={"type": "string", "enum": ["launch", "planning", "execution", "closed", "stopped"]},
                          purpose="string", background="string", content="string", nature="string", schedule="string",
                          stakeholders="string", origin="string", people="array", success_criteria="array",
                          milestones="array", budget_lines="array", retrospective="object", handover="object",
                          empty_items={"type": "array", "items": {"type": "string"}}),
    "GateDecision": apikit.obj(id="integer", from_phase="string", to_phase="string",
                               decision={"type": "string", "enum": ["go", "hold", "stop"]}, conditions="string",
                               comment="string", decided_at={"type": "string", "format": "date-time"}, decided_by="object"),
}
OPENAPI_PATHS = {
    "/portfolio": {"get": {
        "summary": "DX office: every WG by phase with its health signals (kpis_behind, quarter_missing, risks_overdue, tickets_overdue)",
        "responses": {
            "200": {"description": "WGs by phase", "content": {"application/json": {"schema": apikit.obj(portfolio={
                "type": "object", "additionalProperties": {"type": "array", "items": apikit.obj(
                    identifier="string", name="string", signals={"type": "object", "additionalProperties": {"type": "integer"}})}})}}},
            "401": {"$ref": "#/components/responses/Unauthorized"},
            "403": {"$ref": "#/components/responses/Forbidden"},
        },
    }},
    "/wgs/{identifier}/charter": apikit.read("A WG's charter, phase and close-out", "charter", "Charter", many=False),
    "/wgs/{identifier}/gate-decisions": {
        **apikit.read("A WG's gate decisions", "gate_decisions", "GateDecision"),
        **apikit.write("Record a gate decision (go moves to the next phase when the gate's rules hold)", "gate_decision",
                       "GateDecision", apikit.obj(decision={"type": "string", "enum": ["go", "hold", "stop"]},
                                                  conditions="string", comment="string")),
    },
}
