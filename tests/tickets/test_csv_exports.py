"""The ticket CSV as Redmine gives it (issue 17 point 4) and streamed (issue 18 point 3): UTF-8 with a BOM by
default, Shift_JIS (CP932) by ``encoding=`` or by the user's setting, Redmine's column names, the row limit."""
from __future__ import annotations

import csv
import io
from xml.etree import ElementTree

from tests.conftest import csrf_token

OUTSIDE_CP932 = "𠮷野家の👍"  # 𠮷 (U+20BB7) and the emoji have no CP932 code


def _rows(data: bytes, codec: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(codec))))


def test_shift_jis_csv_opens_with_the_cp932_codec_and_has_redmines_japanese_column_names(client, make, login, team):
    make.ticket(team.wg, team.member, subject="窓口の待ち時間～改善①")
    make.ticket(team.wg, team.member, subject=OUTSIDE_CP932)
    login(team.member)
    response = client.get(f"/projects/{team.wg.identifier}/issues.csv?encoding=Shift_JIS")
    assert response.status_code == 200 and "Content-Length" not in response.headers  # streamed
    assert response.headers["Content-Type"] == "text/csv; charset=Shift_JIS"
    assert not response.data.startswith(b"\xef\xbb\xbf")  # no UTF-8 BOM in a Shift_JIS file
    rows = _rows(response.data, "cp932")
    assert rows[0] == ["#", "トラッカー", "ステータス", "優先度", "題名", "担当者", "期日", "更新日"]  # the default columns
    subjects = {row[4] for row in rows[1:]}
    # ～ and ① are CP932 characters (Windows' own); what CP932 lacks is replaced visibly, one 〓 per character
    assert subjects == {"窓口の待ち時間～改善①", "〓野家の〓"}


def test_utf8_with_bom_is_the_default_and_keeps_every_character(client, make, login, team):
    make.ticket(team.wg, team.member, subject=OUTSIDE_CP932)
    login(team.member)
    response = client.get(f"/projects/{team.wg.identifier}/issues.csv?c[]=subject&c[]=author&c[]=due_date")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = _rows(response.data, "utf-8-sig")
    assert rows[0] == ["#", "題名", "作成者", "期日"]
    assert rows[1][1] == OUTSIDE_CP932


def test_the_encoding_set_in_my_account_is_used_when_the_link_names_none(client, make, login, team):
    make.ticket(team.wg, team.member, subject="庁内の周知")
    login(team.member)
    page = client.get("/my/account").get_data(as_text=True)
    assert 'name="csv_encoding"' in page
    response = client.post("/my/account", data={
        "csrf_token": csrf_token(client, "/my/account"), "name": team.member.name, "name_kana": "",
        "email": team.member.email, "language": "", "csv_encoding": "shift_jis"})
    assert response.status_code == 302
    data = client.get(f"/projects/{team.wg.identifier}/issues.csv").data
    assert _rows(data, "cp932")[1][4] == "庁内の周知"
    # the parameter still wins over the setting
    assert client.get(f"/projects/{team.wg.identifier}/issues.csv?encoding=UTF-8").data.startswith(b"\xef\xbb\xbf")


def test_an_unknown_encoding_is_refused_with_a_message_and_records_no_export(client, make, login, team, db):
    from sqlalchemy import func, select

    from tracker.core.audit import AuditEntry

    login(team.member)
    before = db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "export.tickets"))
    response = client.get(f"/projects/{team.wg.identifier}/issues.csv?encoding=EBCDIC")
    assert response.status_code == 422 and "EBCDIC" in response.get_data(as_text=True)
    after = db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "export.tickets"))
    assert after == before


def test_the_row_limit_is_a_setting_and_the_audit_entry_counts_the_rows_written(app, client, make, login, team, db):
    from sqlalchemy import select

    from tracker.core.audit import AuditEntry

    for n in range(5):
        make.ticket(team.wg, team.member, subject=f"チケット{n}")
    login(team.member)
    app.config["EXPORT_ROW_LIMIT"] = 3
    try:
        rows = _rows(client.get(f"/projects/{team.wg.identifier}/issues.csv").data, "utf-8-sig")
        sheet_data = client.get(f"/projects/{team.wg.identifier}/issues.xlsx").data
    finally:
        app.config["EXPORT_ROW_LIMIT"] = 100_000
    assert [row[4] for row in rows[1:]] == ["チケット4", "チケット3", "チケット2"]  # newest first, as the list
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(sheet_data)).active
    assert sheet.max_row == 4 and sheet["E1"].value == "題名"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export.tickets")
                               .order_by(AuditEntry.id.desc())).first()
    assert entry.details["rows"] == 3


def test_the_atom_feed_is_streamed_and_is_atom(client, make, login, team):
    make.ticket(team.wg, team.member, subject="<b>窓口</b> & 周知")
    login(team.member)
    response = client.get(f"/projects/{team.wg.identifier}/issues.atom")
    assert response.status_code == 200 and "Content-Length" not in response.headers  # streamed
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ElementTree.fromstring(response.data)
    assert feed.tag == f"{atom}feed" and feed.find(f"{atom}updated") is not None
    [entry] = feed.findall(f"{atom}entry")
    assert entry.find(f"{atom}title").text.endswith(": <b>窓口</b> & 周知")  # text, escaped in the XML
    assert entry.find(f"{atom}link").get("href").endswith("/issues/" + entry.find(f"{atom}id").text.rsplit("/", 1)[1])
