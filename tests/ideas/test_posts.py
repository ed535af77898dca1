from datetime import timedelta

from sqlalchemy import select

from tests.conftest import csrf_token
from tracker.accounts.models import OrgRole
from tracker.core.i18n import local_today
from tracker.core.audit import AuditEntry
from tracker.ideas.models import Idea


def test_staff_posts_an_idea_and_sees_it_in_the_list(client, make, login, db):
    section = make.section(name="広報広聴課")
    login(make.user(name="秋田 花子"))
    response = client.post("/ideas/new", data={
        "kind": "idea", "title": "公式LINEでセグメント配信", "body": "**プッシュ通知**で届ける",
        "category": "service", "section_id": section.id, "csrf_token": csrf_token(client, "/ideas/new"),
    })
    assert response.status_code == 302
    idea = db.session.scalar(select(Idea).where(Idea.title == "公式LINEでセグメント配信"))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<strong>プッシュ通知</strong>" in page and "広報広聴課" in page and "秋田 花子" in page
    listing = client.get("/ideas").get_data(as_text=True)
    assert f"#{idea.id} 公式LINEでセグメント配信" in listing
    assert "アイデアボックス" in listing  # the top navigation item


def test_bad_post_keeps_what_was_typed(client, make, login, db):
    login(make.user())
    page = client.post("/ideas/new", data={
        "kind": "idea", "title": "", "body": "消えてほしくない本文", "category": "work", "section_id": 0,
        "csrf_token": csrf_token(client, "/ideas/new"),
    }).get_data(as_text=True)
    assert "消えてほしくない本文" in page
    assert db.session.scalar(select(Idea).where(Idea.body == "消えてほしくない本文")) is None


def test_anonymous_author_hidden_from_staff_but_not_from_moderators(client, make, login, switch_user):
    author = make.user(name="匿名 希望")
    idea = make.idea(author=author, title="電子決裁を全庁に", anonymous=True)
    login(make.user())
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "匿名 希望" not in page and "匿名" in page
    assert "匿名 希望" not in client.get("/ideas").get_data(as_text=True)
    switch_user(make.user(org_roles=[OrgRole.IDEA_MODERATOR]))
    assert "匿名 希望" in client.get(f"/ideas/{idea.id}").get_data(as_text=True)


def test_author_edits_until_the_first_vote(client, make, login, db):
    author = make.user()
    idea = make.idea(author=author, title="旧タイトル")
    login(author)
    path = f"/ideas/{idea.id}/edit"
    client.post(path, data={"kind": "problem", "title": "新タイトル", "body": "", "category": "work", "section_id": 0,
                            "csrf_token": csrf_token(client, path)})
    assert idea.title == "新タイトル" and idea.kind == "problem"
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "idea", AuditEntry.object_id == idea.id))
    changes = {field: (old, new) for entry in entries if entry.action == "idea.update" for field, old, new in entry.changes}
    assert changes["title"] == ("旧タイトル", "新タイトル") and changes["kind"] == ("idea", "problem")
    from tracker.ideas import services

    services.vote(idea, make.user())
    assert client.get(path).status_code == 403
    assert "コメント" in client.get(f"/ideas/{idea.id}").get_data(as_text=True)


def test_attachment_upload_and_download(client, make, login):
    from io import BytesIO

    login(make.user())
    response = client.post("/ideas/new", data={
        "kind": "problem", "title": "様式が多すぎる", "category": "work", "section_id": 0,
        "attachments": (BytesIO("様式一覧".encode()), "様式一覧.csv"),
        "csrf_token": csrf_token(client, "/ideas/new"),
    }, content_type="multipart/form-data")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "様式一覧.csv" in page
    import re

    link = re.search(r'href="(/ideas/attachments/\d+)"', page).group(1)
    assert client.get(link).get_data() == "様式一覧".encode()


def test_overdue_answers_are_listed_per_section(client, make, login):
    section = make.section(name="総務課")
    make.idea(title="期限切れの提案", section_id=section.id, state="reviewing", answer_due=local_today() - timedelta(days=3))
    make.idea(title="まだ期限内", section_id=section.id, state="reviewing", answer_due=local_today() + timedelta(days=3))
    login(make.user())
    page = client.get("/ideas/overdue").get_data(as_text=True)
    assert "総務課" in page and "期限切れの提案" in page and "まだ期限内" not in page


def test_anonymous_author_stays_hidden_in_comments_and_history(client, make, login):
    from tracker.ideas import services

    author = make.user(name="匿名 希望")
    idea = make.idea(author=author, title="押印の廃止", anonymous=True)
    services.add_comment(idea, author, "補足です")
    login(make.user())
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "補足です" in page and "匿名 希望" not in page
