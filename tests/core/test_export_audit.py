"""An export is an entry of the audit log: which list, with which filter, how many rows, by whom. It is the
one write of the export's GET and it is committed (tests/access/test_export_audit.py checks every export)."""
from __future__ import annotations

import csv
import io

import sqlalchemy as sa
from openpyxl import load_workbook
from sqlalchemy import func, select

from tracker.core.audit import AuditEntry


def _last_id(db) -> int:
    return db.session.scalar(select(func.max(AuditEntry.id))) or 0


def _entries_since(db, last_id: int) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id)))


def test_ticket_csv_export_records_list_filter_and_the_real_row_count(client, make, login, db):
    member = make.user(login="exporter")
    wg = make.wg(members={member: "メンバー"})
    for n in range(3):
        make.ticket(wg, member, subject=f"申請 {n}")
    make.ticket(wg, member, subject="別件")
    login(member)
    last_id = _last_id(db)
    query = f"set_filter=1&f[]=subject&op[subject]=~&v[subject][]=申請&c[]=subject&c[]=status"
    response = client.get(f"/projects/{wg.identifier}/issues.csv?{query}", environ_base={"REMOTE_ADDR": "198.51.100.4"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) - 1 == 3  # the header, then the tickets
    [entry] = _entries_since(db, last_id)
    assert (entry.action, entry.actor_id, entry.actor_login, entry.wg_id, entry.address) == (
        "export.tickets", member.id, "exporter", wg.id, "198.51.100.4")
    assert entry.details["list"] == "tickets" and entry.details["rows"] == 3 and entry.details["format"] == "csv"
    assert entry.details["filter"] == {"set_filter": "1", "f[]": "subject", "op[subject]": "~", "v[subject][]": "申請",
                                       "c[]": ["subject", "status"]}


def test_the_export_entry_is_the_only_write_and_is_committed(client, make, login, db):
    member = make.user()
    wg = make.wg(members={member: "メンバー"})
    make.ticket(wg, member)
    login(member)
    last_id = _last_id(db)
    writes: list[str] = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            writes.append(" ".join(statement.split()[:3]).upper())

    sa.event.listen(db.engine, "before_cursor_execute", listen)
    try:
        assert client.get(f"/projects/{wg.identifier}/issues.xlsx").status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listen)
    assert writes == ["INSERT INTO AUDIT_ENTRIES"]
    db.session.rollback()  # drops whatever the request left uncommitted: the entry stays
    [entry] = _entries_since(db, last_id)
    assert (entry.action, entry.details["rows"], entry.details["format"]) == ("export.tickets", 1, "xlsx")


def test_secret_parameters_are_not_kept_in_the_filter(client, make, login, db):
    member = make.user()
    make.wg(members={member: "メンバー"})
    login(member)
    last_id = _last_id(db)
    client.get("/issues.csv?status_id=*&key=0123456789abcdef")
    [entry] = _entries_since(db, last_id)
    assert entry.details["filter"] == {"status_id": "*", "key": "[REDACTED]"}


def test_an_export_refused_for_a_bad_filter_records_nothing(client, make, login, db):
    member = make.user()
    make.wg(members={member: "メンバー"})
    login(member)
    last_id = _last_id(db)
    response = client.get("/issues.csv?set_filter=1&f[]=due_date&op[due_date]=%3D&v[due_date][]=not-a-date")
    assert response.status_code == 422
    assert _entries_since(db, last_id) == []


def test_idea_export_counts_the_ideas_in_the_workbook(client, make, login, db):
    for n in range(2):
        make.idea(title=f"窓口の改善 {n}")
    viewer = login(make.user())
    last_id = _last_id(db)
    response = client.get("/ideas/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    [entry] = _entries_since(db, last_id)
    assert (entry.action, entry.actor_id) == ("export.ideas", viewer.id)
    assert entry.details["rows"] == sheet.max_row - 1 == 2


def test_wg_calendar_export_counts_its_events(client, make, login, db):
    member = make.user()
    wg = make.wg(members={member: "メンバー"})
    login(member)
    last_id = _last_id(db)
    body = client.get(f"/projects/{wg.identifier}/calendar.ics").get_data(as_text=True)
    [entry] = _entries_since(db, last_id)
    assert (entry.action, entry.wg_id) == ("export.wg_calendar", wg.id)
    assert entry.details["rows"] == body.count("BEGIN:VEVENT")
