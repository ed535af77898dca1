"""The CSV export: the same filter as the page, a BOM for Excel, formula-safe cells, and itself audited."""
from __future__ import annotations

import csv
import io

from sqlalchemy import select

from tests.conftest import csrf_token
from tracker.audit.queries import Labels
from tracker.core.audit import AuditEntry


def _export(client, **filters):
    data = {"csrf_token": csrf_token(client, "/admin/audit"), **filters}
    return client.post("/admin/audit/export.csv", data=data)


def test_csv_has_the_filtered_entries_with_a_bom(client, login, auditor, make, entry):
    tanaka = make.user(login="tanaka", name="田中 太郎")
    one = entry(actor=tanaka, address="192.0.2.1", object_type="kpi", object_id=4, notes="=HYPERLINK(1)")
    two = entry("test.audit_close", actor=tanaka, details={"why": "テスト"})
    entry(actor=make.user())
    login(auditor)
    response = _export(client, user="tanaka")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert 'filename="audit-log.csv"' in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 3  # header + tanaka's two
    assert [int(r[0]) for r in rows[1:]] == [two.id, one.id]
    by_id = {int(r[0]): r for r in rows[1:]}
    assert by_id[one.id][2:5] == ["tanaka", "田中 太郎", "192.0.2.1"]
    assert by_id[one.id][6:9] == ["test.audit_open", Labels().object_type("kpi"), "4"]
    assert by_id[one.id][11] == "'=HYPERLINK(1)"  # never a formula in Excel
    assert '"why": "テスト"' in by_id[two.id][12]


def test_the_export_is_recorded_with_its_filter_and_row_count(client, login, auditor, entry, db):
    for _ in range(3):
        entry("test.audit_close")
    entry("test.audit_open")
    login(auditor)
    body = _export(client, action="test.audit_close", **{"from": "2020-01-01"}).get_data()
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    recorded = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "audit.export")).all()
    assert len(recorded) == 1
    assert recorded[0].actor_id == auditor.id
    assert recorded[0].details == {"filter": {"action": "test.audit_close", "from": "2020-01-01"}, "rows": 3}
    assert len(rows) - 1 == 3  # the file holds what the entry says, not the export's own entry


def test_a_bad_filter_exports_nothing_and_records_nothing(client, login, auditor, db):
    login(auditor)
    response = _export(client, to="31/12/2026")
    assert response.status_code == 422
    assert "flash-error" in response.get_data(as_text=True)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "audit.export")) is None


def test_export_without_csrf_token_is_refused(client, login, auditor, db):
    login(auditor)
    assert client.post("/admin/audit/export.csv", data={}).status_code == 400
    assert client.get("/admin/audit/export.csv").status_code == 405


def test_the_page_offers_the_export_of_its_filter(client, login, auditor):
    login(auditor)
    text = client.get("/admin/audit?action=test.audit_open&user=x").get_data(as_text=True)
    form = text[text.index('action="/admin/audit/export.csv"'):]
    form = form[: form.index("</form>")]
    assert 'name="action" value="test.audit_open"' in form and 'name="user" value="x"' in form
