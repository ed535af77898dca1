from datetime import timedelta
from io import BytesIO

from openpyxl import load_workbook

from tracker.core.db import utcnow
from tracker.ideas import queries, services
from tracker.ideas.models import IdeaVote


def _titles(client, **args):
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return client.get(f"/ideas?{query}").get_data(as_text=True)


def test_search_finds_posts_by_japanese_words_and_by_comments(client, make, login):
    make.idea(title="公式LINEアカウントの開設", body="セグメント配信")
    commented = make.idea(title="窓口の混雑")
    services.add_comment(commented, make.user(), "予約システムで解決できそう")
    make.idea(title="会議の削減")
    login(make.user())
    page = _titles(client, q="セグメント")
    assert "公式LINEアカウントの開設" in page and "会議の削減" not in page
    page = _titles(client, q="予約システム")
    assert "窓口の混雑" in page and "公式LINE" not in page


def test_filters_by_kind_state_category_and_section(client, make, login):
    section = make.section()
    make.idea(title="提案A", kind="idea", category="digital", section_id=section.id)
    make.idea(title="困りごとB", kind="problem", category="work")
    login(make.user())
    assert "困りごとB" in _titles(client, kind="problem") and "提案A" not in _titles(client, kind="problem")
    assert "提案A" in _titles(client, category="digital") and "困りごとB" not in _titles(client, category="digital")
    assert "提案A" in _titles(client, section_id=section.id) and "困りごとB" not in _titles(client, section_id=section.id)
    assert "提案A" not in _titles(client, state="accepted")


def test_rankings(make, db):
    viewer = make.user()
    old = make.idea(title="古い人気")
    old.created_at = utcnow() - timedelta(days=60)
    fresh = make.idea(title="新しい注目")
    voters = [make.user() for _ in range(5)]
    for v in voters:
        services.vote(old, v)
    for v in voters[:2]:
        services.vote(fresh, v)
    for row in db.session.query(IdeaVote).filter(IdeaVote.idea_id == old.id):
        row.created_at = utcnow() - timedelta(days=45)  # outside the 30-day window
    services.add_comment(fresh, viewer, "議論")
    answered = make.idea(title="回答済", state="accepted")
    db.session.flush()

    def order(sort):
        ideas, _total = queries.listing(viewer, queries.Filters(sort=sort), limit=None)
        return [i.title for i in ideas if i.title in ("古い人気", "新しい注目", "回答済")]

    assert order("popular")[0] == "古い人気"
    assert order("trending")[0] == "新しい注目"
    assert order("newest")[0] == "回答済"
    assert order("discussed")[0] == "新しい注目"
    assert "回答済" not in order("unanswered")
    full, _total = queries.listing(viewer, queries.Filters(sort="trending"), limit=None)
    for offset in range(len(full)):  # pages cut across the ranked posts and the rest alike
        page, _total = queries.listing(viewer, queries.Filters(sort="trending"), offset=offset, limit=2)
        assert [i.id for i in page] == [i.id for i in full[offset:offset + 2]]
    scores = queries.trending_scores([old, fresh])
    assert scores[old.id] == 0 and scores[fresh.id] > 0


def test_export_is_an_xlsx_with_the_filters_applied(client, make, login):
    make.idea(title="提案X", kind="idea", anonymous=True, author=make.user(name="隠れ 太郎"))
    make.idea(title="困りごとY", kind="problem")
    login(make.user())
    response = client.get("/ideas/export.xlsx?kind=idea")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(BytesIO(response.get_data())).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["番号", "種類", "件名"]
    titles = [r[2] for r in rows[1:]]
    assert "提案X" in titles and "困りごとY" not in titles
    assert "隠れ 太郎" not in [r[5] for r in rows[1:]]
