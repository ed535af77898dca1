"""The ticket list's filter form, quick chips, sort and short addresses (issue 14, point 3)."""
import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qsl, urlsplit

from tracker.core.i18n import local_today


def _rows(page: str) -> list[str]:
    return re.findall(r'<td class="subject"><a href="/issues/\d+">([^<]+)</a>', page)


def test_the_form_shows_only_the_active_filters_and_adds_one_without_script(client, make, login, team):
    login(team.member)
    path = f"/projects/{team.wg.identifier}/issues"
    page = client.get(path).get_data(as_text=True)
    assert re.findall(r'class="filter-row" id="filter-([a-z_0-9]+)"', page) == ["status_id"]
    # 追加 without script: the page comes back with the new row, not yet applied
    page = client.get(path + "?set_filter=1&f[]=status_id&op[status_id]=o&add_filter=due_date&add=1").get_data(as_text=True)
    assert re.findall(r'class="filter-row" id="filter-([a-z_0-9]+)"', page) == ["status_id", "due_date"]
    row = page[page.index('id="filter-due_date"'):]
    row = row[:row.index("</div>")]
    assert row.count('type="date"') == 2 and 'type="number"' in row and "YYYY-MM-DD" not in row
    assert '<option value="w">' in row and '<option value="&gt;t-">' in row
    # the script's request for one row
    fragment = client.get(path + "?fragment=filter&add_filter=tracker_id").get_data(as_text=True)
    assert 'id="filter-tracker_id"' in fragment and 'type="checkbox" name="v[tracker_id][]"' in fragment
    assert "<select" in fragment and "multiple" not in fragment


def test_the_filter_form_answers_with_a_short_address(client, make, login, team):
    login(team.member)
    path = f"/projects/{team.wg.identifier}/issues"
    long_form = (path + "?set_filter=1&f[]=status_id&op[status_id]=o&f[]=assigned_to_id&op[assigned_to_id]=="
                 "&v[assigned_to_id][]=me&f[]=due_date&op[due_date]=%3E%3C&v[due_date][]=2026-04-01"
                 "&v[due_date][]=2026-06-30&v[due_date][]=&sort_key=priority&sort_dir=desc&sort=updated_on:desc"
                 + "".join(f"&c[]={c}" for c in ("tracker", "status", "priority", "subject", "assigned_to", "due_date", "updated_on"))
                 + "&group_by=&per_page=25&add_filter=")
    response = client.get(long_form)
    assert response.status_code == 302
    short = response.headers["Location"]
    assert len(short) < 200, short
    assert dict(parse_qsl(urlsplit(short).query)) == {
        "set_filter": "1", "status_id": "o", "assigned_to_id": "me", "due_date": "><2026-04-01|2026-06-30",
        "sort": "priority:desc,updated_on:desc"}
    assert client.get(short).status_code == 200


def test_a_value_the_short_form_cannot_hold_keeps_the_long_form(client, make, login, team):
    login(team.member)
    make.ticket(team.wg, team.member, subject="~記号で始まる件名")
    path = f"/projects/{team.wg.identifier}/issues"
    response = client.get(path + "?set_filter=1&f[]=subject&op[subject]==&v[subject][]=~記号で始まる件名&add_filter=&group_by=")
    assert response.status_code == 302
    assert "f%5B%5D=subject" in response.headers["Location"]
    assert _rows(client.get(response.headers["Location"]).get_data(as_text=True)) == ["~記号で始まる件名"]


def test_a_refused_filter_keeps_the_users_choice(client, make, login, team):
    login(team.member)
    path = f"/projects/{team.wg.identifier}/issues"
    response = client.get(path + "?set_filter=1&f[]=due_date&op[due_date]=%3E%3C&v[due_date][]=2026-04-01")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "2026-04-01" in page and 'id="filter-due_date"' in page


def test_quick_chips_set_their_filter(client, make, login, team):
    today = local_today()
    mine = make.ticket(team.wg, team.member, subject="自分の件", assigned_to=team.member, due_date=today - timedelta(days=3))
    make.ticket(team.wg, team.member, subject="誰のでもない件", due_date=today + timedelta(days=60))
    make.ticket(team.wg, team.member, subject="リーダーの件", assigned_to=team.leader)
    login(team.member)
    path = f"/projects/{team.wg.identifier}/issues"
    page = client.get(path).get_data(as_text=True)
    chips = dict((label, unescape(href)) for href, label in re.findall(r'<a class="chip" href="([^"]+)">([^<]+)</a>', page))
    assert set(chips) == {"自分の担当", "期限切れ", "今週が期日", "未割当"}
    mine_page = client.get(path + chips["自分の担当"]).get_data(as_text=True)
    assert _rows(mine_page) == ["自分の件"]
    assert 'class="chip active" href' in mine_page and "aria-current" in mine_page
    assert _rows(client.get(path + chips["未割当"]).get_data(as_text=True)) == ["誰のでもない件"]
    overdue = client.get(path + chips["期限切れ"]).get_data(as_text=True)
    assert _rows(overdue) == ["自分の件"]
    assert "3日超過" in overdue  # 期日 is a default column, red with how late
    assert mine.id


def test_due_this_week_and_last_week(client, make, login, team):
    today = local_today()
    monday = today - timedelta(days=today.weekday())
    make.ticket(team.wg, team.member, subject="今週", due_date=monday + timedelta(days=6))
    make.ticket(team.wg, team.member, subject="先週", due_date=monday - timedelta(days=1))
    login(team.member)
    path = f"/projects/{team.wg.identifier}/issues?set_filter=1&status_id=o"
    assert _rows(client.get(path + "&due_date=w").get_data(as_text=True)) == ["今週"]
    assert _rows(client.get(path + "&due_date=lw").get_data(as_text=True)) == ["先週"]


def test_sort_by_header_toggles_and_says_so(client, make, login, team):
    make.ticket(team.wg, team.member, subject="あ")
    make.ticket(team.wg, team.member, subject="い")
    login(team.member)
    path = f"/projects/{team.wg.identifier}/issues"
    page = client.get(path + "?set_filter=1&status_id=o&sort=subject").get_data(as_text=True)
    assert _rows(page) == ["あ", "い"]
    header = re.search(r'<th aria-sort="ascending" class="subject">\s*<a href="([^"]+)"', page)
    assert header, "the sorted column says so"
    page = client.get(path + unescape(header.group(1))).get_data(as_text=True)
    assert _rows(page) == ["い", "あ"]
    assert 'aria-sort="descending" class="subject"' in page
    assert 'name="sort_key"' in page and 'name="sort"' not in page.replace('name="sort_key"', "").replace('name="sort_dir"', "")


def test_status_and_priority_are_badges(client, make, login, team):
    make.ticket(team.wg, team.member, subject="バッジ")
    login(team.member)
    page = client.get(f"/projects/{team.wg.identifier}/issues").get_data(as_text=True)
    # each cell carries its column's label for the phone's cards (data-label) before its badge
    assert re.search(r'<td class="status"[^>]*><span class="badge status', page)
    assert re.search(r'<td class="priority"[^>]*><span class="badge priority', page)
