"""The DX office's portfolio timeline: every WG it may see, its phases dated by the gate decisions, the
decisions as markers, the milestones; nobody else gets it."""
from datetime import date, datetime, timezone

from tracker.accounts.models import OrgRole
from tracker.charter.models import GateDecision
from tracker.tickets.models import Version


def test_the_dx_office_sees_each_wg_with_its_phases_gates_and_milestones(client, login, make, db):
    dx = make.user(org_roles=[OrgRole.DX_OFFICE])
    wg = make.wg(identifier="timeline-wg", name="電子申請WG", is_public=False)
    wg.created_at = datetime(2026, 4, 1, 0, tzinfo=timezone.utc)
    make.charter(wg, phase="execution")
    db.session.add_all([
        GateDecision(wg_id=wg.id, from_phase="launch", to_phase="planning", decision="go",
                     decided_at=datetime(2026, 5, 10, 3, tzinfo=timezone.utc)),
        GateDecision(wg_id=wg.id, from_phase="planning", to_phase="planning", decision="hold",
                     decided_at=datetime(2026, 6, 1, 3, tzinfo=timezone.utc)),
        GateDecision(wg_id=wg.id, from_phase="planning", to_phase="execution", decision="go",
                     decided_at=datetime(2026, 7, 15, 3, tzinfo=timezone.utc)),
        Version(wg_id=wg.id, name="本稼働", effective_date=date(2026, 10, 1)),
    ])
    db.session.flush()
    login(dx)
    data = client.get("/api/v1/portfolio/timeline?fiscal_year=2026").get_json()
    row = next(r for r in data["wgs"] if r["identifier"] == "timeline-wg")
    assert row["phases"] == [
        {"phase": "launch", "start": "2026-04-01", "end": "2026-05-10"},
        {"phase": "planning", "start": "2026-05-10", "end": "2026-07-15"},
        {"phase": "execution", "start": "2026-07-15", "end": None},
    ]
    assert [g["decision"] for g in row["gate_decisions"]] == ["go", "hold", "go"]
    assert row["milestones"] == [{"date": "2026-10-01", "name": "本稼働"}]
    page = client.get("/portfolio/timeline?fiscal_year=2026").get_data(as_text=True)
    assert 'href="/projects/timeline-wg"' in page and "電子申請WG" in page
    assert page.count('class="gate gate-') == 3 and "2026年度（令和8年度）" in page
    assert 'href="/portfolio/timeline"' in page  # in the top navigation


def test_only_the_dx_office_gets_the_timeline(client, login, make):
    login(make.user())
    assert client.get("/portfolio/timeline").status_code == 403
    assert client.get("/api/v1/portfolio/timeline").status_code == 403
    assert 'href="/portfolio/timeline"' not in client.get("/gantt").get_data(as_text=True)


def test_a_bad_fiscal_year_says_so(client, login, make):
    login(make.user(org_roles=[OrgRole.DX_OFFICE]))
    assert client.get("/api/v1/portfolio/timeline?fiscal_year=abc").status_code == 422
    page = client.get("/portfolio/timeline?years=9")
    assert page.status_code == 200 and "flash-error" in page.get_data(as_text=True)


def test_the_openapi_document_describes_the_new_endpoints(client, login, make):
    login(make.user())
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/gantt", "/wgs/{identifier}/gantt", "/gantt/issues/{ticket_id}/schedule", "/portfolio/timeline",
                 "/versions/{version_id}/roadmap", "/wgs/{identifier}/roadmap", "/roadmap"):
        assert path in paths, path
