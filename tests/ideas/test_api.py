from datetime import timedelta

from tracker.accounts.models import OrgRole
from tracker.accounts.services import issue_api_key
from tracker.core.i18n import local_today


def _h(user):
    return {"X-Redmine-API-Key": issue_api_key(user)}


def test_post_vote_comment_and_answer_through_the_api(client, make):
    section = make.section()
    author, voter = make.user(), make.user()
    moderator = make.user(org_roles=[OrgRole.IDEA_MODERATOR])
    answerer = make.user(section=section)
    response = client.post("/api/v1/ideas", json={"kind": "problem", "title": "押印が多い", "body": "様式の押印欄",
                                                  "category": "work", "section_id": section.id, "anonymous": True},
                           headers=_h(author))
    assert response.status_code == 201
    idea_id = response.json["idea"]["id"]
    assert response.headers["Location"].endswith(f"/api/v1/ideas/{idea_id}")

    voter_h = _h(voter)
    assert client.post(f"/api/v1/ideas/{idea_id}/votes", headers=voter_h).status_code == 201
    again = client.post(f"/api/v1/ideas/{idea_id}/votes", headers=voter_h)
    assert again.status_code == 422 and again.json["errors"]
    shown = client.get(f"/api/v1/ideas/{idea_id}", headers=voter_h).json["idea"]
    assert shown["vote_count"] == 1 and shown["voted"] is True and shown["author"] is None  # anonymous

    assert client.post(f"/api/v1/ideas/{idea_id}/comments", json={"body": "電子申請で不要になりました"}, headers=voter_h).status_code == 201
    comments = client.get(f"/api/v1/ideas/{idea_id}/comments", headers=voter_h).json["comments"]
    assert comments[0]["body"] == "電子申請で不要になりました"

    due = (local_today() + timedelta(days=7)).isoformat()
    assert client.post(f"/api/v1/ideas/{idea_id}/assignment", json={"section_id": section.id, "answer_due": due}, headers=voter_h).status_code == 403
    assert client.post(f"/api/v1/ideas/{idea_id}/assignment", json={"section_id": section.id, "answer_due": due},
                       headers=_h(moderator)).json["idea"]["state"] == "reviewing"
    refused = client.post(f"/api/v1/ideas/{idea_id}/answer", json={"state": "accepted", "answer": "x"}, headers=voter_h)
    assert refused.status_code == 403
    answered = client.post(f"/api/v1/ideas/{idea_id}/answer", json={"state": "accepted", "answer": "押印を廃止します"}, headers=_h(answerer))
    assert answered.json["idea"]["state"] == "accepted" and answered.json["idea"]["answer"] == "押印を廃止します"

    assert client.delete(f"/api/v1/ideas/{idea_id}/votes", headers=voter_h).status_code == 204
    listing = client.get("/api/v1/ideas?kind=problem&q=押印", headers=voter_h).json
    assert [i["id"] for i in listing["ideas"]] == [idea_id] and listing["total_count"] == 1


def test_api_refuses_bad_input(client, make):
    user = make.user()
    response = client.post("/api/v1/ideas", json={"title": "", "kind": "x"}, headers=_h(user))
    assert response.status_code == 422 and len(response.json["errors"]) == 2
    assert client.get("/api/v1/ideas").status_code == 401


def test_ideas_are_in_the_openapi_document(client, make):
    document = client.get("/api/v1/openapi.json", headers=_h(make.user())).json
    for path in ("/ideas", "/ideas/{idea_id}", "/ideas/{idea_id}/votes", "/ideas/{idea_id}/comments", "/ideas/{idea_id}/answer"):
        assert path in document["paths"]
    assert "Idea" in document["components"]["schemas"]
