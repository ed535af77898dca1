"""A post's history (履歴): who changed what, old → new, on the post's page; the author of an anonymous post is
匿名 there too for everyone except the author and the moderators."""
from datetime import timedelta

from sqlalchemy import select

from tests.conftest import csrf_token
from tracker.accounts.models import OrgRole
from tracker.core.audit import AuditEntry
from tracker.core.i18n import local_today
from tracker.ideas import services


def _history(client, idea) -> str:
    return client.get(f"/ideas/{idea.id}").get_data(as_text=True).split('class="history"')[1]


def _entries(db, idea):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "idea", AuditEntry.object_id == idea.id)
                              .order_by(AuditEntry.id)).all()


def test_review_and_answer_are_in_the_history_with_who_did_them(client, make, login, db):
    section = make.section(name="市民課")
    moderator = make.user(name="森 モデレーター", org_roles=[OrgRole.IDEA_MODERATOR])
    answerer = make.user(name="市川 主査", section=section)
    idea = make.idea(author=make.user(name="投稿 太郎"), title="窓口の予約制")
    services.assign(idea, moderator, section_id=section.id, due=local_today() + timedelta(days=14))
    services.answer(idea, answerer, state="accepted", text="来年度から試行します。")
    services.mark_done(idea, answerer, "運用を開始しました。")
    created, assigned, answered, done = _entries(db, idea)
    assert created.action == "idea.create" and ["title", None, "窓口の予約制"] in created.changes
    assert sorted(c[0] for c in assigned.changes) == ["answer_due", "section_id", "state"]
    assert ["state", "reviewing", "accepted"] in answered.changes and done.notes == "運用を開始しました。"
    login(make.user())
    history = _history(client, idea)
    assert "森 モデレーター" in history and "市川 主査" in history and "投稿 太郎" in history
    assert "新規" in history and "検討中" in history and "採用" in history  # states by their labels
    assert "市民課" in history and "来年度から試行します。" in history and "運用を開始しました。" in history


def test_an_edit_that_changes_nothing_records_nothing(client, make, login, db):
    author = make.user()
    idea = make.idea(author=author, title="様式の統一", body="一行目\n二行目")
    login(author)
    path = f"/ideas/{idea.id}/edit"
    form = {"kind": "idea", "title": "様式の統一", "body": "一行目\r\n二行目", "category": "work", "section_id": 0}
    client.post(path, data={**form, "csrf_token": csrf_token(client, path)})
    assert [e.action for e in _entries(db, idea)] == ["idea.create"]


def test_the_anonymous_author_stays_anonymous_in_the_history(client, make, login, db, switch_user):
    author = make.user(name="匿名 希望")
    idea = make.idea(author=author, title="休憩室の改善", anonymous=True)
    services.update_idea(idea, author, kind="idea", title="休憩室を明るく", body="", category="work", section_id=None,
                         anonymous=True)
    services.add_comment(idea, author, "補足です")
    colleague = make.user(name="同僚 花子")
    services.add_comment(idea, colleague, "賛成です")
    assert {e.actor_id for e in _entries(db, idea)} == {author.id, colleague.id}  # the log itself knows
    login(make.user())
    history = _history(client, idea)
    assert "匿名 希望" not in history and "匿名" in history and "同僚 花子" in history
    assert "休憩室を明るく" in history
    switch_user(author)
    assert "匿名 希望" in _history(client, idea)  # the author sees their own name
    switch_user(make.user(org_roles=[OrgRole.IDEA_MODERATOR]))
    assert "匿名 希望" in _history(client, idea)  # and so do the moderators


def test_a_named_post_shows_its_author_in_the_history(client, make, login):
    author = make.user(name="記名 次郎")
    idea = make.idea(author=author, title="掲示板の電子化")
    login(make.user())
    assert "記名 次郎" in _history(client, idea)
