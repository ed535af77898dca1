import threading

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token
from tracker.accounts.models import OrgRole
from tracker.core.services import ServiceError
from tracker.ideas import services
from tracker.ideas.models import IdeaVote, IdeaVoteAudit


def _vote(client, idea, action="vote"):
    return client.post(f"/ideas/{idea.id}/vote", data={"action": action, "csrf_token": csrf_token(client, f"/ideas/{idea.id}")})


def test_vote_and_take_it_back(client, make, login, db):
    idea = make.idea()
    voter = login(make.user())
    _vote(client, idea)
    assert idea.vote_count == 1
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "投票を取り消す" in page
    _vote(client, idea, "unvote")
    assert idea.vote_count == 0
    actions = list(db.session.scalars(select(IdeaVoteAudit.action).where(IdeaVoteAudit.idea_id == idea.id, IdeaVoteAudit.user_id == voter.id)))
    assert actions == ["vote", "unvote"]


def test_voting_twice_is_refused_with_a_message(client, make, login, db):
    idea = make.idea()
    login(make.user())
    _vote(client, idea)
    response = _vote(client, idea)
    assert "すでに投票しています" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(IdeaVote).where(IdeaVote.idea_id == idea.id)) == 1
    assert idea.vote_count == 1


def test_author_vote_does_not_count(make):
    author = make.user()
    idea = make.idea(author=author)
    with pytest.raises(ServiceError, match="投票できません|does not count"):
        services.vote(idea, author)
    assert idea.vote_count == 0


def test_closed_and_merged_posts_take_no_votes(make):
    moderator = make.user(org_roles=[OrgRole.IDEA_MODERATOR])
    closed = make.idea(state="rejected")
    original, duplicate = make.idea(), make.idea()
    services.merge(duplicate, original, moderator)
    voter = make.user()
    for idea in (closed, duplicate):
        with pytest.raises(ServiceError):
            services.vote(idea, voter)
    assert closed.vote_count == 0 and duplicate.vote_count == 0


def test_vote_record_is_for_moderators_only(client, make, login, switch_user):
    idea = make.idea()
    voter = make.user(name="投票 次郎")
    services.vote(idea, voter)
    login(make.user())
    assert client.get(f"/ideas/{idea.id}/votes").status_code == 403
    assert "投票 次郎" not in client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    switch_user(make.user(org_roles=[OrgRole.IDEA_MODERATOR]))
    page = client.get(f"/ideas/{idea.id}/votes").get_data(as_text=True)
    assert "投票 次郎" in page and "投票" in page


def test_concurrent_votes_are_counted_exactly(database_url, tmp_path):
    """Many staff vote at once (and some press the button twice): the count equals the distinct voters."""
    from flask_migrate import upgrade

    from tests.live import separate_database
    from tracker import create_app
    from tracker.accounts.models import Department, Section, User
    from tracker.extensions import db
    from tracker.ideas.models import Idea

    voters = 16
    with separate_database(database_url, tmp_path) as (url, options):
        app = create_app("test", SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True, "pool_size": 20, **options}
                         if not url.startswith("sqlite") else options, RATELIMIT_ENABLED=False)
        with app.app_context():
            upgrade()
            section = Section(department=Department(name="部"), name="課")
            users = [User(login=f"v{n}", name=f"v{n}", email=f"v{n}@example.lg.jp", section=section) for n in range(voters + 1)]
            db.session.add_all(users)
            db.session.flush()
            idea_id = services.create_idea(users[0], kind="idea", title="同時投票", category="work").id
            db.session.commit()
            user_ids = [u.id for u in users]
            db.session.remove()

        barrier = threading.Barrier(voters * 2)
        errors, refused = [], []

        def cast(user_id):
            with app.app_context():
                try:
                    barrier.wait(timeout=30)  # before any query: on SQLite a transaction holds the write lock
                    user = db.session.get(User, user_id)
                    idea = db.session.get(Idea, idea_id)
                    services.vote(idea, user)
                    db.session.commit()
                except ServiceError:
                    db.session.rollback()
                    refused.append(user_id)
                except Exception as exc:  # noqa: BLE001 - reported below
                    db.session.rollback()
                    errors.append(repr(exc))
                finally:
                    db.session.remove()

        # every voter twice at once: the author (index 0) is refused, each double press is refused once
        threads = [threading.Thread(target=cast, args=(uid,)) for uid in user_ids[1:] * 2]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert errors == []
        with app.app_context():
            idea = db.session.get(Idea, idea_id)
            rows = db.session.scalar(select(func.count()).select_from(IdeaVote).where(IdeaVote.idea_id == idea_id))
            assert rows == voters and idea.vote_count == voters
            assert len(refused) == voters
            db.session.remove()
            db.engine.dispose()
