"""The audit log's search: each filter, newest first, keyset pages of 50, and bad input answered in words."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest


def _ids(client, query="") -> list[int]:
    page = client.get(f"/admin/audit{query}")
    assert page.status_code == 200, page.get_data(as_text=True)[:2000]
    return [int(i) for i in re.findall(r'data-entry="(\d+)"', page.get_data(as_text=True))]


@pytest.fixture
def reader(client, login, auditor):
    login(auditor)
    return client


def test_newest_first_with_time_user_address_action_and_object(reader, make, entry, auditor):
    author = make.user(login="tanaka", name="田中 太郎")
    first = entry(actor=author, address="192.0.2.7", object_type="kpi", object_id=12)
    second = entry("test.audit_close", actor=author, at=datetime(2026, 12, 1, 0, 30, tzinfo=timezone.utc))
    assert _ids(reader)[:2] == [second.id, first.id]
    text = reader.get("/admin/audit").get_data(as_text=True)
    assert "田中 太郎 (tanaka)" in text and "192.0.2.7" in text
    assert "2026年12月1日 09:30:00" in text  # Asia/Tokyo
    assert 'href="/kpis/12"' in text and "#12" in text


def test_changes_are_summarised_with_field_labels(reader, make, entry, auditor):
    wg = make.wg()
    entry("risk.update", actor=auditor, object_type="risk", object_id=3, wg_id=wg.id,
          changes=[["title", "古い題名", "新しい題名"]])
    text = reader.get("/admin/audit?action=risk.update").get_data(as_text=True)
    assert "古い題名 → 新しい題名" in text
    assert f'href="/projects/{wg.identifier}/risks/3"' in text


def test_filter_by_user_login_and_by_a_login_without_account(reader, make, entry):
    tanaka = make.user(login="tanaka")
    mine = entry(actor=tanaka)
    entry(actor=make.user())
    ghost = entry("test.audit_close", login="nobody-here")
    assert _ids(reader, "?user=tanaka") == [mine.id]
    assert _ids(reader, "?user=TANAKA") == [mine.id]
    assert _ids(reader, "?user=nobody-here") == [ghost.id]


def test_filter_by_date_range_is_inclusive_in_the_organisations_timezone(reader, entry):
    # 2026-11-30 23:59 JST, 2026-12-01 00:00 JST, 2026-12-02 23:59 JST, 2026-12-03 00:00 JST
    before = entry(at=datetime(2026, 11, 30, 14, 59, tzinfo=timezone.utc))
    start = entry(at=datetime(2026, 11, 30, 15, 0, tzinfo=timezone.utc))
    end = entry(at=datetime(2026, 12, 2, 14, 59, tzinfo=timezone.utc))
    after = entry(at=datetime(2026, 12, 2, 15, 0, tzinfo=timezone.utc))
    assert _ids(reader, "?from=2026-12-01&to=2026-12-02") == [end.id, start.id]
    assert after.id in _ids(reader, "?from=2026-12-02") and before.id not in _ids(reader, "?from=2026-12-02")
    assert _ids(reader, "?to=2026-11-30") [:1] == [before.id]


def test_filter_by_action_offers_grouped_translated_labels(reader, entry):
    opened = entry("test.audit_open")
    closed = entry("test.audit_close")
    assert _ids(reader, "?action=test.audit_close")[:1] == [closed.id]
    assert opened.id not in _ids(reader, "?action=test.audit_close")
    text = reader.get("/admin/audit").get_data(as_text=True)
    assert re.search(r'<optgroup label="[^"]+">\s*(<option[^>]*>[^<]*</option>)*\s*<option value="test.audit_open"', text)
    assert 'value="audit.export"' in text


def test_filter_by_object_type_and_id(reader, entry):
    kpi_one = entry(object_type="kpi", object_id=1)
    kpi_two = entry(object_type="kpi", object_id=2)
    entry(object_type="risk", object_id=1)
    assert _ids(reader, "?object_type=kpi")[:2] == [kpi_two.id, kpi_one.id]
    assert _ids(reader, "?object_type=kpi&object_id=1") == [kpi_one.id]


def test_keyset_pages_of_fifty(reader, entry):
    made = [entry(object_type="meeting", object_id=n + 1).id for n in range(120)]
    newest = list(reversed(made))
    first = reader.get("/admin/audit?object_type=meeting").get_data(as_text=True)
    assert _ids(reader, "?object_type=meeting") == newest[:50]
    link = re.search(r'href="([^"]*before=(\d+)[^"]*)" rel="next"', first)
    assert int(link.group(2)) == newest[49]
    second = _ids(reader, link.group(1).replace("&amp;", "&").removeprefix("/admin/audit"))
    assert second == newest[50:100]
    third = reader.get(f"/admin/audit?object_type=meeting&before={newest[99]}").get_data(as_text=True)
    assert [int(i) for i in re.findall(r'data-entry="(\d+)"', third)] == newest[100:]
    assert 'rel="next"' not in third


@pytest.mark.parametrize("query, message", [
    ("?from=2026-13-01", "“2026-13-01” is not a date"),
    ("?to=yesterday", "“yesterday” is not a date"),
    ("?from=2026-12-05&to=2026-12-01", "is after the end date"),
    ("?action=no.such.action", "Unknown action “no.such.action”"),
    ("?object_type=spaceships", "Unknown object type “spaceships”"),
    ("?object_type=kpi&object_id=abc", "The object id must be a whole number"),
    ("?object_id=5", "Choose the object type"),
    ("?before=xyz", "The page position “xyz” is not valid"),
    ("?before=" + "9" * 30, "is not valid"),
])
def test_bad_filter_input_is_a_message_not_an_error(client, login, make, query, message):
    login(make.user(org_roles=["auditor"], language="en"))
    response = client.get(f"/admin/audit{query}")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert message in text and "flash-error" in text


def test_bad_filter_input_is_told_in_japanese(client, login, auditor):
    from tracker.core.translation import gettext, pgettext

    login(auditor)
    text = client.get("/admin/audit?from=2026-02-30").get_data(as_text=True)
    with client.application.test_request_context(headers={"Accept-Language": "ja"}):
        expected = gettext("%(field)s: “%(value)s” is not a date (write it as YYYY-MM-DD).",
                           field=gettext("From"), value="2026-02-30")
    assert expected in text.replace("&#34;", '"')


def test_a_change_action_with_another_object_type_matches_nothing(reader, entry):
    risk = entry("risk.update", object_type="risk", object_id=1)
    assert _ids(reader, "?action=risk.update&object_type=risk") == [risk.id]
    assert _ids(reader, "?action=risk.update&object_type=kpi") == []


def test_keyset_pages_within_a_date_range_are_newest_first_by_time(reader, entry):
    from datetime import timedelta

    start = datetime(2026, 6, 1, 3, 0, tzinfo=timezone.utc)
    # ids out of time order (two requests committing in the other order), and two entries in the same instant
    made = [entry(object_type="meeting", object_id=1, at=start + timedelta(minutes=(n * 7) % 120)) for n in range(110)]
    twin = entry(object_type="meeting", object_id=2, at=made[5].created_at)
    expected = [e.id for e in sorted([*made, twin], key=lambda e: (e.created_at, e.id), reverse=True)]
    query = "?from=2026-06-01&to=2026-06-01"
    pages, before = [], None
    while True:
        page = reader.get(f"/admin/audit{query}" + (f"&before={before}" if before else "")).get_data(as_text=True)
        pages += [int(i) for i in re.findall(r'data-entry="(\d+)"', page)]
        link = re.search(r'before=(\d+)[^"]*" rel="next"', page)
        if not link:
            break
        before = link.group(1)
    assert pages == expected


def test_the_object_select_offers_journaled_types_and_the_types_in_the_log(reader, entry):
    page = reader.get("/admin/audit").get_data(as_text=True)
    assert '<option value="risk"' in page and '<option value="password_reset_tokens"' not in page
    entry(object_type="password_reset_tokens", object_id=9)
    page = reader.get("/admin/audit").get_data(as_text=True)
    assert '<option value="password_reset_tokens"' in page


@pytest.mark.parametrize("query", ["?from=0001-01-01", "?to=9999-12-31", "?from=0001-01-01&to=9999-12-31"])
def test_dates_at_the_ends_of_the_calendar_are_no_error(reader, entry, query):
    entry()
    assert reader.get(f"/admin/audit{query}").status_code in (200, 422)
