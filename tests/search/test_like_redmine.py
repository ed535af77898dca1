"""Search as a city moving from Redmine expects it: newest first with the exact number of matches, so that a ticket
made a moment ago is the first hit; Redmine's options (every/any word, titles only, open tickets only, scope),
offset/limit, on the search page and on search.json alike."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from tracker.accounts.services import issue_api_key
from tracker.tickets import services
from tracker.tickets.models import IssueStatus, Tracker

OLD = datetime(2025, 4, 1, tzinfo=timezone.utc)


@pytest.fixture
def team(db, make):
    leader, member, outsider = make.user(name="本間 一郎"), make.user(), make.user()
    wg = make.wg(members={leader: "WG責任者", member: "メンバー"})
    other = make.wg(members={leader: "WG責任者"})
    keys = {name: issue_api_key(u) for name, u in (("leader", leader), ("member", member), ("outsider", outsider))}
    db.session.commit()
    return type("Team", (), {"wg": wg, "other": other, "leader": leader, "member": member, "outsider": outsider,
                             "keys": keys})


def search_json(client, team, who="leader", path="/search.json", **params):
    response = client.get(path, query_string=params, headers={"X-Redmine-API-Key": team.keys[who]})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def old_tickets(make, team, count, subject="窓口の出張申請", **fields):
    return [make.ticket(team.wg, team.leader, subject=f"{subject} {n}", created_at=OLD + timedelta(days=n), **fields)
            for n in range(count)]


def test_a_ticket_just_created_is_the_first_hit_and_the_count_is_exact(client, db, make, team):
    old_tickets(make, team, 40)
    tracker = db.session.scalar(select(Tracker.id).order_by(Tracker.position))
    response = client.post("/issues.json", json={"issue": {"project_id": team.wg.identifier, "tracker_id": tracker,
                                                           "subject": "出張申請の新しい受付"}},
                           headers={"X-Redmine-API-Key": team.keys["leader"]})
    assert response.status_code == 201
    new_id = response.get_json()["issue"]["id"]
    found = search_json(client, team, q="出張申請")
    assert found["total_count"] == 41 and found["offset"] == 0 and found["limit"] == 25
    assert [r["id"] for r in found["results"]][:2] == [new_id, new_id - 1]
    first = found["results"][0]
    assert first["type"] == "issue" and first["title"].endswith(f"#{new_id} (新規): 出張申請の新しい受付")
    assert first["url"].endswith(f"/issues/{new_id}") and first["datetime"].endswith("Z")
    # Newest first all the way down: the datetimes never go up.
    stamps = [r["datetime"] for r in found["results"]]
    assert stamps == sorted(stamps, reverse=True)


def test_offset_and_limit_page_through_every_match(client, make, team):
    made = old_tickets(make, team, 30)
    first = search_json(client, team, q="出張", limit=20)
    rest = search_json(client, team, q="出張", offset=20, limit=20)
    assert first["total_count"] == rest["total_count"] == 30
    assert len(first["results"]) == 20 and len(rest["results"]) == 10
    ids = [r["id"] for r in first["results"] + rest["results"]]
    assert ids == sorted((t.id for t in made), reverse=True)


def test_titles_only_leaves_out_what_matches_only_in_the_text(client, make, team):
    in_title = make.ticket(team.wg, team.leader, subject="ＲＰＡの導入")  # full-width in the title, half-width query
    in_text = make.ticket(team.wg, team.leader, subject="業務改善", description="RPAで転記を自動化する")
    everywhere = {r["id"] for r in search_json(client, team, q="rpa")["results"]}
    titles = {r["id"] for r in search_json(client, team, q="rpa", titles_only=1)["results"]}
    assert everywhere == {in_title.id, in_text.id} and titles == {in_title.id}


def test_open_issues_leaves_out_closed_tickets(client, db, make, team):
    closed = db.session.scalar(select(IssueStatus).where(IssueStatus.is_closed.is_(True)))
    open_one = make.ticket(team.wg, team.leader, subject="庁内申請の電子化")
    done = make.ticket(team.wg, team.leader, subject="申請書の様式統一", status=closed)
    found = search_json(client, team, q="申請")
    assert {r["id"] for r in found["results"]} == {open_one.id, done.id}
    assert {r["type"] for r in found["results"] if r["id"] == done.id} == {"issue closed"}
    only_open = search_json(client, team, q="申請", open_issues=1)
    assert [r["id"] for r in only_open["results"]] == [open_one.id] and only_open["total_count"] == 1


def test_all_words_by_default_any_word_when_unticked(client, make, team):
    both = make.ticket(team.wg, team.leader, subject="窓口 予約 システム")
    one = make.ticket(team.wg, team.leader, subject="窓口の混雑")
    assert {r["id"] for r in search_json(client, team, q="窓口 予約")["results"]} == {both.id}
    any_word = search_json(client, team, q="窓口 予約", all_words="")
    assert {r["id"] for r in any_word["results"]} == {both.id, one.id} and any_word["total_count"] == 2


def test_scope_a_wg_all_wgs_and_my_wgs(client, make, team):
    here = make.ticket(team.wg, team.leader, subject="庁舎の照明")
    there = make.ticket(team.other, team.leader, subject="庁舎の空調")
    path = f"/projects/{team.wg.identifier}/search.json"
    assert {r["id"] for r in search_json(client, team, path=path, q="庁舎")["results"]} == {here.id}
    assert {r["id"] for r in search_json(client, team, path=path, q="庁舎", scope="all")["results"]} == {here.id, there.id}
    # The member belongs to the first WG only; the other WG is public, so "all" finds both and "my" only one.
    assert {r["id"] for r in search_json(client, team, "member", q="庁舎", scope="my_projects")["results"]} == {here.id}
    assert {r["id"] for r in search_json(client, team, "member", q="庁舎", scope="all")["results"]} == {here.id, there.id}


def test_a_private_ticket_is_neither_listed_nor_counted(client, make, team):
    make.ticket(team.wg, team.leader, subject="人事の内示", is_private=True)
    seen = make.ticket(team.wg, team.member, subject="人事システムの更新")
    for_outsider = search_json(client, team, "outsider", q="人事")  # the WG is public; its private tickets are not
    assert [r["id"] for r in for_outsider["results"]] == [seen.id] and for_outsider["total_count"] == 1
    assert search_json(client, team, "leader", q="人事")["total_count"] == 2


def test_the_search_page_lists_newest_first_with_the_count_and_options(client, login, make, team):
    made = old_tickets(make, team, 30)
    login(team.leader)
    page = client.get("/search?q=出張&all_words=&all_words=1").get_data(as_text=True)
    assert "30" in page and "<mark>出張</mark>" in page
    newest, oldest = f"/issues/{made[-1].id}\"", f"/issues/{made[0].id}\""
    assert newest in page and oldest not in page  # the oldest five are on page 2
    second = client.get("/search?q=出張&page=2").get_data(as_text=True)
    assert oldest in second and newest not in second
    titles = client.get("/search?q=出張&titles_only=1&open_issues=1").get_data(as_text=True)
    assert 'name="titles_only" value="1" checked' in titles and 'name="open_issues" value="1" checked' in titles


def test_a_ticket_number_jumps_to_the_ticket_only_when_it_may_be_seen(client, login, make, team):
    ticket = make.ticket(team.wg, team.leader, subject="議事録")
    secret = make.ticket(team.wg, team.leader, subject="秘密", is_private=True)
    login(team.outsider)
    assert client.get(f"/search?q=%23{ticket.id}").headers["Location"].endswith(f"/issues/{ticket.id}")
    assert client.get(f"/search?q={ticket.id}").headers["Location"].endswith(f"/issues/{ticket.id}")
    assert client.get(f"/search?q=%23{secret.id}").status_code == 200  # searched, not revealed by a redirect


@pytest.mark.parametrize("walk_per_row", [1, 10**9])
def test_a_common_word_reads_newest_first_with_the_same_hits_as_sorting_them(client, db, make, team, monkeypatch,
                                                                             walk_per_row):
    """A common word is read by walking the documents newest first (core.search.WALK_PER_ROW), a rare one by
    sorting its matches: both give the same pages. With 1 every kind walks here; with 10**9 every kind sorts.
    Among the matches are a note, a private ticket and a ticket of a WG that is not public, which someone
    outside the WG may not see."""
    from tracker.core import search as core_search

    monkeypatch.setattr(core_search, "WALK_PER_ROW", walk_per_row)
    made = old_tickets(make, team, 12)
    hidden = make.ticket(team.wg, team.leader, subject="出張の非公開メモ", is_private=True, created_at=OLD + timedelta(days=50))
    closed_wg = make.wg(is_public=False, members={team.leader: "WG責任者"})
    elsewhere = make.ticket(closed_wg, team.leader, subject="出張の他WG", created_at=OLD + timedelta(days=51))
    services.update_ticket(made[3], team.leader, {}, notes="出張先を変更しました")
    db.session.commit()
    first = search_json(client, team, who="outsider", q="出張", limit=5)
    rest = search_json(client, team, who="outsider", q="出張", offset=5, limit=20)
    seen = [(r["type"], r["id"]) for r in first["results"] + rest["results"]]
    assert first["total_count"] == rest["total_count"] == 13 == len(seen)  # 12 tickets and the note
    assert seen[0][0] == "issue-note" and seen[0][1] == made[3].id  # the note is the newest match
    assert [i for kind, i in seen[1:]] == sorted((t.id for t in made), reverse=True)
    assert hidden.id not in [i for _k, i in seen] and elsewhere.id not in [i for _k, i in seen]


def test_each_search_is_planned_for_its_own_words_on_postgresql(client, db, make, team):
    """psycopg prepares a statement run five times, and PostgreSQL then plans it once for every value: the words
    searched for are written into the statement, so a common word and a rare one never share a plan (the count of
    a common word took twice as long with the plan of another)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite plans each statement without looking at its values")
    from sqlalchemy import event

    old_tickets(make, team, 3)
    make.ticket(team.wg, team.leader, subject="窓口's 出張")
    statements = []
    record = lambda conn, cursor, statement, parameters, context, executemany: statements.append((statement, parameters))  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        counts = [search_json(client, team, q=q)["total_count"] for q in ("出張申請", "出張申請", "窓口's")]
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert counts == [3, 3, 1]
    matching = [(s, p) for s, p in statements if "tsquery" in s]
    assert matching and all("出張 張申 申請" in s or "窓口" in s for s, _ in matching)
    assert not any(isinstance(v, str) and ("張申" in v or "窓口" in v) for _, p in matching for v in (p or {}).values())
