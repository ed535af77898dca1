"""Attachment names lose control characters and bidi overrides ("invoice\u202Efdp.exe" shows as
"invoiceexe.pdf"), on tickets and on ideas."""
import pytest

from tracker.core.filenames import clean_filename
from tracker.tickets.attachments import safe_filename


@pytest.mark.parametrize("raw, expected", [
    ("invoice\u202egpj.exe", "invoicegpj.exe"),
    ("a\u2066b\u2067c\u2068d\u2069e\u202a\u202b\u202c\u202d.pdf", "abcde.pdf"),
    ("line\r\nbreak\t.txt", "linebreak.txt"),
    ("nul\x00\x1f\x7f.txt", "nul.txt"),
    ("C:\\Users\\me\\報告書.xlsx", "報告書.xlsx"),
    ("../../etc/passwd", "passwd"),
    ("\u202e", "file"),
    ("議事録 2026.docx", "議事録 2026.docx"),
])
def test_names_lose_control_and_bidi_characters(raw, expected):
    assert clean_filename(raw) == expected
    assert safe_filename(raw) == expected


def test_an_uploaded_ticket_file_is_stored_under_the_clean_name(client, make, login):
    import io

    from sqlalchemy import select

    from tests.conftest import csrf_token
    from tracker.tickets.models import Ticket

    member = make.user()
    wg = make.wg(members={member: "メンバー"})
    login(member)
    path = f"/projects/{wg.identifier}/issues/new"
    response = client.post(path, data={
        "csrf_token": csrf_token(client, path), "tracker_id": str(make.tracker().id), "subject": "名前の確認",
        "priority_id": str(make.priority().id), "done_ratio": "0",
        "attachments": (io.BytesIO(b"data"), "report\u202eslx.exe")}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    ticket = client.application.extensions["sqlalchemy"].session.scalar(select(Ticket).where(Ticket.subject == "名前の確認"))
    assert [a.filename for a in ticket.attachments] == ["reportslx.exe"]
