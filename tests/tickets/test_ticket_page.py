"""The ticket page (issue 14, point 4): attributes changed in place, autocomplete lists, Markdown preview and
thumbnails of attached images and PDFs."""
import io
import re

from sqlalchemy import select

from tests.conftest import csrf_token
from tracker.core.attachments import Upload
from tracker.extensions import db
from tracker.tickets import services
from tracker.tickets.models import Journal, Ticket


def _attribute(client, ticket, field, value, lock_version=None, **headers):
    token = csrf_token(client, f"/issues/{ticket.id}")
    return client.post(f"/issues/{ticket.id}/attribute", headers=headers, data={
        "csrf_token": token, "field": field, "value": value,
        "lock_version": str(ticket.lock_version if lock_version is None else lock_version)})


def test_priority_changed_in_place_is_journaled(client, make, login, team):
    ticket = make.ticket(team.wg, team.member, priority=make.priority("通常"))
    login(team.member)
    page = client.get(f"/issues/{ticket.id}").get_data(as_text=True)
    assert page.count("data-inline-edit=") >= 4  # status, assignee, priority, due date, progress as their forms allow
    response = _attribute(client, ticket, "priority_id", str(make.priority("高").id))
    assert response.status_code == 302
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket.id)
    assert ticket.priority.name == "高"
    journal = db.session.scalar(select(Journal).where(Journal.ticket_id == ticket.id))
    assert journal is not None and journal.user_id == team.member.id
    shown = client.get(f"/issues/{ticket.id}").get_data(as_text=True)
    assert "優先度" in shown[shown.index('id="history"'):] and "高" in shown[shown.index('id="history"'):]


def test_the_script_gets_the_page_back_with_the_new_history(client, make, login, team):
    ticket = make.ticket(team.wg, team.member)
    login(team.member)
    response = _attribute(client, ticket, "due_date", "2026-12-24", **{"X-Inline-Edit": "1"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'value="2026-12-24"' in page and "2026年12月24日" in page
    assert 'id="history"' in page and 'id="ticket-attributes"' in page


def test_a_stale_form_says_so_and_keeps_the_choice(client, make, login, team):
    ticket = make.ticket(team.wg, team.member)
    old_version = ticket.lock_version
    services.update_ticket(ticket, team.leader, {"subject": "別の人が変えた件名"})
    db.session.commit()
    login(team.member)
    high = str(make.priority("高").id)
    response = _attribute(client, ticket, "priority_id", high, lock_version=old_version)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    form = page[page.index('data-inline-edit="priority_id"'):]
    form = form[:form.index("</form>")]
    assert "inline-edit stale" in page and 'role="alert"' in form
    assert f'<option value="{high}" selected>' in form  # the user's choice, not the stored one
    assert f'name="lock_version" value="{db.session.get(Ticket, ticket.id).lock_version}"' in form
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).priority.name != "高"


def test_an_observer_gets_no_forms_and_cannot_post(client, make, login, team):
    ticket = make.ticket(team.wg, team.member)
    login(team.observer)
    page = client.get(f"/issues/{ticket.id}").get_data(as_text=True)
    assert "data-inline-edit=" not in page
    response = _attribute(client, ticket, "priority_id", str(make.priority("高").id))
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).priority.name == "通常"


def test_ticket_autocomplete_lists_only_visible_tickets(client, make, login, team):
    shown = make.ticket(team.wg, team.member, subject="窓口の改善")
    hidden_wg = make.wg(is_public=False, members={team.leader: "メンバー"})
    make.ticket(hidden_wg, team.leader, subject="窓口の秘密")
    login(team.member)
    found = client.get("/issues/auto_complete?q=窓口").get_json()
    assert [t["label"] for t in found] == [f"#{shown.id} 窓口の改善"]
    assert client.get(f"/issues/auto_complete?q={shown.id}").get_json()[0]["id"] == shown.id


def test_user_autocomplete_reads_the_wg_members(client, make, login, team):
    login(team.member)
    people = client.get(f"/projects/{team.wg.identifier}/auto_complete/users?q={team.leader.login}").get_json()
    assert [p["login"] for p in people] == [team.leader.login]
    hidden_wg = make.wg(is_public=False, members={team.leader: "メンバー"})
    assert client.get(f"/projects/{hidden_wg.identifier}/auto_complete/users").status_code == 404


def test_markdown_preview_is_sanitised(client, make, login, team):
    ticket = make.ticket(team.wg, team.member)
    login(team.member)
    token = csrf_token(client, f"/issues/{ticket.id}")
    response = client.post("/preview/markdown", data={"csrf_token": token, "text": "**太字** <script>alert(1)</script>"})
    html = response.get_data(as_text=True)
    assert "<strong>太字</strong>" in html and "<script>" not in html
    assert client.post("/preview/markdown", data={"text": "x"}).status_code == 400  # no CSRF token


def test_preview_without_script_keeps_the_notes(client, make, login, team):
    ticket = make.ticket(team.wg, team.member)
    login(team.member)
    token = csrf_token(client, f"/issues/{ticket.id}")
    response = client.post(f"/issues/{ticket.id}/edit", data={
        "csrf_token": token, "notes_only": "1", "notes": "## 見出し\n本文", "preview": "1"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h2>見出し</h2>" in page and "## 見出し\n本文</textarea>" in page
    assert db.session.scalar(select(Journal).where(Journal.ticket_id == ticket.id)) is None


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (800, 400), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def _pdf() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (600, 800), (30, 30, 200)).save(buffer, "PDF")
    return buffer.getvalue()


def test_image_and_pdf_thumbnails_through_the_attachment_policy(client, make, login, team):
    from PIL import Image

    ticket = make.ticket(team.wg, team.member, is_private=True)
    services.update_ticket(ticket, team.member, {}, uploads=[
        Upload("写真.png", _png(), "image/png"), Upload("資料.pdf", _pdf(), "application/pdf"),
        Upload("メモ.txt", b"text", "text/plain")])
    db.session.commit()
    login(team.member)
    page = client.get(f"/issues/{ticket.id}").get_data(as_text=True)
    sources = re.findall(r'<img class="thumbnail" src="([^"]+)"', page)
    assert len(sources) == 2  # not for the text file
    for source in sources:
        response = client.get(source)
        assert response.status_code == 200 and response.mimetype == "image/png"
        image = Image.open(io.BytesIO(response.data))
        assert max(image.size) <= 240
    from tracker.tickets import thumbnails
    from tracker.tickets.models import Attachment

    cached = [thumbnails.cache_path(a) for a in db.session.scalars(select(Attachment).where(Attachment.ticket_id == ticket.id))
              if thumbnails.can_preview(a)]
    assert len(cached) == 2 and all(path.is_file() for path in cached)  # made once, kept on disk
    image = Image.open(io.BytesIO(client.get(sources[0]).data)).convert("RGB")
    assert image.getpixel((10, 10))[0] > 150  # the red picture
    pdf_page = Image.open(io.BytesIO(client.get(sources[1]).data)).convert("RGB")
    assert pdf_page.getpixel((10, 10))[2] > 150  # the blue PDF page
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(team.outsider)
    assert client.get(sources[0]).status_code == 404
