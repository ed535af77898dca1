"""Status codes, envelopes and field names of the Redmine-compatible API, as Redmine 5.0.4 answers them."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tracker.accounts.services import issue_api_key
from tracker.tickets import services
from tracker.tickets.models import IssueStatus, Tracker

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "redmine-5.0.4"


@pytest.fixture
def team(db, make):
    leader, observer, outsider = make.user(name="本間 一郎"), make.user(), make.user()
    wg = make.wg(members={leader: "WG責任者", observer: "オブザーバー"})
    keys = {name: issue_api_key(u) for name, u in (("leader", leader), ("observer", observer), ("outsider", outsider))}
    db.session.commit()  # a request that fails rolls its session back: the setup must be committed
    return {"leader": leader, "observer": observer, "outsider": outsider, "wg": wg, "keys": keys}


def call(client, method, path, key=None, **kwargs):
    headers = {"X-Redmine-API-Key": key} if key else {}
    return getattr(client, method)(path, headers=headers, **kwargs)


def new_ticket(team, **values):
    tracker = values.pop("tracker_id", None)
    from sqlalchemy import select

    from tracker.extensions import db

    tracker = tracker or db.session.scalar(select(Tracker.id).order_by(Tracker.position))
    ticket = services.create_ticket(team["leader"], team["wg"], {"tracker_id": tracker, "subject": "件名", **values})
    db.session.commit()
    return ticket


def test_without_credentials_401_and_bad_key_401(client, team):
    assert call(client, "get", "/issues.json").status_code == 401
    response = call(client, "get", "/issues.json", key="nope")
    assert response.status_code == 401 and "errors" in response.get_json()
    # A write without credentials is 401 too (not a CSRF failure).
    assert call(client, "post", "/issues.json", json={"issue": {"subject": "x"}}).status_code == 401


def test_key_parameter_and_basic_auth_with_the_key(client, team):
    key = team["keys"]["leader"]
    assert client.get(f"/users/current.json?key={key}").status_code == 200
    import base64

    basic = base64.b64encode(f"{key}:".encode()).decode()
    response = client.get("/users/current.json", headers={"Authorization": f"Basic {basic}"})
    assert response.get_json()["user"]["login"] == team["leader"].login
    assert response.get_json()["user"]["lastname"] == "本間" and response.get_json()["user"]["firstname"] == "一郎"


def test_list_envelope_and_fields_match_redmine(client, team):
    for n in range(30):
        new_ticket(team, subject=f"チケット {n}")
    key = team["keys"]["leader"]
    page = call(client, "get", f"/issues.json?project_id={team['wg'].identifier}", key).get_json()
    reference = json.loads((FIXTURES / "issues-page.json").read_text())
    assert set(reference) == set(page)
    assert (page["total_count"], page["offset"], page["limit"], len(page["issues"])) == (30, 0, 25, 25)  # default 25
    missing = set(reference["issues"][0]) - set(page["issues"][0]) - {"assigned_to", "fixed_version", "parent"}
    assert not missing
    assert page["issues"][0]["created_on"].endswith("Z") and len(page["issues"][0]["created_on"]) == 20
    big = call(client, "get", "/issues.json?limit=500&offset=20", key).get_json()
    assert (big["limit"], big["offset"], len(big["issues"])) == (100, 20, 10)  # at most 100


def test_status_filters(client, team, db):
    from sqlalchemy import select

    key = team["keys"]["leader"]
    open_one = new_ticket(team, subject="未完了")
    closed = db.session.scalar(select(IssueStatus).where(IssueStatus.is_closed.is_(True)))
    done = new_ticket(team, subject="完了", status_id=closed.id)

    def ids(query):
        return {i["id"] for i in call(client, "get", f"/issues.json?{query}", key).get_json()["issues"]}

    assert ids("") == {open_one.id}  # open by default, as Redmine
    assert ids("status_id=closed") == {done.id}
    assert ids("status_id=*") == {open_one.id, done.id}
    assert ids(f"status_id={closed.id}") == {done.id}
    assert ids(f"issue_id={done.id}&status_id=*") == {done.id}
    response = call(client, "get", "/issues.json?status_id=banana", key)
    assert response.status_code == 422 and response.get_json()["errors"]


def test_create_201_location_update_204_delete_204(client, team):
    key = team["keys"]["leader"]
    response = call(client, "post", "/issues.json", key, json={"issue": {
        "project_id": team["wg"].identifier, "subject": "新しいチケット", "description": "説明"}})
    assert response.status_code == 201
    issue = response.get_json()["issue"]
    assert response.headers["Location"].endswith(f"/issues/{issue['id']}.json")
    assert issue["subject"] == "新しいチケット" and issue["author"]["id"] == team["leader"].id
    path = f"/issues/{issue['id']}.json"
    response = call(client, "put", path, key, json={"issue": {"notes": "メモ", "done_ratio": 50}})
    assert response.status_code == 204 and response.data == b""
    shown = call(client, "get", f"{path}?include=journals", key).get_json()["issue"]
    assert shown["done_ratio"] == 50 and shown["journals"][-1]["notes"] == "メモ"
    assert {"property": "attr", "name": "done_ratio", "old_value": "0", "new_value": "50"} in shown["journals"][-1]["details"]
    assert call(client, "delete", path, key).status_code == 204
    assert call(client, "get", path, key).status_code == 404


def test_422_403_404(client, team):
    response = call(client, "post", "/issues.json", team["keys"]["leader"],
                    json={"issue": {"project_id": team["wg"].id, "subject": ""}})
    assert response.status_code == 422 and response.get_json()["errors"]
    ticket = new_ticket(team, is_private=True)
    assert call(client, "get", f"/issues/{ticket.id}.json", team["keys"]["outsider"]).status_code == 404
    response = call(client, "put", f"/issues/{ticket.id}.json", team["keys"]["outsider"], json={"issue": {"notes": "x"}})
    assert response.status_code == 404
    public = new_ticket(team)
    response = call(client, "delete", f"/issues/{public.id}.json", team["keys"]["observer"])
    assert response.status_code == 403 and response.get_json()["errors"]
    assert call(client, "get", "/users.json", team["keys"]["observer"]).status_code == 403
    assert call(client, "get", "/projects/no-such-wg.json", team["keys"]["leader"]).status_code == 404


def test_stale_lock_version_is_refused(client, team):
    key = team["keys"]["leader"]
    ticket = new_ticket(team, subject="元の件名")
    path = f"/issues/{ticket.id}.json"
    version = call(client, "get", path, key).get_json()["issue"]["lock_version"]
    assert call(client, "put", path, key, json={"issue": {"subject": "先の変更", "lock_version": version}}).status_code == 204
    response = call(client, "put", path, key, json={"issue": {"subject": "後の変更", "lock_version": version}})
    assert response.status_code == 422 and response.get_json()["errors"]
    assert call(client, "get", path, key).get_json()["issue"]["subject"] == "先の変更"


def test_session_writes_need_the_csrf_token(client, team, login):
    from tests.conftest import csrf_token

    login(team["leader"])
    body = {"issue": {"project_id": team["wg"].id, "subject": "画面から"}}
    assert client.post("/issues.json", json=body).status_code == 400
    token = csrf_token(client, "/")
    assert client.post("/issues.json", json=body, headers={"X-CSRFToken": token}).status_code == 201


def test_show_includes(client, team):
    key = team["keys"]["leader"]
    parent = new_ticket(team, subject="親")
    child = new_ticket(team, subject="子", parent_id=parent.id)
    services.set_watching(parent, team["leader"], team["leader"], True)
    shown = call(client, "get", f"/issues/{parent.id}.json?include=children,attachments,relations,changesets,journals,watchers,allowed_statuses",
                 key).get_json()["issue"]
    reference = json.loads((FIXTURES / "issue-1-full.json").read_text())["issue"]
    assert set(reference) - set(shown) <= {"assigned_to", "fixed_version", "changesets"}
    assert shown["children"] == [{"id": child.id, "tracker": shown["tracker"], "subject": "子"}]
    assert shown["watchers"] == [{"id": team["leader"].id, "name": team["leader"].name}]
    assert shown["allowed_statuses"] and all({"id", "name", "is_closed"} == set(s) for s in shown["allowed_statuses"])


def test_enumerations_and_projects(client, team):
    key = team["keys"]["observer"]
    for path, envelope in (("/trackers.json", "trackers"), ("/issue_statuses.json", "issue_statuses"),
                           ("/enumerations/issue_priorities.json", "issue_priorities")):
        reference = json.loads((FIXTURES / path.split("/")[-1]).read_text())
        answer = call(client, "get", path, key).get_json()
        assert set(answer) == set(reference) and set(answer[envelope][0]) == set(reference[envelope][0])
    project = call(client, "get", f"/projects/{team['wg'].identifier}.json", key).get_json()["project"]
    assert set(project) == set(json.loads((FIXTURES / "project.json").read_text())["project"])
    members = call(client, "get", f"/projects/{team['wg'].id}/memberships.json", key).get_json()
    assert members["total_count"] == 2 and members["memberships"][0]["roles"][0]["name"] == "WG責任者"


def test_custom_fields_on_create_and_show(client, team, db):
    from tracker.tickets.admin import services as admin_services

    trackers = [t.id for t in db.session.query(Tracker).all()]
    field = admin_services.save_custom_field(None, name="担当課", field_format="list", possible_values=["市民課", "情報政策課"],
                                             is_for_all=True, tracker_ids=trackers)
    db.session.commit()
    key = team["keys"]["leader"]
    body = {"issue": {"project_id": team["wg"].id, "subject": "担当課つき", "custom_fields": [{"id": field.id, "value": "市民課"}]}}
    response = call(client, "post", "/issues.json", key, json=body)
    assert response.status_code == 201
    assert response.get_json()["issue"]["custom_fields"] == [{"id": field.id, "name": "担当課", "value": "市民課"}]
    body["issue"]["custom_fields"] = [{"id": field.id, "value": "存在しない課"}]
    assert call(client, "post", "/issues.json", key, json=body).status_code == 422
    listed = call(client, "get", f"/issues.json?cf_{field.id}=市民課", key).get_json()
    assert [i["subject"] for i in listed["issues"]] == ["担当課つき"]
    admin = call(client, "get", "/custom_fields.json", key)
    assert admin.status_code == 403  # definitions are for administrators, as in Redmine


def test_upload_tokens_belong_to_their_uploader(client, team):
    upload = call(client, "post", "/uploads.json?filename=memo.txt", team["keys"]["leader"], data=b"memo",
                  content_type="application/octet-stream")
    assert upload.status_code == 201
    token = upload.get_json()["upload"]["token"]
    ticket = new_ticket(team)
    stolen = call(client, "put", f"/issues/{ticket.id}.json", team["keys"]["observer"],
                  json={"issue": {"notes": "x", "uploads": [{"token": token}]}})
    assert stolen.status_code in (403, 422)
    wrong = call(client, "put", f"/issues/{ticket.id}.json", team["keys"]["leader"],
                 json={"issue": {"uploads": [{"token": token.split(".")[0] + ".bad"}]}})
    assert wrong.status_code == 422
    used = call(client, "put", f"/issues/{ticket.id}.json", team["keys"]["leader"], json={"issue": {"uploads": [{"token": token}]}})
    assert used.status_code == 204
    again = call(client, "put", f"/issues/{ticket.id}.json", team["keys"]["leader"], json={"issue": {"uploads": [{"token": token}]}})
    assert again.status_code == 422
    shown = call(client, "get", f"/issues/{ticket.id}.json?include=attachments,journals", team["keys"]["leader"]).get_json()["issue"]
    assert [a["filename"] for a in shown["attachments"]] == ["memo.txt"]
    assert shown["journals"][-1]["details"][0]["property"] == "attachment"


def test_uploads_never_attached_are_removed_after_a_day(client, team, db):
    from datetime import timedelta

    from tracker.core.db import utcnow
    from tracker.tickets import attachments as files
    from tracker.tickets.models import Attachment

    key = team["keys"]["leader"]
    old = call(client, "post", "/uploads.json?filename=old.txt", key, data=b"old", content_type="application/octet-stream")
    old_id = old.get_json()["upload"]["id"]
    attachment = db.session.get(Attachment, old_id)
    path = files.disk_path(attachment)
    attachment.created_at = utcnow() - timedelta(days=2)
    db.session.commit()
    call(client, "post", "/uploads.json?filename=new.txt", key, data=b"new", content_type="application/octet-stream")
    db.session.expire_all()
    assert db.session.get(Attachment, old_id) is None and not path.exists()


def test_journal_notes_update_204_403_404_422(client, team, db, make):
    from tracker.tickets.models import Journal
    from tracker.extensions import db as _db

    member = make.user()
    make.member(team["wg"], member, "メンバー")
    member_key = issue_api_key(member)
    ticket = new_ticket(team)
    leaders = services.add_note(ticket, team["leader"], "責任者のメモ")
    own = services.add_note(ticket, member, "自分のメモ")
    private = services.add_note(ticket, team["leader"], "非公開メモ", private_notes=True)
    db.session.commit()
    put = lambda j, key, payload: call(client, "put", f"/journals/{j.id}.json", key=key, json=payload)  # noqa: E731

    assert put(own, member_key, {"journal": {"notes": "書き直した"}}).status_code == 204
    assert put(leaders, member_key, {"journal": {"notes": "x"}}).status_code == 403
    assert put(leaders, team["keys"]["leader"], {"journal": {"notes": "責任者が直した", "private_notes": True}}).status_code == 204
    assert put(private, team["keys"]["observer"], {"journal": {"notes": "x"}}).status_code == 404
    assert put(private, team["keys"]["outsider"], {"journal": {"notes": "x"}}).status_code == 404
    assert call(client, "put", "/journals/999999.json", key=team["keys"]["leader"], json={"journal": {"notes": "x"}}).status_code == 404
    bad = put(own, member_key, {"journal": {"notes": ["not", "text"]}})
    assert bad.status_code == 422 and bad.get_json()["errors"]
    _db.session.expire_all()
    assert _db.session.get(Journal, own.id).notes == "書き直した"
    edited = _db.session.get(Journal, leaders.id)
    assert edited.notes == "責任者が直した" and edited.private_notes is True
    shown = call(client, "get", f"/issues/{ticket.id}.json?include=journals", key=team["keys"]["leader"]).get_json()
    assert "書き直した" in [j["notes"] for j in shown["issue"]["journals"]]
    # Redmine 5: emptied and without details, the journal is gone.
    assert put(own, member_key, {"journal": {"notes": ""}}).status_code == 204
    assert _db.session.get(Journal, own.id) is None
