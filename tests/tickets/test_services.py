from datetime import date
from decimal import Decimal

import pytest

from tracker.core import events
from tracker.core.services import ServiceError
from tracker.tickets import services
from tracker.tickets.models import JournalDetail, Ticket


def test_create_sets_defaults_and_indexes(db, make, team, emitted):
    ticket = services.create_ticket(team.member, team.wg, {"tracker_id": make.tracker().id, "subject": "出張申請の拡充",
                                                         "description": "市民サービスセンターで @%s と実施" % team.leader.login,
                                                         "assigned_to_id": team.leader.id})
    assert ticket.status.name == "新規" and ticket.priority.name == "通常"
    assert ticket.author_id == team.member.id and ticket.lock_version >= 1
    kinds = [e.kind for e in emitted]
    assert kinds == ["ticket.created", "ticket.assigned", "ticket.mentioned"]
    created = emitted[0]
    assert {u.id for u in created.recipients} == {team.member.id, team.leader.id}
    assert created.wg is team.wg and created.url == f"/issues/{ticket.id}"
    assert [u.id for u in emitted[2].recipients] == [team.leader.id]


def test_bad_input_changes_nothing(db, make, team):
    before = db.session.query(Ticket).count()
    with pytest.raises(ServiceError) as error:
        services.create_ticket(team.member, team.wg, {"tracker_id": make.tracker().id, "subject": "",
                                                      "start_date": "2026-05-10", "due_date": "2026-05-01"})
    messages = " ".join(error.value.messages)
    assert "件名" in messages or "subject" in messages.lower()
    assert "期日" in messages or "due date" in messages.lower()
    db.session.rollback()
    assert db.session.query(Ticket).count() == before


def test_observer_cannot_create(db, make, team):
    with pytest.raises(ServiceError):
        services.create_ticket(team.observer, team.wg, {"tracker_id": make.tracker().id, "subject": "x"})


def test_update_journals_each_field_old_and_new(db, make, team, emitted):
    ticket = make.ticket(team.wg, team.member)
    journal = services.update_ticket(ticket, team.member, {"subject": "新しい件名", "due_date": "2026-12-01",
                                                           "status_id": make.status("進行中").id},
                                     notes="進めます", lock_version=ticket.lock_version)
    details = {(d.prop_key, d.old_value, d.value) for d in journal.details}
    assert ("status_id", str(make.status().id), str(make.status("進行中").id)) in details
    assert ("due_date", None, "2026-12-01") in details
    assert any(d[0] == "subject" and d[2] == "新しい件名" for d in details)
    assert journal.notes == "進めます"
    assert emitted[-1].kind == "ticket.updated"


def test_stale_lock_version_is_refused(db, make, team):
    ticket = make.ticket(team.wg, team.member)
    old = ticket.lock_version
    services.update_ticket(ticket, team.leader, {"subject": "先に保存"}, lock_version=old)
    with pytest.raises(services.StaleTicketError):
        services.update_ticket(ticket, team.member, {"subject": "後から保存"}, lock_version=old)
    assert ticket.subject == "先に保存"


def test_closing_sets_closed_on_and_done_ratio(db, make, team):
    ticket = make.ticket(team.wg, team.member)
    services.update_ticket(ticket, team.member, {"status_id": make.status("終了").id})
    assert ticket.closed_on is not None and ticket.done_ratio == 100


def test_workflow_limits_status_changes(db, make, team):
    from tracker.tickets.fields import workflow
    from tracker.wg.models import Role

    ticket = make.ticket(team.wg, team.member)
    member_role = db.session.query(Role).filter_by(name="メンバー").one()
    workflow.save_matrix(member_role.id, ticket.tracker_id, {(make.status().id, make.status("進行中").id)})
    allowed = [s.name for s in workflow.allowed_for(team.member, ticket)]
    assert allowed == ["新規", "進行中"]
    with pytest.raises(ServiceError):
        services.update_ticket(ticket, team.member, {"status_id": make.status("終了").id})


def test_subtasks_roll_up(db, make, team):
    parent = make.ticket(team.wg, team.member)
    a = services.create_ticket(team.member, team.wg, {"tracker_id": make.tracker().id, "subject": "a", "parent_id": parent.id,
                                                      "start_date": "2026-04-01", "due_date": "2026-04-10",
                                                      "estimated_hours": "10", "done_ratio": "50"})
    services.create_ticket(team.member, team.wg, {"tracker_id": make.tracker().id, "subject": "b", "parent_id": parent.id,
                                                  "start_date": "2026-04-05", "due_date": "2026-05-01",
                                                  "estimated_hours": "30", "done_ratio": "10"})
    assert parent.start_date == date(2026, 4, 1) and parent.due_date == date(2026, 5, 1)
    assert parent.estimated_hours == Decimal("40")
    assert parent.done_ratio == 20  # (10*50 + 30*10) / 40
    services.update_ticket(a, team.member, {"status_id": make.status("終了").id})
    assert parent.done_ratio == 32  # (10*100 + 30*10) / 40
    assert any(d.prop_key == "done_ratio" for j in parent.journals for d in j.details)


def test_circular_parent_is_refused(db, make, team):
    parent = make.ticket(team.wg, team.member)
    child = make.ticket(team.wg, team.member, parent=parent)
    with pytest.raises(ServiceError) as error:
        services.update_ticket(parent, team.member, {"parent_id": child.id})
    assert "循環" in " ".join(error.value.messages) or "circular" in " ".join(error.value.messages)


def test_parent_in_another_private_wg_is_refused(db, make, team):
    other = make.wg(is_public=False, members={make.user(): "メンバー"})
    hidden = make.ticket(other)
    with pytest.raises(ServiceError) as error:
        services.create_ticket(team.member, team.wg, {"tracker_id": make.tracker().id, "subject": "x", "parent_id": hidden.id})
    assert f"#{hidden.id}" in " ".join(error.value.messages)


def test_relations_precedes_reschedules_and_refuses_circles(db, make, team):
    from tracker.tickets import relations

    a = make.ticket(team.wg, team.member, start_date=date(2026, 4, 1), due_date=date(2026, 4, 10))
    b = make.ticket(team.wg, team.member, start_date=date(2026, 4, 5), due_date=date(2026, 4, 8))
    relations.add_relation(a, team.member, "precedes", b.id, delay=2)
    assert b.start_date == date(2026, 4, 13) and b.due_date == date(2026, 4, 16)
    with pytest.raises(ServiceError):
        relations.add_relation(b, team.member, "precedes", a.id)
    c = make.ticket(team.wg, team.member)
    relations.add_relation(b, team.member, "blocks", c.id)
    with pytest.raises(ServiceError) as error:
        relations.add_relation(c, team.member, "blocks", a.id)
    assert "circle" in error.value.messages[0] or "循環" in error.value.messages[0]
    kinds = {(r[0], r[1].id) for r in relations.relations_of(b)}
    assert ("follows", a.id) in kinds and ("blocks", c.id) in kinds


def test_private_notes_are_separate_from_public_changes(db, make, team):
    from tracker.tickets.journals import visible_journals

    ticket = make.ticket(team.wg, team.member)
    services.update_ticket(ticket, team.member, {"done_ratio": "30"}, notes="内部メモ", private_notes=True)
    db.session.refresh(ticket)
    public_view = visible_journals(ticket, team.outsider)
    assert [j.notes for j in public_view] == [""]
    assert {j.notes for j in visible_journals(ticket, team.leader)} == {"", "内部メモ"}


def test_copy_and_bulk_and_delete(db, make, team):
    from tracker.tickets.relations import relations_of

    source = make.ticket(team.wg, team.member, subject="原本")
    copy = services.copy_ticket(source, team.member)
    assert copy.subject == "原本" and copy.id != source.id
    assert ("copied_from", source.id) in {(k, t.id) for k, t, _r in relations_of(copy)}
    closed = make.status("終了").id
    services.bulk_update([source, copy], team.member, {"status_id": closed}, notes="一括で終了")
    assert source.status_id == closed and copy.status_id == closed
    with pytest.raises(ServiceError):
        services.bulk_update([source], team.observer, {"priority_id": make.priority("高").id})
    services.delete_ticket(copy, team.leader)
    assert db.session.get(Ticket, copy.id) is None


def test_custom_fields_multi_select_are_journaled(db, make, team):
    field = make.custom_field("分類", possible_values=["働き方・働く意義", "住民等との接点、窓口"], multiple=True)
    ticket = services.create_ticket(team.member, team.wg, {"tracker_id": make.tracker().id, "subject": "x",
                                                           "custom_fields": {field.id: ["働き方・働く意義"]}})
    journal = services.update_ticket(ticket, team.member, {"custom_fields": {str(field.id): ["住民等との接点、窓口", "働き方・働く意義"]}})
    assert [(d.property, d.old_value, d.value) for d in journal.details] == [("cf", None, "住民等との接点、窓口")]
    with pytest.raises(ServiceError):
        services.update_ticket(ticket, team.member, {"custom_fields": {field.id: ["ない値"]}})


def test_oversized_attachment_is_refused(app, db, make, team):
    from tracker.tickets.attachments import Upload

    limit = app.config["MAX_ATTACHMENT_BYTES"]
    with pytest.raises(ServiceError) as error:
        services.create_ticket(team.member, team.wg, {"tracker_id": make.tracker().id, "subject": "x"},
                               uploads=[Upload("big.pdf", b"x" * (limit + 1))])
    assert "big.pdf" in error.value.messages[0]


def test_delete_takes_subtasks_deepest_first(db, make, team):
    top = make.ticket(team.wg, team.member)
    grandchild = make.ticket(team.wg, team.member)
    child = make.ticket(team.wg, team.member, parent=top)
    grandchild.parent = child  # made before its parent: ids do not tell the depth
    db.session.flush()
    services.delete_ticket(top, team.leader)
    assert all(db.session.get(Ticket, t) is None for t in (top.id, child.id, grandchild.id))


def test_bulk_update_can_clear_a_field(db, make, team):
    from tracker.tickets.admin import services as admin_services

    category = admin_services.save_category(team.wg, None, "交付")
    db.session.flush()
    a = make.ticket(team.wg, team.member, category_id=category.id)
    services.bulk_update([a], team.member, {"category_id": None, "priority_id": ""})
    assert a.category_id is None and a.priority.name == "通常"
