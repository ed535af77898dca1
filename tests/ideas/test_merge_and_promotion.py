import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tracker.accounts.models import OrgRole
from tracker.core.services import ServiceError
from tracker.ideas import services
from tracker.ideas.models import IdeaVote
from tracker.wg.models import WorkingGroup


def test_merge_moves_votes_once_per_person_and_links_comments(client, make, login):
    moderator = make.user(org_roles=[OrgRole.IDEA_MODERATOR])
    original_author = make.user()
    original = make.idea(author=original_author, title="公式LINEの開設")
    duplicate = make.idea(title="LINEでお知らせを")
    both, only_dup, only_orig = make.user(), make.user(), make.user()
    for user in (both, only_orig):
        services.vote(original, user)
    for user in (both, only_dup, original_author):
        services.vote(duplicate, user)
    services.add_comment(duplicate, only_dup, "重複側のコメント")
    login(moderator)
    path = f"/ideas/{duplicate.id}"
    client.post(f"{path}/merge", data={"original_id": original.id, "csrf_token": csrf_token(client, path)})
    assert duplicate.merged_into_id == original.id
    assert original.vote_count == 3  # both counts once, the original's author does not count
    assert duplicate.vote_count == 0
    page = client.get(f"/ideas/{original.id}").get_data(as_text=True)
    assert "重複側のコメント" in page and f"#{duplicate.id}" in page
    assert "統合されました" in client.get(path).get_data(as_text=True)
    assert f"#{duplicate.id} " not in client.get("/ideas").get_data(as_text=True)


def test_bad_merges_are_refused_and_change_nothing(make):
    moderator = make.user(org_roles=[OrgRole.IDEA_MODERATOR])
    a, b, c = make.idea(), make.idea(), make.idea()
    services.vote(a, make.user())
    with pytest.raises(ServiceError, match="それ自身"):
        services.merge(a, a, moderator)
    services.merge(b, c, moderator)
    with pytest.raises(ServiceError, match="統合先の投稿はすでに"):
        services.merge(a, b, moderator)  # b was merged into c
    with pytest.raises(ServiceError, match="すでに別の投稿に統合"):
        services.merge(b, a, moderator)
    with pytest.raises(ServiceError):
        services.merge(a, c, make.user())  # not a moderator
    assert a.merged_into_id is None and a.vote_count == 1


def test_merge_form_error_is_shown(client, make, login):
    idea = make.idea()
    login(make.user(org_roles=[OrgRole.IDEA_MODERATOR]))
    path = f"/ideas/{idea.id}"
    page = client.post(f"{path}/merge", data={"original_id": idea.id, "csrf_token": csrf_token(client, path)}).get_data(as_text=True)
    assert "それ自身に統合することはできません" in page
    assert idea.merged_into_id is None


def test_accepted_idea_becomes_a_wg_with_purpose_and_origin(client, make, login, db):
    idea = make.idea(title="補助金データベース", body="支援制度を一元化して検索できるように", state="accepted")
    login(make.user(org_roles=[OrgRole.IDEA_MODERATOR]))
    path = f"/ideas/{idea.id}"
    client.post(f"{path}/promote", data={"name": "補助金DB WG", "identifier": "hojokin", "csrf_token": csrf_token(client, path)})
    wg = db.session.scalar(select(WorkingGroup).where(WorkingGroup.identifier == "hojokin"))
    assert idea.wg_id == wg.id
    assert "支援制度を一元化" in wg.description and f"#{idea.id}" in wg.description
    page = client.get(path).get_data(as_text=True)
    assert "補助金DB WG" in page and "/projects/hojokin" in page
    with pytest.raises(ServiceError, match="すでに"):
        services.promote_to_wg(idea, make.user(org_roles=[OrgRole.IDEA_MODERATOR]), identifier="again", name="x")


def test_only_accepted_ideas_are_promoted(make):
    idea = make.idea()
    with pytest.raises(ServiceError, match="採用"):
        services.promote_to_wg(idea, make.user(org_roles=[OrgRole.DX_OFFICE]), identifier="nope", name="x")
    assert idea.wg_id is None


def test_vote_rows_stay_unique_after_merge(make, db):
    moderator = make.user(org_roles=[OrgRole.IDEA_MODERATOR])
    a, b = make.idea(), make.idea()
    voter = make.user()
    services.vote(a, voter)
    services.vote(b, voter)
    services.merge(b, a, moderator)
    assert len(list(db.session.scalars(select(IdeaVote).where(IdeaVote.user_id == voter.id)))) == 1


def test_accepted_idea_becomes_a_ticket_in_a_wg(client, make, login, db):
    from tracker.tickets.models import Ticket

    moderator = make.user(org_roles=[OrgRole.IDEA_MODERATOR])
    wg = make.wg(name="窓口改善WG", members={moderator: "WG責任者"})
    idea = make.idea(title="窓口の予約制", body="待ち時間を減らす", state="accepted")
    login(moderator)
    path = f"/ideas/{idea.id}"
    page = client.get(path).get_data(as_text=True)
    assert "窓口改善WG" in page  # offered in the ticket form
    client.post(f"{path}/promote-ticket", data={"wg_id": wg.id, "tracker_id": 1, "csrf_token": csrf_token(client, path)})
    ticket = db.session.get(Ticket, idea.ticket_id)
    assert ticket.subject == "窓口の予約制" and ticket.wg_id == wg.id and "待ち時間を減らす" in ticket.description
    page = client.get(path).get_data(as_text=True)
    assert f"/issues/{ticket.id}" in page


def test_ticket_promotion_needs_the_right_to_add_tickets(make):
    outsider = make.user(org_roles=[OrgRole.IDEA_MODERATOR])
    wg = make.wg()
    idea = make.idea(state="accepted")
    with pytest.raises(ServiceError):
        services.promote_to_ticket(idea, outsider, wg=wg)
    assert idea.ticket_id is None
