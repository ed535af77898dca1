from datetime import date

from tracker.accounts.services import issue_api_key
from tracker.charter.services import charter_for
from tracker.extensions import db
from tracker.kpi.models import KpiMeasurement
from tracker.quarterly.models import QuarterlyEntry
from tracker.risks.models import Risk


def _key(user):
    return {"X-Redmine-API-Key": issue_api_key(user)}


def test_charter_and_gate_decisions(client, make):
    responsible = make.user()
    wg = make.wg(members={responsible: "WG責任者"})
    make.charter(wg, complete=True, responsible=responsible)
    headers = _key(responsible)
    charter = client.get(f"/api/v1/wgs/{wg.identifier}/charter", headers=headers).json["charter"]
    assert charter["phase"] == "launch" and charter["empty_items"] == []
    assert charter["budget_lines"][0]["amount"] == 1000000
    response = client.post(f"/api/v1/wgs/{wg.identifier}/gate-decisions", json={"decision": "go", "conditions": "月1回"},
                           headers=headers)
    assert response.status_code == 201 and response.json["phase"] == "planning"
    response = client.post(f"/api/v1/wgs/{wg.identifier}/gate-decisions", json={"decision": "stop"}, headers=headers)
    assert response.status_code == 422 and response.json["errors"]
    gates = client.get(f"/api/v1/wgs/{wg.identifier}/gate-decisions", headers=headers).json["gate_decisions"]
    assert [(g["from_phase"], g["to_phase"], g["decision"]) for g in gates] == [("launch", "planning", "go")]


def test_gate_decisions_by_other_staff_are_forbidden(client, make):
    wg = make.wg()
    make.charter(wg, complete=True)
    response = client.post(f"/api/v1/wgs/{wg.identifier}/gate-decisions", json={"decision": "go"}, headers=_key(make.user()))
    assert response.status_code == 403 and charter_for(wg).phase == "launch"


def test_private_wg_charter_is_404_for_outsiders(client, make):
    wg = make.wg(is_public=False)
    assert client.get(f"/api/v1/wgs/{wg.identifier}/charter", headers=_key(make.user())).status_code == 404


def test_kpis_with_measurements_and_bad_measurements(client, make):
    kpi = make.kpi(name="保有率", target_value=90, baseline_value=30, baseline_date=date(2025, 4, 1))
    office = _key(make.user(org_roles=["dx_office"]))
    response = client.post(f"/api/v1/kpis/{kpi.id}/measurements", json={"value": 55.5, "as_of": "2026-01-01"}, headers=office)
    assert response.status_code == 201
    assert client.post(f"/api/v1/kpis/{kpi.id}/measurements", json={"as_of": "2026-01-01"}, headers=office).status_code == 422
    assert client.post(f"/api/v1/kpis/{kpi.id}/measurements", json={"value": 1, "as_of": "2999-01-01"},
                       headers=office).status_code == 422
    assert db.session.query(KpiMeasurement).count() == 1
    (listed,) = [k for k in client.get("/api/v1/kpis", headers=office).json["kpis"] if k["id"] == kpi.id]
    assert listed["measurements"][0]["value"] == 55.5 and listed["status"] in ("on_track", "behind")


def test_quarterly_risks_and_meetings(client, make):
    leader = make.user()
    wg = make.wg(members={leader: "WG責任者"})
    headers = _key(leader)
    base = f"/api/v1/wgs/{wg.identifier}"
    response = client.post(f"{base}/quarterly", json={"initiative": "森林GISデータ整備", "fiscal_year": 2026, "quarter": 1,
                                                       "target": "既存情報の整備", "actual": "既存情報の整備"}, headers=headers)
    assert response.status_code == 201
    response = client.post(f"{base}/quarterly", json={"fiscal_year": 2099, "quarter": 1, "actual": "済"}, headers=headers)
    assert response.status_code == 422 and db.session.query(QuarterlyEntry).count() == 1
    assert client.get(f"{base}/quarterly?year=2026", headers=headers).json["quarterly_entries"][0]["target"] == "既存情報の整備"
    risk = {"title": "サイバー攻撃", "category": "security", "probability": 2, "impact": 5, "response": "mitigate",
            "next_review": "2026-12-01"}
    assert client.post(f"{base}/risks", json=risk, headers=headers).status_code == 201
    assert client.post(f"{base}/risks", json={**risk, "probability": 0}, headers=headers).status_code == 422
    assert db.session.query(Risk).count() == 1
    assert client.get(f"{base}/risks", headers=headers).json["risks"][0]["score"] == 10
    assert client.get(f"{base}/meetings", headers=headers).json["meetings"] == []


def test_openapi_document_describes_the_lifecycle_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("/wgs/{identifier}/charter", "/wgs/{identifier}/gate-decisions", "/kpis", "/kpis/{id}/measurements",
                 "/wgs/{identifier}/quarterly", "/wgs/{identifier}/risks", "/wgs/{identifier}/meetings"):
        assert path in paths, path
    assert "post" in paths["/wgs/{identifier}/gate-decisions"]


def test_portfolio_api_is_for_the_dx_office(client, make):
    wg = make.wg(name="窓口WG")
    make.charter(wg, phase="execution")
    office = _key(make.user(org_roles=["dx_office"]))
    board = client.get("/api/v1/portfolio", headers=office).json["portfolio"]
    (row,) = [r for r in board["execution"] if r["identifier"] == wg.identifier]
    assert row["signals"].get("quarter_missing") == 1
    assert client.get("/api/v1/portfolio", headers=_key(make.user())).status_code == 403
