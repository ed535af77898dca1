from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tracker.accounts.models import OrgRole
from tracker.core.i18n import local_today
from tracker.core.services import ServiceError
from tracker.ideas import services
from tracker.ideas.models import IdeaComment


def test_comments_thread_one_level_and_mentions_notify(client, make, login, db, emitted):
    idea = make.idea()
    mentioned = make.user(login="sato")
    login(make.user())
    path = f"/ideas/{idea.id}"
    client.post(f"{path}/comments", data={"body": "良い案です。@sato さんどう思いますか", "csrf_token": csrf_token(client, path)})
    top = db.session.scalar(select(IdeaComment).where(IdeaComment.idea_id == idea.id))
    client.post(f"{path}/comments", data={"body": "返信です", "parent_id": top.id, "csrf_token": csrf_token(client, path)})
    reply = db.session.scalar(select(IdeaComment).where(IdeaComment.body == "返信です"))
    client.post(f"{path}/comments", data={"body": "返信への返信", "parent_id": reply.id, "csrf_token": csrf_token(client, path)})
    deeper = db.session.scalar(select(IdeaComment).where(IdeaComment.body == "返信への返信"))
    assert reply.parent_id == top.id and deeper.parent_id == top.id  # one level only
    assert idea.comment_count == 3
    mentions = [e for e in emitted if e.kind == "idea.mentioned"]
    assert len(mentions) == 1 and mentions[0].recipients == [mentioned]
    page = client.get(path).get_data(as_text=True)
    history = page.split('class="history"')[1]
    assert "返信への返信" in page and "コメント" in history and f"#{deeper.id} 返信への返信" in history  # the history says one was added


def test_empty_comment_keeps_page_and_changes_nothing(client, make, login):
    idea = make.idea()
    login(make.user())
    path = f"/ideas/{idea.id}"
    response = client.post(f"{path}/comments", data={"body": "  ", "csrf_token": csrf_token(client, path)})
    assert response.status_code == 422
    assert idea.comment_count == 0


def _assigned(make, section, **kw):
    moderator = make.user(org_roles=[OrgRole.IDEA_MODERATOR])
    idea = make.idea(**kw)
    services.assign(idea, moderator, section_id=section.id, due=local_today() + timedelta(days=14))
    return idea, moderator


def test_moderator_assigns_and_section_answers(client, make, login, switch_user, emitted):
    section = make.section(name="人事課")
    author = make.user()
    idea = make.idea(author=author)
    moderator = make.user(org_roles=[OrgRole.IDEA_MODERATOR])
    login(moderator)
    path = f"/ideas/{idea.id}"
    due = local_today() + timedelta(days=10)
    client.post(f"{path}/assign", data={"section_id": section.id, "answer_due": due.isoformat(), "csrf_token": csrf_token(client, path)})
    assert idea.state == "reviewing" and idea.answer_due == due and idea.section_id == section.id
    switch_user(make.user(section=section))
    client.post(f"{path}/answer", data={"state": "partly", "answer": "まずは見える化から検討します。", "csrf_token": csrf_token(client, path)})
    assert idea.state == "partly" and idea.answer == "まずは見える化から検討します。"
    page = client.get(path).get_data(as_text=True)
    assert "所管課の回答" in page and "一部採用" in page
    answered = [e for e in emitted if e.kind == "idea.answered"]
    assert answered and answered[0].recipients == [author]
    assert [e.kind for e in emitted].count("idea.state_changed") == 1


def test_answering_from_another_section_is_refused(client, make, login):
    owner = make.section()
    idea, _moderator = _assigned(make, owner)
    login(make.user(section=make.section()))
    path = f"/ideas/{idea.id}"
    response = client.post(f"{path}/answer", data={"state": "accepted", "answer": "やります", "csrf_token": csrf_token(client, path)})
    assert response.status_code == 403 and "回答できるのは所管課の職員だけです" in response.get_data(as_text=True)
    assert idea.state == "reviewing" and idea.answer is None
    with pytest.raises(ServiceError, match="所管課"):
        services.answer(idea, make.user(section=make.section()), state="accepted", text="やります")


def test_answer_without_text_keeps_input(client, make, login):
    section = make.section()
    idea, _m = _assigned(make, section)
    login(make.user(section=section))
    path = f"/ideas/{idea.id}"
    response = client.post(f"{path}/answer", data={"state": "accepted", "answer": "", "csrf_token": csrf_token(client, path)})
    assert response.status_code == 422 and idea.state == "reviewing"


def test_done_notifies_author_and_voters(make, emitted):
    section = make.section()
    author, voter = make.user(), make.user()
    idea, moderator = _assigned(make, section, author=author)
    services.vote(idea, voter)
    member = make.user(section=section)
    services.answer(idea, member, state="accepted", text="採用します")
    services.mark_done(idea, member, "運用開始")
    assert idea.state == "done"
    done = [e for e in emitted if e.kind == "idea.state_changed" and e.data["state"] == "done"]
    assert set(done[0].recipients) == {author, voter}
    with pytest.raises(ServiceError):
        services.vote(idea, make.user())  # 実施済 is closed


def test_assign_in_the_past_is_refused(make):
    moderator = make.user(org_roles=[OrgRole.IDEA_MODERATOR])
    idea = make.idea()
    with pytest.raises(ServiceError, match="過去"):
        services.assign(idea, moderator, section_id=make.section().id, due=local_today() - timedelta(days=1))
    assert idea.state == "new"
    with pytest.raises(ServiceError):
        services.assign(idea, make.user(), section_id=make.section().id, due=local_today())


def test_comment_edits_are_journaled_and_only_by_their_author(client, make, login, db):
    from tracker.core.audit import AuditEntry

    idea = make.idea()
    writer = make.user()
    comment = services.add_comment(idea, writer, "最初の文")
    with pytest.raises(ServiceError):
        services.update_comment(comment, make.user(), "他人の編集")
    login(writer)
    path = f"/ideas/comments/{comment.id}/edit"
    client.post(path, data={"body": "直した文", "csrf_token": csrf_token(client, path)})
    assert comment.body == "直した文"
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "idea", AuditEntry.object_id == idea.id))
    assert ["comment_edited", "最初の文", "直した文"] in [c for entry in entries for c in entry.changes or []]
    history = client.get(f"/ideas/{idea.id}").get_data(as_text=True).split('class="history"')[1]
    assert "最初の文" in history and "直した文" in history


def test_overdue_answers_are_reported_once_to_the_section_and_moderators(make, emitted):
    from tracker.core import events

    section = make.section()
    staff = make.user(section=section)
    idea, moderator = _assigned(make, section)
    idea.answer_due = local_today() - timedelta(days=1)
    check = events.periodic_checks()["ideas.answer_overdue"]
    check()
    check()
    reports = [e for e in emitted if e.kind == "idea.answer_overdue"]
    assert len(reports) == 1 and {staff, moderator} <= set(reports[0].recipients)
    idea.answer_due = local_today() - timedelta(days=2)  # a new due date that also passed: reported again
    check()
    assert len([e for e in emitted if e.kind == "idea.answer_overdue"]) == 2


def test_a_mention_ignores_case_like_the_tickets_do(client, make, login, db, emitted):
    idea = make.idea()
    mentioned = make.user(login="Kimura")
    login(make.user())
    path = f"/ideas/{idea.id}"
    client.post(f"{path}/comments", data={"body": "@kimura. 確認をお願いします", "csrf_token": csrf_token(client, path)})
    mentions = [e for e in emitted if e.kind == "idea.mentioned"]
    assert len(mentions) == 1 and mentions[0].recipients == [mentioned]
