import io
import re

from tests.conftest import csrf_token


def test_wg_tab_and_list_show_visible_tickets(client, make, login, team):
    make.ticket(team.wg, team.member, subject="出張申請の拡充")
    login(team.member)
    page = client.get(f"/projects/{team.wg.identifier}").get_data(as_text=True)
    assert f'/projects/{team.wg.identifier}/issues">チケット</a>' in page
    listing = client.get(f"/projects/{team.wg.identifier}/issues")
    assert listing.status_code == 200
    assert "出張申請の拡充" in listing.get_data(as_text=True)


def test_private_wg_tickets_are_invisible_to_outsiders(client, make, login, team):
    secret = make.wg(is_public=False, members={team.member: "メンバー"})
    ticket = make.ticket(secret, team.member, subject="秘密の件")
    login(team.outsider)
    assert client.get(f"/issues/{ticket.id}").status_code == 404
    assert "秘密の件" not in client.get("/issues?status_id=*").get_data(as_text=True)
    assert client.get(f"/projects/{secret.identifier}/issues").status_code == 404


def test_private_ticket_visible_to_members_not_to_public_viewers(client, make, login, team):
    ticket = make.ticket(team.wg, team.member, subject="非公開チケット", is_private=True)
    login(team.outsider)
    assert client.get(f"/issues/{ticket.id}").status_code == 404
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(team.leader)
    assert client.get(f"/issues/{ticket.id}").status_code == 200


def test_create_through_the_form_keeps_input_on_error(client, make, login, team):
    login(team.member)
    path = f"/projects/{team.wg.identifier}/issues/new"
    token = csrf_token(client, path)
    data = {"csrf_token": token, "tracker_id": str(make.tracker().id), "subject": "交付通知までの期間短縮",
            "description": "3-4週間かかっている", "priority_id": str(make.priority().id), "start_date": "2026-06-01",
            "due_date": "2026-05-01", "done_ratio": "0"}
    response = client.post(path, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "期日" in page
    assert "交付通知までの期間短縮" in page and "3-4週間かかっている" in page
    data["due_date"] = "2026-07-01"
    data["attachments"] = (io.BytesIO(b"<script>alert(1)</script>"), "memo.html")
    response = client.post(path, data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    show = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "交付通知までの期間短縮" in show and "memo.html" in show
    link = re.search(r'href="(/attachments/download/\d+/memo.html)"', show).group(1)
    download = client.get(link)
    assert download.headers["Content-Type"] == "application/octet-stream"
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_conflict_screen_keeps_input_and_shows_other_change(client, db, make, login, team):
    from tracker.tickets import services

    ticket = make.ticket(team.wg, team.member, subject="窓口の改善")
    login(team.member)
    form_page = client.get(f"/issues/{ticket.id}/edit").get_data(as_text=True)
    lock = re.search(r'name="lock_version" type="hidden" value="(\d+)"', form_page).group(1)
    last = re.search(r'name="last_journal_id" type="hidden" value="(\d+)"', form_page).group(1)
    services.update_ticket(ticket, team.leader, {"subject": "窓口の改善（夜間・休日）"}, notes="先に直しました")
    db.session.commit()
    response = client.post(f"/issues/{ticket.id}/edit", data={
        "csrf_token": csrf_token(client, f"/issues/{ticket.id}/edit"), "lock_version": lock, "last_journal_id": last,
        "tracker_id": str(ticket.tracker_id), "subject": "私の件名", "status_id": str(ticket.status_id),
        "priority_id": str(ticket.priority_id), "notes": "私のメモ", "done_ratio": "0",
    })
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "先に直しました" in page and "私の件名" in page and "私のメモ" in page
    assert ticket.subject == "窓口の改善（夜間・休日）"
    new_lock = re.search(r'name="lock_version" type="hidden" value="(\d+)"', page).group(1)
    response = client.post(f"/issues/{ticket.id}/edit", data={
        "csrf_token": csrf_token(client, f"/issues/{ticket.id}/edit"), "lock_version": new_lock,
        "tracker_id": str(ticket.tracker_id), "subject": "私の件名", "status_id": str(ticket.status_id),
        "priority_id": str(ticket.priority_id), "notes": "私のメモ", "done_ratio": "0", "conflict_resolution": "add_notes",
    })
    assert response.status_code == 302
    assert ticket.subject == "窓口の改善（夜間・休日）"
    assert ticket.journals[-1].notes == "私のメモ"


def test_show_page_renders_markdown_safely_with_links(client, make, login, team):
    other = make.ticket(team.wg, team.member)
    ticket = make.ticket(team.wg, team.member, description=f"詳細は #{other.id} を参照 @{team.leader.login} "
                                                          "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>")
    login(team.member)
    page = client.get(f"/issues/{ticket.id}").get_data(as_text=True)
    assert re.search(rf'<a class="issue" href="/issues/{other.id}"[^>]*>#{other.id}</a>', page)
    assert f'<span class="mention">@{team.leader.login}</span>' in page
    assert "<script>alert" not in page and "javascript:" not in page and "onerror" not in page


def test_observer_may_add_notes_but_not_edit_fields(client, make, login, team):
    ticket = make.ticket(team.wg, team.member)
    login(team.observer)
    page = client.get(f"/issues/{ticket.id}/edit").get_data(as_text=True)
    assert 'name="subject"' not in page and 'name="notes"' in page
    response = client.post(f"/issues/{ticket.id}/edit", data={
        "csrf_token": csrf_token(client, f"/issues/{ticket.id}"), "notes_only": "1", "notes": "見ました"})
    assert response.status_code == 302 and ticket.journals[-1].notes == "見ました"


def test_exports_share_the_query(client, make, login, team):
    make.ticket(team.wg, team.member, subject="周知・PR強化")
    make.ticket(team.wg, team.member, subject="利活用策の検討", status=make.status("終了"))
    login(team.member)
    csv = client.get(f"/projects/{team.wg.identifier}/issues.csv")
    assert csv.data.startswith("\ufeff".encode("utf-8"))
    text = csv.data.decode("utf-8-sig")
    assert "周知・PR強化" in text and "利活用策の検討" not in text
    xlsx = client.get(f"/issues.xlsx?status_id=c&project_id={team.wg.identifier}")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    subjects = [row[0].value for row in sheet.iter_rows(min_col=6, max_col=6)] + [c.value for row in sheet.iter_rows() for c in row]
    assert "利活用策の検討" in subjects and "周知・PR強化" not in subjects
    client.post("/my/feed_key", data={"csrf_token": csrf_token(client, "/my/page")})  # a GET never makes one
    page = client.get("/issues").get_data(as_text=True)
    key = re.search(r'issues\.atom\?[^"]*key=([0-9a-f]+)', page).group(1)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/issues")})
    feed = client.get(f"/issues.atom?key={key}&status_id=*")
    assert feed.status_code == 200 and "周知・PR強化" in feed.get_data(as_text=True)
    assert client.get("/issues.atom?key=wrong").status_code == 401


def test_unknown_filter_values_get_a_message(client, make, login, team):
    login(team.member)
    response = client.get("/issues?status_id=999999&assigned_to_id=abc&sort=nonsense")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert page.count('class="flash flash-error"') >= 3


def test_filters_sort_group_and_totals(client, make, login, team):
    make.ticket(team.wg, team.member, subject="A", assigned_to=team.member, estimated_hours=3, priority=make.priority("高"))
    make.ticket(team.wg, team.member, subject="B", estimated_hours=2)
    login(team.member)
    page = client.get(f"/projects/{team.wg.identifier}/issues?assigned_to_id=me&group_by=priority&sort=priority:desc").get_data(as_text=True)
    assert ">A</a>" in page and ">B</a>" not in page
    assert 'class="total-estimated">3' in page
    none = client.get(f"/projects/{team.wg.identifier}/issues?assigned_to_id=none").get_data(as_text=True)
    assert ">B</a>" in none and ">A</a>" not in none


def test_search_finds_two_character_japanese_word(client, make, login, team):
    ticket = make.ticket(team.wg, team.member, subject="出張申請の拡充")
    secret = make.wg(is_public=False, members={team.leader: "メンバー"})
    make.ticket(secret, team.leader, subject="出張の秘密")
    login(team.outsider)
    page = client.get("/search?q=出張").get_data(as_text=True)
    assert f"/issues/{ticket.id}" in page and "<mark>出張</mark>" in page
    assert "秘密" not in page


def test_activity_my_page_and_time(client, db, make, login, team):
    from tracker.tickets import services

    ticket = make.ticket(team.wg, team.member, subject="980か所の訪問", assigned_to=team.member)
    services.update_ticket(ticket, team.leader, {"done_ratio": "20"}, notes="高校・大学等 51か所から")
    db.session.commit()
    login(team.member)
    activity = client.get(f"/projects/{team.wg.identifier}/activity").get_data(as_text=True)
    assert "980か所の訪問" in activity and "高校・大学等" in activity
    my = client.get("/my/page").get_data(as_text=True)
    assert "980か所の訪問" in my
    response = client.post(f"/issues/{ticket.id}/time_entries", data={
        "csrf_token": csrf_token(client, f"/issues/{ticket.id}"), "spent_on": "2026-11-20", "hours": "1.5",
        "activity_id": "", "comments": "訪問"})
    assert response.status_code == 302
    times = client.get("/time_entries").get_data(as_text=True)
    assert 'class="total-hours">1.50' in times and team.wg.name in times


def test_admin_pages_and_workflow_matrix(client, make, login):
    admin = make.admin()
    login(admin)
    for path in ("/trackers", "/issue_statuses", "/workflows/edit", "/enumerations", "/custom_fields", "/custom_fields/new"):
        assert client.get(path).status_code == 200, path
    page = client.get("/workflows/edit").get_data(as_text=True)
    assert "新規 → 進行中" in page
    response = client.post("/custom_fields/new", data={
        "csrf_token": csrf_token(client, "/custom_fields/new"), "name": "制約", "field_format": "list",
        "possible_values": "人員・人材・時間\n予算\n制度・データ", "multiple": "1", "is_for_all": "1", "is_filter": "1",
        "tracker_ids": [str(make.tracker().id)]})
    assert response.status_code == 302


def test_bulk_edit_page(client, make, login, team):
    a = make.ticket(team.wg, team.member)
    b = make.ticket(team.wg, team.member)
    login(team.member)
    assert client.get(f"/issues/bulk_edit?ids={a.id}&ids={b.id}").status_code == 200
    response = client.post("/issues/bulk_edit", data={"csrf_token": csrf_token(client, "/issues"), "apply": "1",
                                                      "ids": [a.id, b.id], "priority_id": str(make.priority("高").id)})
    assert response.status_code == 302
    assert a.priority.name == "高" and b.priority.name == "高"


def test_oversized_file_is_refused_with_the_input_kept(app, client, make, login, team):
    from tracker.tickets.models import Ticket

    login(team.member)
    path = f"/projects/{team.wg.identifier}/issues/new"
    limit = app.config["MAX_ATTACHMENT_BYTES"]
    before = Ticket.query.count() if hasattr(Ticket, "query") else None
    response = client.post(path, content_type="multipart/form-data", data={
        "csrf_token": csrf_token(client, path), "tracker_id": str(make.tracker().id), "subject": "周知・PR強化",
        "priority_id": str(make.priority().id), "done_ratio": "0",
        "attachments": (io.BytesIO(b"x" * (limit + 10)), "チラシ.pdf")})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "チラシ.pdf" in page and "大きすぎます" in page and 'value="周知・PR強化"' in page
    if before is not None:
        assert Ticket.query.count() == before


def test_private_notes_hidden_from_observers_without_the_permission(client, db, make, login, team):
    from tracker.tickets import services
    from tracker.wg.models import Role

    observer_role = db.session.query(Role).filter_by(name="オブザーバー").one()
    assert "view_private_notes" not in observer_role.permissions
    ticket = make.ticket(team.wg, team.member)
    services.update_ticket(ticket, team.leader, {}, notes="人事に関わる内部メモ", private_notes=True)
    db.session.commit()
    login(team.observer)
    assert "人事に関わる内部メモ" not in client.get(f"/issues/{ticket.id}").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(team.member)
    assert "人事に関わる内部メモ" in client.get(f"/issues/{ticket.id}").get_data(as_text=True)
