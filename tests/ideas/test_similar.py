"""Before a new post is saved the similar posts are shown (from the full-text index); the same title twice
is saved only when the author confirms; votes can be cast from the list."""
from __future__ import annotations

from sqlalchemy import func, select

from tests.conftest import csrf_token
from tracker.ideas.models import Idea, IdeaVote


def _post(client, title, **extra):
    return client.post("/ideas/new", data={
        "kind": "idea", "title": title, "body": "窓口の待ち時間を減らしたい", "category": "service", "section_id": 0,
        "csrf_token": csrf_token(client, "/ideas/new"), **extra})


def _count(db, title):
    return db.session.scalar(select(func.count()).select_from(Idea).where(Idea.title == title))


def test_similar_posts_are_shown_before_saving_and_a_second_publish_saves(client, make, login, db):
    make.idea(title="窓口のオンライン予約システム導入", category="service")
    make.idea(title="公用車の予約をオンライン化", category="work")
    login(make.user())
    checked = _post(client, "オンライン予約で窓口の混雑を解消", action="check").get_data(as_text=True)
    assert "似た投稿" in checked and "窓口のオンライン予約システム導入" in checked
    assert _count(db, "オンライン予約で窓口の混雑を解消") == 0
    first = _post(client, "オンライン予約で窓口の混雑を解消", action="publish")
    assert first.status_code == 200 and "似た投稿があります" in first.get_data(as_text=True)
    assert 'name="reviewed_similar" value="1"' in first.get_data(as_text=True)
    assert _count(db, "オンライン予約で窓口の混雑を解消") == 0
    saved = _post(client, "オンライン予約で窓口の混雑を解消", action="publish", reviewed_similar="1")
    assert saved.status_code == 302 and _count(db, "オンライン予約で窓口の混雑を解消") == 1


def test_a_post_with_nothing_similar_is_saved_at_once(client, make, login, db):
    make.idea(title="庁内チャットの導入")
    login(make.user())
    assert _post(client, "公園の落ち葉を堆肥にする", action="publish").status_code == 302


def test_the_same_title_twice_needs_a_confirmation(client, make, login, db):
    make.idea(title="電子決裁を全庁に")
    login(make.user())
    page = _post(client, "電子決裁を全庁に", action="publish", reviewed_similar="1").get_data(as_text=True)
    assert "同じ件名の投稿がすでにあります" in page and "重複の可能性があります" in page
    assert "窓口の待ち時間を減らしたい" in page  # what was typed is kept
    assert _count(db, "電子決裁を全庁に") == 1
    assert _post(client, "電子決裁を全庁に", action="publish", reviewed_similar="1",
                 confirm_duplicate="1").status_code == 302
    assert _count(db, "電子決裁を全庁に") == 2


def test_similar_posts_fragment_for_the_script_reads_through_the_policy(client, make, login):
    make.idea(title="窓口のオンライン予約システム導入")
    login(make.user())
    fragment = client.get("/ideas/similar?title=オンライン予約").get_data(as_text=True)
    assert "窓口のオンライン予約システム導入" in fragment and "<html" not in fragment


def test_staff_vote_from_the_list_and_come_back_to_it(client, make, login, db):
    idea = make.idea(title="公式LINEでセグメント配信")
    voter = login(make.user())
    listing = client.get("/ideas?sort=newest").get_data(as_text=True)
    assert f'action="/ideas/{idea.id}/vote"' in listing and "#1に投票" in listing.replace(f"#{idea.id}に投票", "#1に投票")
    response = client.post(f"/ideas/{idea.id}/vote", data={"action": "vote", "back": "/ideas?sort=newest",
                                                            "csrf_token": csrf_token(client, "/ideas")})
    assert response.status_code == 302 and response.headers["Location"].endswith("/ideas?sort=newest")
    assert db.session.scalar(select(IdeaVote.id).where(IdeaVote.idea_id == idea.id, IdeaVote.user_id == voter.id))
    assert "投票済み ✓" in client.get("/ideas?sort=newest").get_data(as_text=True)
    # a return address off the site is ignored
    response = client.post(f"/ideas/{idea.id}/vote", data={"action": "unvote", "back": "//evil.example/",
                                                            "csrf_token": csrf_token(client, "/ideas")})
    assert response.headers["Location"].endswith(f"/ideas/{idea.id}")
