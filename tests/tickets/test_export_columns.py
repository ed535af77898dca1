"""Every column of the ticket list reads the same in the CSV and the XLSX as on the list: names of the WG, tracker,
status, priority, people and sections, the visible parent, dates and times in Tokyo in the user's style (西暦, 和暦,
English), hours, custom fields of every kind (issue 18 point 3: the exports read plain rows, not ORM tickets)."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tracker.tickets.models import CustomValue, IssueCategory, TimeEntry, TimeEntryActivity, Version

COLUMNS = ["project", "tracker", "parent", "status", "priority", "subject", "author", "assigned_to", "category",
           "fixed_version", "start_date", "due_date", "estimated_hours", "spent_hours", "done_ratio", "is_private",
           "created_on", "updated_on", "closed_on"]


@pytest.fixture
def tickets(make, db, team):
    """A parent and two children with every column filled in one way or another."""
    wg = team.wg
    category, version = IssueCategory(wg_id=wg.id, name="窓口"), Version(wg_id=wg.id, name="第1期")
    db.session.add_all([category, version])
    db.session.flush()
    section = make.section(name="デジタル推進課")
    choice = make.custom_field("対象課", "list", possible_values=["税務課", "市民課"], multiple=True, is_filter=True)
    person = make.custom_field("確認者", "user", is_filter=True)
    flag = make.custom_field("要予算", "bool", is_filter=True)
    note = make.custom_field("備考", "string", is_filter=True)
    parent = make.ticket(wg, team.leader, subject="親の作業", created_at=datetime(2026, 4, 1, 0, 30, tzinfo=timezone.utc))
    moment = datetime(2026, 4, 30, 15, 5, 9, tzinfo=timezone.utc)  # 2026-05-01 00:05:09 in Tokyo (令和8年)
    child = make.ticket(wg, team.member, subject="子の作業", parent_id=parent.id, assigned_to_id=team.leader.id,
                        category_id=category.id, fixed_version_id=version.id, start_date=date(2019, 4, 30),
                        due_date=date(2019, 5, 1), estimated_hours=Decimal("2.50"), done_ratio=40,
                        created_at=moment, updated_at=moment, closed_on=moment)
    section_owned = make.ticket(wg, team.member, subject="=1+2 課の作業", assigned_section_id=section.id, is_private=True,
                                created_at=moment, updated_at=moment)
    db.session.add_all([
        CustomValue(ticket_id=child.id, custom_field_id=choice.id, value="市民課"),
        CustomValue(ticket_id=child.id, custom_field_id=choice.id, value="税務課"),
        CustomValue(ticket_id=child.id, custom_field_id=person.id, value=str(team.observer.id)),
        CustomValue(ticket_id=child.id, custom_field_id=flag.id, value="1"),
        CustomValue(ticket_id=section_owned.id, custom_field_id=flag.id, value="0"),
        CustomValue(ticket_id=section_owned.id, custom_field_id=note.id, value="@SUM(A1)"),
        TimeEntry(wg_id=wg.id, ticket_id=child.id, user_id=team.member.id, author_id=team.member.id,
                  activity_id=db.session.scalar(select(TimeEntryActivity.id).limit(1)), hours=Decimal("1.25"),
                  spent_on=date(2026, 4, 2)),
    ])
    db.session.flush()
    fields = [choice, person, flag, note]
    return type("T", (), {"parent": parent, "child": child, "section_owned": section_owned, "fields": fields,
                          "columns": COLUMNS + [f"cf_{f.id}" for f in fields]})


def _query(t, wg) -> str:
    return f"/projects/{wg.identifier}/issues.csv?" + "&".join(f"c[]={c}" for c in t.columns) + "&sort=id"


def _csv(client, path) -> dict[str, dict[str, str]]:
    rows = list(csv.reader(io.StringIO(client.get(path).data.decode("utf-8-sig"))))
    return {row[0]: dict(zip(rows[0], row)) for row in rows[1:]}


def test_every_column_of_the_csv_reads_as_on_the_list(client, login, team, tickets, db):
    team.leader.section_id = None
    login(team.leader)
    rows = _csv(client, _query(tickets, team.wg))
    child, owned = rows[str(tickets.child.id)], rows[str(tickets.section_owned.id)]
    assert child == {
        "#": str(tickets.child.id), "プロジェクト": team.wg.name, "トラッカー": tickets.child.tracker.name,
        "親チケット": f"#{tickets.parent.id}", "ステータス": tickets.child.status.name,
        "優先度": tickets.child.priority.name, "題名": "子の作業", "作成者": team.member.name,
        "担当者": team.leader.name, "カテゴリ": "窓口", "対象バージョン": "第1期", "開始日": "2019年4月30日",
        "期日": "2019年5月1日", "予定工数": "2.5", "作業時間": "1.25", "進捗率": "40", "非公開": "いいえ",
        "作成日": "2026年5月1日 00:05", "更新日": "2026年5月1日 00:05", "終了日": "2026年5月1日 00:05",
        "対象課": "市民課, 税務課", "確認者": team.observer.name, "要予算": "はい", "備考": "",
    }
    assert owned["担当者"] == "デジタル推進課" and owned["非公開"] == "はい" and owned["要予算"] == "いいえ"
    assert owned["題名"] == "'=1+2 課の作業" and owned["備考"] == "'@SUM(A1)"  # formulas stay text
    assert owned["親チケット"] == owned["カテゴリ"] == owned["開始日"] == owned["予定工数"] == owned["終了日"] == ""
    assert owned["作業時間"] == "0"
    assert rows[str(tickets.parent.id)]["作成日"] == "2026年4月1日 09:30"


def test_dates_follow_the_users_style_in_the_csv(client, login, team, tickets, db):
    team.leader.date_style = "japanese"
    login(team.leader)
    child = _csv(client, _query(tickets, team.wg))[str(tickets.child.id)]
    assert (child["開始日"], child["期日"], child["更新日"]) == ("H31年4月30日", "R1年5月1日", "R8年5月1日 00:05")
    team.leader.language = "en"
    child = _csv(client, _query(tickets, team.wg))[str(tickets.child.id)]
    assert child["Start date"] == "Apr 30, 2019 (H31)" and child["Private"] == "No"
    assert child["Updated"] == "May 1, 2026, 12:05:09\u202fAM (R8)"
    team.leader.date_style = "western"
    child = _csv(client, _query(tickets, team.wg))[str(tickets.child.id)]
    assert child["Due date"] == "May 1, 2019" and child["Closed"] == "May 1, 2026, 12:05:09\u202fAM"


def test_the_spreadsheet_has_typed_values_in_tokyo_time(client, login, team, tickets):
    login(team.leader)
    data = client.get(_query(tickets, team.wg).replace("issues.csv", "issues.xlsx")).data
    sheet = load_workbook(io.BytesIO(data)).active
    head = [c.value for c in sheet[1]]
    rows = {row[0]: dict(zip(head, row)) for row in sheet.iter_rows(min_row=2, values_only=True)}
    child = rows[tickets.child.id]
    assert child["予定工数"] == 2.5 and child["作業時間"] == 1.25 and child["進捗率"] == 40
    assert child["開始日"] == datetime(2019, 4, 30) and child["更新日"] == datetime(2026, 5, 1, 0, 5, 9)
    assert child["担当者"] == team.leader.name and child["対象課"] == "市民課, 税務課" and child["親チケット"] == f"#{tickets.parent.id}"
    owned = rows[tickets.section_owned.id]
    assert owned["題名"] == "=1+2 課の作業" and owned["担当者"] == "デジタル推進課" and owned["終了日"] is None
