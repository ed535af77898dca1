"""CSV import of tickets in Redmine's format, walked through the pages as a user: upload, settings, mapping,
run, result; per-row errors, all or nothing, Shift_JIS files, bad files, and who may import."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tracker.imports.models import TicketImport
from tracker.notify.models import Notification
from tracker.tickets.models import CustomValue, Ticket

HEADER = "トラッカー,ステータス,優先度,題名,担当者,開始日,期日,説明"


@pytest.fixture
def team(make):
    # the member reads the application in English, so that the messages asserted on do not depend on the catalog
    leader, member, observer = make.user(name="山田 花子"), make.user(name="佐藤 一郎", language="en"), make.user()
    wg = make.wg(members={leader: "WG責任者", member: "メンバー", observer: "オブザーバー"})
    return type("Team", (), {"wg": wg, "leader": leader, "member": member, "observer": observer})


def upload(client, data: bytes, wg=None, filename="tickets.csv"):
    new = f"/projects/{wg.identifier}/issues/imports/new" if wg else "/issues/imports/new"
    form = {"csrf_token": csrf_token(client, new), "file": (__import__("io").BytesIO(data), filename)}
    if wg:
        form["project"] = wg.identifier
    return client.post("/imports", data=form, content_type="multipart/form-data")


def import_id(response) -> int:
    return int(re.search(r"/imports/(\d+)/settings", response.headers["Location"]).group(1))


def settings(client, item_id: int, **values):
    page = f"/imports/{item_id}/settings"
    form = {"separator": ",", "wrapper": '"', "encoding": "UTF-8", "date_format": "%Y-%m-%d", **values}
    return client.post(page, data={"csrf_token": csrf_token(client, page), **form})


def run(client, item_id: int, fields: dict | None = None, all_or_nothing=False, wg=None):
    page = f"/imports/{item_id}/mapping"
    text = client.get(page).get_data(as_text=True)
    form = {"csrf_token": csrf_token(client, page), "action": "import", "all_or_nothing": "1" if all_or_nothing else "0"}
    # the preselected columns, as the browser would send them back
    for key, options in re.findall(r'name="fields\[(\w+)\]">(.*?)</select>', text, re.S):
        selected = re.search(r'<option value="(\d+)" selected', options)
        if selected:
            form[f"fields[{key}]"] = selected.group(1)
    if wg is not None:
        form["wg_id"] = str(wg.id)
    form.update({f"fields[{k}]": str(v) for k, v in (fields or {}).items()})
    return client.post(page, data=form)


def whole_import(client, data: bytes, wg, **options):
    item_id = import_id(upload(client, data, wg))
    assert settings(client, item_id, **options.pop("settings", {})).status_code == 302
    response = run(client, item_id, **options)
    assert response.status_code == 302, response.get_data(as_text=True)
    return item_id, client.get(response.headers["Location"]).get_data(as_text=True)


def tickets_of(db, wg) -> list[Ticket]:
    db.session.expire_all()
    return list(db.session.scalars(select(Ticket).where(Ticket.wg_id == wg.id).order_by(Ticket.id)))


def test_a_redmine_csv_becomes_tickets_through_the_ticket_service(db, client, login, team):
    login(team.member)
    data = (f"{HEADER}\r\n"
            f"タスク,新規,通常,窓口の予約システム,{team.leader.login},2026-04-01,2026-06-30,\"複数行の\r\n説明\"\r\n"
            "タスク,新規,急いで,職員向け研修,佐藤 一郎,,,\r\n").encode("utf-8-sig")
    item_id, page = whole_import(client, data, team.wg)

    created = tickets_of(db, team.wg)
    assert [t.subject for t in created] == ["窓口の予約システム", "職員向け研修"]
    first, second = created
    assert first.author_id == team.member.id and first.assigned_to_id == team.leader.id
    assert str(first.start_date) == "2026-04-01" and first.description.replace("\r\n", "\n") == "複数行の\n説明"
    assert first.tracker.name == "タスク" and first.status.name == "新規" and second.priority.name == "急いで"
    assert second.assigned_to_id == team.member.id  # by name
    # the service notified the assignee, as for a ticket made on the form
    assert db.session.scalar(select(Notification).where(Notification.user_id == team.leader.id,
                                                          Notification.kind == "ticket.assigned"))
    assert f'href="/issues/{first.id}"' in page and "窓口の予約システム" in page
    assert "import-errors" not in page


def test_rows_that_cannot_be_imported_are_listed_with_row_column_and_reason(db, client, login, team):
    login(team.member)
    data = (f"{HEADER}\n"
            "タスク,新規,通常,正しい行,,,,\n"
            "タスク,保留中,通常,存在しないステータス,,,,\n"
            "タスク,新規,通常,日付が変,,4月1日,,\n"
            "タスク,新規,通常,,,,,件名がない\n"
            "タスク,新規,通常,よその人,nobody-here,,,\n").encode()
    _item, page = whole_import(client, data, team.wg)

    assert [t.subject for t in tickets_of(db, team.wg)] == ["正しい行"]
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", page)
    assert [(row, column) for row, column, _message in rows] == [
        ("3", "ステータス"), ("4", "開始日"), ("5", "題名"), ("6", "担当者")]
    assert "保留中" in rows[0][2] and "4月1日" in rows[1][2] and "nobody-here" in rows[3][2]


def test_all_or_nothing_imports_nothing_when_a_row_is_invalid(db, client, login, team):
    login(team.member)
    data = f"{HEADER}\nタスク,新規,通常,一行目,,,,\nタスク,新規,通常,二行目,,2026-13-01,,\n".encode()
    item_id, page = whole_import(client, data, team.wg, all_or_nothing=True)

    assert tickets_of(db, team.wg) == []
    assert db.session.scalar(select(Notification).where(Notification.user_id == team.leader.id)) is None
    assert "<td>3</td><td>開始日</td>" in page
    item = db.session.get(TicketImport, item_id)
    assert item.result["imported"] is False and item.result["created"] == []

    # the same file without errors is imported whole
    _item, _page = whole_import(client, f"{HEADER}\nタスク,新規,通常,一行目,,,,\n".encode(), team.wg, all_or_nothing=True)
    assert [t.subject for t in tickets_of(db, team.wg)] == ["一行目"]


def test_a_shift_jis_file_from_excel(db, client, login, team):
    login(team.member)
    data = f"{HEADER}\r\nタスク,新規,通常,①丸数字と髙橋さん,,2026/04/01,,～全角チルダ\r\n".encode("cp932")
    item_id = import_id(upload(client, data, team.wg))
    page = client.get(f"/imports/{item_id}/settings").get_data(as_text=True)
    assert re.search(r'<option value="CP932" selected', page)  # guessed from the file
    assert re.search(r'<option value="%Y/%m/%d" selected', page)

    # read as UTF-8 it is refused with the reason, and nothing is kept
    refused = settings(client, item_id, encoding="UTF-8")
    assert refused.status_code == 422 and "CP932" in refused.get_data(as_text=True)

    assert settings(client, item_id, encoding="CP932", date_format="%Y/%m/%d").status_code == 302
    assert run(client, item_id).status_code == 302
    (ticket,) = tickets_of(db, team.wg)
    assert ticket.subject == "①丸数字と髙橋さん" and ticket.description == "～全角チルダ"
    assert str(ticket.start_date) == "2026-04-01"


def test_columns_are_mapped_by_hand_and_custom_fields_too(db, client, login, team, make):
    field = make.custom_field(name="担当課", field_format="string")
    login(team.member)
    data = "番号;やること;課;メモ\n1;予算要求の整理;財政課;無視する列\n".encode()
    item_id = import_id(upload(client, data, team.wg))
    page = client.get(f"/imports/{item_id}/settings").get_data(as_text=True)
    assert '<option value=";" selected' in page  # the separator was sniffed
    assert settings(client, item_id, separator=";").status_code == 302
    mapping = client.get(f"/imports/{item_id}/mapping").get_data(as_text=True)
    assert "予算要求の整理" in mapping  # the preview
    subject = re.search(r'name="fields\[subject\]">(.*?)</select>', mapping, re.S).group(1)
    assert "selected" not in subject  # no column is named like the subject
    response = run(client, item_id, fields={"subject": 1, f"cf_{field.id}": 2})
    assert response.status_code == 302

    (ticket,) = tickets_of(db, team.wg)
    assert ticket.subject == "予算要求の整理"
    assert [v.value for v in db.session.scalars(select(CustomValue).where(CustomValue.ticket_id == ticket.id))] == ["財政課"]


def test_without_a_subject_column_nothing_runs(db, client, login, team):
    login(team.member)
    item_id = import_id(upload(client, "a,b\n1,2\n".encode(), team.wg))
    settings(client, item_id)
    response = run(client, item_id)
    assert response.status_code == 422
    assert tickets_of(db, team.wg) == [] and db.session.get(TicketImport, item_id).state != "done"


@pytest.mark.parametrize("data, says", [
    (b"", "The file is empty."),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "This is not a CSV file (it contains binary data)."),
    ("題名\n".encode(), "The file has a header line but no rows to import."),
])
def test_bad_files_get_a_clear_message(db, client, login, team, data, says):
    login(team.member)
    response = upload(client, data, team.wg) if data[:4] != "題名".encode()[:4] else None
    if response is None:  # a header alone is only refused when it is read
        item_id = import_id(upload(client, data, team.wg))
        response = settings(client, item_id)
    assert response.status_code == 422
    assert says in response.get_data(as_text=True)


def test_a_huge_file_is_refused(db, client, login, team, monkeypatch):
    from tracker.imports import reading

    monkeypatch.setattr(reading, "MAX_BYTES", 1000)
    login(team.member)
    response = upload(client, (HEADER + "\n" + "タスク,新規,通常,長い,,,,\n" * 100).encode(), team.wg)
    assert response.status_code == 422 and "too large" in response.get_data(as_text=True)
    assert db.session.scalar(select(TicketImport)) is None


def test_only_those_who_may_add_tickets_import_and_an_import_is_its_uploaders(db, client, login, team):
    login(team.observer)  # オブザーバー: no add_issues
    assert client.get(f"/projects/{team.wg.identifier}/issues/imports/new").status_code == 403
    login(team.member)
    page = client.get(f"/projects/{team.wg.identifier}/issues").get_data(as_text=True)
    assert f'href="/projects/{team.wg.identifier}/issues/imports/new"' in page  # the list's Import link
    item_id = import_id(upload(client, f"{HEADER}\nタスク,新規,通常,秘密の計画,,,,\n".encode(), team.wg))
    login(team.leader)
    for path in (f"/imports/{item_id}/settings", f"/imports/{item_id}/mapping", f"/imports/{item_id}"):
        assert client.get(path).status_code == 404
    assert settings(client, item_id).status_code in (400, 404)


def test_an_import_runs_once(db, client, login, team):
    login(team.member)
    item_id, _page = whole_import(client, f"{HEADER}\nタスク,新規,通常,一度だけ,,,,\n".encode(), team.wg)
    again = client.get(f"/imports/{item_id}/mapping")
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/imports/{item_id}")
    assert len(tickets_of(db, team.wg)) == 1


def test_from_the_global_ticket_list_the_wg_is_chosen_in_the_mapping(db, client, login, team, make):
    other = make.wg(members={team.member: "メンバー"})
    login(team.member)
    page = client.get("/issues").get_data(as_text=True)
    assert 'href="/issues/imports/new"' in page
    item_id = import_id(upload(client, f"{HEADER}\nタスク,新規,通常,全体から取り込み,,,,\n".encode()))
    settings(client, item_id)
    mapping = client.get(f"/imports/{item_id}/mapping").get_data(as_text=True)
    assert team.wg.name in mapping and other.name in mapping and "fields[subject]" not in mapping  # no WG yet
    response = run(client, item_id, fields={"subject": 3}, wg=other)
    assert response.status_code == 302
    assert [t.subject for t in tickets_of(db, other)] == ["全体から取り込み"] and tickets_of(db, team.wg) == []
