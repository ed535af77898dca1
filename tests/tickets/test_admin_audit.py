"""An administrator's changes to the ticket vocabulary are in the audit log, old → new, one entry each."""
from sqlalchemy import func, select

from tests.conftest import csrf_token
from tracker.core.audit import AuditEntry
from tracker.tickets.models import CustomField, IssueStatus


def _since(db, last_id):
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id)))


def _last(db):
    return db.session.scalar(select(func.max(AuditEntry.id))) or 0


def test_status_created_changed_and_deleted(client, make, login, db):
    admin = login(make.admin())
    last = _last(db)
    token = csrf_token(client, "/issue_statuses")
    client.post("/issue_statuses", data={"csrf_token": token, "name": "保留", "position": "7"})
    status = db.session.scalar(select(IssueStatus).where(IssueStatus.name == "保留"))
    client.post(f"/issue_statuses/{status.id}", data={"csrf_token": token, "name": "保留中", "position": "7",
                                                      "is_closed": "1"})
    client.post(f"/issue_statuses/{status.id}", data={"csrf_token": token, "name": "保留中", "position": "7",
                                                      "is_closed": "1"})  # the same again: nothing changes
    client.post(f"/issue_statuses/{status.id}", data={"csrf_token": token, "action": "delete", "confirmed": "1"})
    created, changed, deleted = _since(db, last)
    assert (created.action, created.actor_id, created.object_id) == ("admin.ticket_setting_created", admin.id, status.id)
    assert ["name", None, "保留"] in created.changes and created.details == {"kind": "issue_status", "name": "保留"}
    assert changed.action == "admin.ticket_setting_changed"
    assert sorted(changed.changes) == [["is_closed", False, True], ["name", "保留", "保留中"]]
    assert deleted.action == "admin.ticket_setting_deleted" and ["name", "保留中", None] in deleted.changes


def test_a_refused_change_records_nothing(client, make, login, db):
    login(make.admin())
    make.status("新規")
    last = _last(db)
    client.post("/issue_statuses", data={"csrf_token": csrf_token(client, "/issue_statuses"), "name": "新規"})
    assert _since(db, last) == []


def test_custom_field_choices_and_trackers_old_to_new(client, make, login, db):
    login(make.admin())
    task, issue = make.tracker("タスク"), make.tracker("課題")
    data = {"csrf_token": csrf_token(client, "/custom_fields/new"), "name": "制約", "field_format": "list",
            "possible_values": "予算\n人員", "is_filter": "1", "tracker_ids": [str(task.id)]}
    client.post("/custom_fields/new", data=data)
    field = db.session.scalar(select(CustomField).where(CustomField.name == "制約"))
    last = _last(db)
    client.post(f"/custom_fields/{field.id}/edit", data={**data, "possible_values": "予算\n人員\n制度",
                                                         "tracker_ids": [str(task.id), str(issue.id)]})
    [changed] = _since(db, last)
    assert sorted(changed.changes) == [["possible_values", "予算\n人員", "予算\n人員\n制度"],
                                       ["trackers", ["タスク"], ["タスク", "課題"]]]
    last = _last(db)
    client.post(f"/custom_fields/{field.id}/edit", data={"csrf_token": data["csrf_token"], "action": "delete", "confirmed": "1"})
    [deleted] = _since(db, last)
    assert (deleted.action, deleted.details) == ("admin.ticket_setting_deleted", {"kind": "custom_field", "name": "制約"})
