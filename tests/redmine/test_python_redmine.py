"""The Redmine-compatible API driven by python-redmine (a real client nobody here wrote) over HTTP."""
from __future__ import annotations

import pytest
from redminelib import Redmine
from redminelib import exceptions as rex

from tests.live import live_app
from tracker.extensions import db


@pytest.fixture(scope="module")
def live(database_url, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("redmine-live")
    with live_app(database_url, tmp_path, BASE_URL="http://127.0.0.1") as server:
        with server.app.app_context():
            from tracker.accounts.services import issue_api_key
            from tests.factories import Factories

            make = Factories(db)
            leader = make.user(login="leader", name="本間 一郎")
            member = make.user(login="member", name="谷内田 花子")
            observer = make.user(login="observer", name="阿部 次郎")
            outsider = make.user(login="outsider", name="外部 太郎")
            wg = make.wg(identifier="mynumber-wg", name="マイナンバーカード普及・活用WG",
                         members={leader: "WG責任者", member: "メンバー", observer: "オブザーバー"})
            make.wg(identifier="secret-wg", name="非公開WG", is_public=False, members={leader: "WG責任者"})
            server.keys = {u.login: issue_api_key(u) for u in (leader, member, observer, outsider)}
            server.ids = {"leader": leader.id, "member": member.id, "observer": observer.id, "wg": wg.id}
            db.session.commit()
        yield server


def client(live, login="leader") -> Redmine:
    return Redmine(live.url, key=live.keys[login], version="5.0.4")


def test_create_read_update_delete(live):
    redmine = client(live)
    issue = redmine.issue.create(project_id="mynumber-wg", subject="出張申請の拡充", description="全市民SCで実施",
                                 assigned_to_id=live.ids["member"], estimated_hours=4, start_date="2026-04-01")
    assert issue.id > 0
    read = redmine.issue.get(issue.id)
    assert read.subject == "出張申請の拡充"
    assert read.project.id == live.ids["wg"]
    assert read.assigned_to.id == live.ids["member"]
    assert read.status.name == "新規"
    assert read.estimated_hours == 4.0
    assert str(read.start_date) == "2026-04-01"

    statuses = {s.name: s.id for s in redmine.issue_status.all()}
    redmine.issue.update(issue.id, status_id=statuses["進行中"], notes="7月8日 437件受付")
    read = redmine.issue.get(issue.id, include=["journals", "allowed_statuses"])
    assert read.status.name == "進行中"
    last = list(read.journals)[-1]
    assert last.notes == "7月8日 437件受付"
    assert {"property": "attr", "name": "status_id", "old_value": str(statuses["新規"]),
            "new_value": str(statuses["進行中"])} in last.details
    assert "終了" in [s.name for s in read.allowed_statuses]

    # A resource object saved after a change: python-redmine PUTs only the changed fields.
    read.subject = "出張申請（申請時来庁方式）の拡充"
    read.save()
    assert redmine.issue.get(issue.id).subject == "出張申請（申請時来庁方式）の拡充"

    redmine.issue.delete(issue.id)
    with pytest.raises(rex.ResourceNotFoundError):
        redmine.issue.get(issue.id)


def test_filters_and_paging_past_100(live):
    redmine = client(live)
    priorities = {p.name: p.id for p in redmine.enumeration.filter(resource="issue_priorities")}
    parent = redmine.issue.create(project_id="mynumber-wg", subject="親チケット")
    for n in range(130):
        redmine.issue.create(project_id="mynumber-wg", subject=f"一括 {n}", parent_issue_id=parent.id,
                             priority_id=priorities["高"] if n % 2 else priorities["通常"])
    children = redmine.issue.filter(project_id="mynumber-wg", parent_id=parent.id, status_id="*")
    assert len(children) == 130
    seen = [i.id for i in children]  # python-redmine pages with offset/limit (100 + 30)
    assert len(set(seen)) == 130
    high = redmine.issue.filter(project_id="mynumber-wg", parent_id=parent.id, priority_id=priorities["高"])
    assert len(high) == 65
    ordered = list(redmine.issue.filter(parent_id=parent.id, sort="id:desc", limit=5))
    assert [i.id for i in ordered] == sorted(seen, reverse=True)[:5]
    assert len(redmine.issue.filter(parent_id=parent.id, created_on=">=2000-01-01T00:00:00Z", status_id="*")) == 130
    assert len(redmine.issue.filter(parent_id=parent.id, assigned_to_id="me")) == 0
    first_page = redmine.issue.filter(parent_id=parent.id, offset=120, limit=25)
    assert len(list(first_page)) == 10


def test_relations_watchers_uploads_and_time(live, tmp_path):
    redmine = client(live)
    a = redmine.issue.create(project_id="mynumber-wg", subject="交付通知の短縮")
    b = redmine.issue.create(project_id="mynumber-wg", subject="予約システムの導入")

    relation = redmine.issue_relation.create(issue_id=a.id, issue_to_id=b.id, relation_type="blocks")
    assert relation.relation_type == "blocks"
    assert [r.id for r in redmine.issue_relation.filter(issue_id=b.id)] == [relation.id]
    with pytest.raises(rex.ValidationError):  # the same pair again
        redmine.issue_relation.create(issue_id=b.id, issue_to_id=a.id, relation_type="relates")
    redmine.issue_relation.delete(relation.id)
    assert list(redmine.issue_relation.filter(issue_id=b.id)) == []

    issue = redmine.issue.get(a.id)
    issue.watcher.add(live.ids["member"])
    assert [w.id for w in redmine.issue.get(a.id, include=["watchers"]).watchers] == [live.ids["member"]]
    issue.watcher.remove(live.ids["member"])
    assert list(redmine.issue.get(a.id, include=["watchers"]).watchers) == []

    path = tmp_path / "申請書.txt"
    path.write_bytes("出張申請の様式".encode())
    redmine.issue.update(a.id, notes="様式を添付", uploads=[{"path": str(path), "filename": "申請書.txt",
                                                            "description": "様式"}])
    attachments = list(redmine.issue.get(a.id, include=["attachments"]).attachments)
    assert [(x.filename, x.filesize, x.description) for x in attachments] == [("申請書.txt", path.stat().st_size, "様式")]
    downloaded = redmine.download(attachments[0].content_url.replace("http://127.0.0.1", live.url))
    assert downloaded.content == path.read_bytes()
    created = redmine.issue.create(project_id="mynumber-wg", subject="添付つき", uploads=[{"path": str(path)}])
    assert len(list(redmine.issue.get(created.id, include=["attachments"]).attachments)) == 1

    entry = redmine.time_entry.create(issue_id=a.id, hours=1.5, spent_on="2026-07-08", comments="出張申請対応")
    assert entry.hours == 1.5
    assert [e.id for e in redmine.time_entry.filter(issue_id=a.id)] == [entry.id]
    assert redmine.issue.get(a.id).spent_hours == 1.5
    redmine.time_entry.update(entry.id, hours=2)
    assert redmine.time_entry.get(entry.id).hours == 2.0
    redmine.time_entry.delete(entry.id)
    assert list(redmine.time_entry.filter(issue_id=a.id)) == []


def test_errors_map_to_the_clients_exceptions(live):
    redmine = client(live)
    with pytest.raises(rex.AuthError):
        Redmine(live.url, key="wrong-key").issue.get(1)
    with pytest.raises(rex.AuthError):
        Redmine(live.url, username="leader", password="wrong").user.get("current")
    with pytest.raises(rex.ValidationError, match="件名|subject|題名"):
        redmine.issue.create(project_id="mynumber-wg", subject="")
    with pytest.raises(rex.ResourceNotFoundError):
        redmine.issue.get(999999)
    secret = redmine.issue.create(project_id="secret-wg", subject="非公開")
    with pytest.raises(rex.ResourceNotFoundError):  # what a user may not see is 404
        client(live, "outsider").issue.get(secret.id)
    with pytest.raises(rex.ForbiddenError):  # an observer sees the WG but may not create
        client(live, "observer").issue.create(project_id="mynumber-wg", subject="観察者")
    with pytest.raises(rex.ForbiddenError):
        client(live, "member").user.all()[0]
    # A stale lock_version is refused and changes nothing.
    issue = redmine.issue.create(project_id="mynumber-wg", subject="競合")
    redmine.issue.update(issue.id, subject="先に保存")
    with pytest.raises(rex.ValidationError):
        redmine.issue.update(issue.id, subject="古い版から", lock_version=0)
    assert redmine.issue.get(issue.id).subject == "先に保存"


def test_projects_users_and_vocabularies(live):
    redmine = client(live)
    assert redmine.user.get("current").login == "leader"
    assert {p.identifier for p in redmine.project.all()} >= {"mynumber-wg", "secret-wg"}
    assert "secret-wg" not in {p.identifier for p in client(live, "outsider").project.all()}
    project = redmine.project.get("mynumber-wg")
    assert project.name == "マイナンバーカード普及・活用WG"
    members = {m.user.name: [r.name for r in m.roles] for m in redmine.project_membership.filter(project_id="mynumber-wg")}
    assert members["本間 一郎"] == ["WG責任者"]
    version = redmine.version.create(project_id="mynumber-wg", name="R8年度末", due_date="2027-03-31")
    assert [v.name for v in redmine.version.filter(project_id="mynumber-wg")] == ["R8年度末"]
    issue = redmine.issue.create(project_id="mynumber-wg", subject="マイルストーンつき", fixed_version_id=version.id)
    assert redmine.issue.get(issue.id).fixed_version.name == "R8年度末"
    assert [t.name for t in redmine.tracker.all()][:2] == ["タスク", "課題"]
    assert "通常" in [p.name for p in redmine.enumeration.filter(resource="issue_priorities")]
    results = redmine.search("マイルストーン")
    assert issue.id in [r.id for r in results.get("issues", [])]
