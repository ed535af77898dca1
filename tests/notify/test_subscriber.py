"""Events become in-app notifications and outbox mail for the right people, in their language."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from flask_babel import lazy_gettext
from sqlalchemy import select

from tracker.core import events
from tracker.core.services import ServiceError, commit_or_flash
from tracker.notify.digest import send_digests
from tracker.notify.models import Notification, NotificationPreference, OutboxMessage


def _notified(db, user):
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id)).all()


def _mail(db, user):
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient_id == user.id)).all()


def _prefer(db, user, **fields):
    db.session.add(NotificationPreference(user_id=user.id, **{"level": "mine", "email": "immediate", "overrides": {}, **fields}))
    db.session.flush()


def test_recipients_get_a_notification_and_a_mail_in_their_language_but_not_the_actor(db, make, ticket_event):
    actor, author, assignee = make.user(), make.user(language="ja"), make.user(language="en")
    events.emit(ticket_event(actor, [author, assignee, actor], body="期限を12月に延期"))

    [ja] = _notified(db, author)
    [en] = _notified(db, assignee)
    assert ja.title == "チケットが更新されました"
    assert en.title == "A ticket was updated"
    assert ja.body == "期限を12月に延期" and ja.url == "/issues/42" and ja.actor_id == actor.id
    assert _notified(db, actor) == [] and _mail(db, actor) == []

    [mail_ja] = _mail(db, author)
    [mail_en] = _mail(db, assignee)
    assert mail_ja.subject == "チケットが更新されました" and mail_ja.to_address == author.email
    assert "http://127.0.0.1:5000/issues/42" in mail_ja.body_text and "期限を12月に延期" in mail_ja.body_text
    assert "通知設定" in mail_ja.body_text
    assert 'href="http://127.0.0.1:5000/issues/42"' in mail_ja.body_html
    assert "Open in WG Tracker" in mail_en.body_html and "notification settings" in mail_en.body_text
    assert mail_ja.status == "pending" and mail_ja.message_id.startswith("<") and mail_ja.message_id != mail_en.message_id


def test_wg_members_hear_of_everything_only_when_they_chose_it(db, make, ticket_event):
    actor, everything, default, outsider = make.user(), make.user(), make.user(), make.user()
    wg = make.wg(name="窓口DX WG", members={everything: "メンバー", default: "メンバー", actor: "WG責任者"})
    _prefer(db, everything, level="all")
    _prefer(db, outsider, level="all")

    events.emit(ticket_event(actor, [], wg=wg))

    assert [n.wg_id for n in _notified(db, everything)] == [wg.id]
    assert _mail(db, everything)[0].subject == "[窓口DX WG] チケットが更新されました"
    assert _notified(db, default) == []  # "only what concerns me" is the default
    assert _notified(db, outsider) == []  # not a member of this WG


def test_nothing_and_per_kind_overrides(db, make, ticket_event):
    actor, quiet, picky, member = make.user(), make.user(), make.user(), make.user()
    wg = make.wg(members={member: "メンバー"})
    _prefer(db, quiet, level="none")
    _prefer(db, picky, overrides={"ticket.updated": "none"})
    _prefer(db, member, overrides={"ticket.created": "all"})

    events.emit(ticket_event(actor, [quiet, picky], wg=wg))
    events.emit(ticket_event(actor, [quiet, picky], wg=wg, kind="ticket.created"))

    assert _notified(db, quiet) == []
    assert [n.kind for n in _notified(db, picky)] == ["ticket.created"]
    assert [n.kind for n in _notified(db, member)] == ["ticket.created"]


def test_inactive_users_and_users_who_want_no_mail(db, make, ticket_event):
    actor, gone, app_only = make.user(), make.user(active=False), make.user()
    _prefer(db, app_only, email="off")
    events.emit(ticket_event(actor, [gone, app_only]))
    assert _notified(db, gone) == []
    assert len(_notified(db, app_only)) == 1 and _mail(db, app_only) == []


def test_daily_digest_collects_notifications_into_one_mail_a_day(db, make, ticket_event, app, monkeypatch):
    monkeypatch.setitem(app.config, "NOTIFY_DIGEST_HOUR", 8)
    actor, reader = make.user(), make.user(language="ja")
    _prefer(db, reader, email="digest")
    events.emit(ticket_event(actor, [reader]))
    events.emit(ticket_event(actor, [reader], kind="ticket.assigned"))
    assert len(_notified(db, reader)) == 2 and _mail(db, reader) == []

    tokyo = ZoneInfo("Asia/Tokyo")
    assert send_digests(datetime(2026, 11, 23, 7, 0, tzinfo=tokyo)) == 0  # before the digest hour
    assert send_digests(datetime(2026, 11, 23, 9, 0, tzinfo=tokyo)) == 1
    [digest] = _mail(db, reader)
    assert digest.kind == "digest" and "2" in digest.subject
    assert digest.body_text.count("http://127.0.0.1:5000/issues/42") == 2
    assert send_digests(datetime(2026, 11, 23, 18, 0, tzinfo=tokyo)) == 0  # once a day

    events.emit(ticket_event(actor, [reader]))
    assert send_digests(datetime(2026, 11, 24, 9, 0, tzinfo=tokyo)) == 1
    assert len(_mail(db, reader)) == 2
    assert all(not n.digest_pending for n in _notified(db, reader))


def test_a_change_rolled_back_after_its_event_leaves_no_notification_or_mail(app, db, make, ticket_event):
    actor, author = make.user(), make.user()
    wg = make.wg()
    db.session.commit()

    def update_then_refuse():
        wg.description = "変更"
        events.emit(ticket_event(actor, [author], wg=wg))
        assert len(_mail(db, author)) == 1  # written in the transaction of the change ...
        raise ServiceError("入力に誤りがあります")

    with app.test_request_context("/"):
        assert commit_or_flash(update_then_refuse) is None
    assert _mail(db, author) == [] and _notified(db, author) == []  # ... and gone with it
    db.session.refresh(wg)
    assert wg.description != "変更"


def test_registered_kinds_have_labels_and_features_can_add_more():
    kinds = events.kinds()
    for kind in ["ticket.created", "ticket.assigned", "ticket.updated", "ticket.mentioned", "idea.answered",
                 "idea.state_changed", "talent.invited", "talent.approved", "talent.completed",
                 "wg.gate_decided", "quarterly.actual_missing", "kpi.measurement_overdue"]:
        assert kinds[kind] and str(kinds[kind]) != kind
    events.register_kind("test.kind", lazy_gettext("Test kind"))
    try:
        assert "test.kind" in events.kinds()
    finally:
        events._kinds.pop("test.kind")
