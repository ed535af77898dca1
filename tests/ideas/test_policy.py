"""The idea and idea-comment policies: every active member of staff sees every post (also one without an
owning section); the author of an anonymous post is 匿名 to all but themselves and the moderators,
next to the post and next to their comments on it."""
from tests.policy_checks import anonymous, assert_visibility
from tracker.core import policy
from tracker.ideas import services


def test_a_post_without_section_and_its_comments_are_seen_by_all_staff(db, make):
    idea = make.idea(section_id=None)
    comment = services.add_comment(idea, make.user(), "賛成です")
    staff, inactive = make.user(), make.user(active=False)
    for obj in (idea, comment):
        assert_visibility(obj, {"staff": (staff, True), "inactive": (inactive, False), "anonymous": (anonymous(), False)})


def test_the_author_of_an_anonymous_post_is_hidden_except_from_moderators(db, make):
    author, staff, moderator = make.user(), make.user(), make.user(org_roles=["idea_moderator"])
    idea = make.idea(author=author, anonymous=True)
    own_comment = services.add_comment(idea, author, "補足します")
    other_comment = services.add_comment(idea, staff, "いいですね")
    assert not policy.can(staff, "see_author", idea) and not policy.can(staff, "see_author", own_comment)
    assert policy.can(moderator, "see_author", idea) and policy.can(moderator, "see_author", own_comment)
    assert policy.can(author, "see_author", idea)
    assert policy.can(staff, "see_author", other_comment)  # only the anonymous author is hidden


def test_a_named_post_shows_its_author(db, make):
    idea = make.idea(anonymous=False)
    assert policy.can(make.user(), "see_author", idea)


def test_answering_is_the_owning_sections_and_a_post_without_section_has_nobody_to_answer(db, make):
    section = make.section()
    clerk, other = make.user(section=section), make.user(section=None)
    owned = make.idea(section_id=section.id)
    unowned = make.idea(section_id=None)
    assert policy.can(clerk, "answer", owned) and not policy.can(other, "answer", owned)
    assert not policy.can(clerk, "answer", unowned) and not policy.can(other, "answer", unowned)


def test_the_api_and_the_page_show_an_anonymous_author_as_anonymous(db, make, client, login):
    author = make.user(name="秘密 太郎")
    staff, moderator = make.user(), make.user(org_roles=["idea_moderator"])
    idea = make.idea(author=author, anonymous=True, title="会議室予約を簡単に")
    services.add_comment(idea, author, "補足です")
    db.session.commit()
    login(staff)
    data = client.get(f"/api/v1/ideas/{idea.id}").get_json()
    comments = client.get(f"/api/v1/ideas/{idea.id}/comments").get_json()
    assert data and "秘密 太郎" not in str(data) and "秘密 太郎" not in str(comments)
    assert "秘密 太郎" not in client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    login(moderator)
    assert "秘密 太郎" in str(client.get(f"/api/v1/ideas/{idea.id}").get_json())
