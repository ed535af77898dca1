"""The bell, the list, mark as read, preferences, and the administrators' outbox page."""
from sqlalchemy import select

from tests.conftest import csrf_token
from tracker.core import events
from tracker.notify.models import Notification, NotificationPreference


def test_the_bell_shows_the_unread_count_on_every_page(client, login, make):
    user = login(make.user())
    page = client.get("/").get_data(as_text=True)
    assert 'href="/my/notifications"' in page and "data-unread" not in page
    make.notification(user)
    make.notification(user)
    make.notification(user, read_at=make.db.session.scalar(select(Notification.created_at).limit(1)))
    page = client.get("/projects").get_data(as_text=True)
    assert 'data-unread="2"' in page and "未読2件" in page


def test_the_list_and_following_a_notification_marks_it_read(client, login, make, db):
    user = login(make.user())
    note = make.notification(user, title="窓口DX WG: チケット #12 が更新されました", url="/projects")
    other = make.notification(make.user(), title="他人宛て")
    page = client.get("/my/notifications").get_data(as_text=True)
    assert "窓口DX WG: チケット #12 が更新されました" in page and "他人宛て" not in page

    # Following the plain link changes nothing (a GET never writes) ...
    response = client.get(f"/my/notifications/{note.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/projects")
    db.session.refresh(note)
    assert note.read_at is None
    # ... opening it from the list (a POST: the title is a button) marks it read.
    token = csrf_token(client, "/my/notifications")
    response = client.post(f"/my/notifications/{note.id}/open", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/projects")
    db.session.refresh(note)
    assert note.read_at is not None
    assert client.get(f"/my/notifications/{other.id}").status_code == 404
    assert client.post(f"/my/notifications/{other.id}/open", data={"csrf_token": token}).status_code == 404
    assert "窓口DX WG" not in client.get("/my/notifications?filter=unread").get_data(as_text=True)


def test_mark_one_and_mark_all_as_read(client, login, make, db):
    user = login(make.user())
    first, second, third = (make.notification(user) for _ in range(3))
    token = csrf_token(client, "/my/notifications")
    client.post("/my/notifications/read", data={"id": first.id, "csrf_token": token})
    db.session.expire_all()
    assert [n.is_read for n in (first, second, third)] == [True, False, False]
    response = client.post("/my/notifications/read", data={"csrf_token": token}, follow_redirects=True)
    assert "すべての通知を既読にしました" in response.get_data(as_text=True)
    db.session.expire_all()
    assert all(n.is_read for n in (first, second, third))


def test_preferences_are_saved_and_used(client, login, make, db, ticket_event):
    user = login(make.user())
    page = client.get("/my/notifications/settings").get_data(as_text=True)
    assert "参加しているWGのすべての出来事" in page and "四半期の実績が未入力" in page
    response = client.post("/my/notifications/settings", data={
        "csrf_token": csrf_token(client, "/my/notifications/settings"),
        "level": "all", "email": "digest", "kind_ticket__updated": "none",
    }, follow_redirects=True)
    assert "通知設定を保存しました" in response.get_data(as_text=True)
    pref = db.session.get(NotificationPreference, user.id)
    assert (pref.level, pref.email, pref.overrides) == ("all", "digest", {"ticket.updated": "none"})

    actor = make.user()
    wg = make.wg(members={user: "メンバー"})
    events.emit(ticket_event(actor, [user], wg=wg))  # ticket.updated: switched off
    events.emit(ticket_event(actor, [], wg=wg, kind="ticket.created"))  # everything in my WGs
    assert [n.kind for n in db.session.scalars(select(Notification).where(Notification.user_id == user.id))] == ["ticket.created"]


def test_bad_preferences_change_nothing(client, login, make, db):
    user = login(make.user())
    response = client.post("/my/notifications/settings", data={
        "csrf_token": csrf_token(client, "/my/notifications/settings"), "level": "sometimes", "email": "immediate",
    })
    assert response.status_code == 200
    assert db.session.get(NotificationPreference, user.id) is None


def test_other_users_may_not_see_the_outbox(client, login, make):
    login(make.user())
    assert client.get("/admin/mail").status_code == 403
    assert client.post("/admin/mail/retry", data={"csrf_token": csrf_token(client, "/")}).status_code == 403


def test_administrators_see_the_outbox(client, login, make):
    login(make.admin())
    page = client.get("/admin/mail").get_data(as_text=True)
    assert "メール送信キュー" in page and "送信失敗" in page


def test_demo_notifications_load_once(app, db):
    from tracker.accounts.models import User
    from tracker.cli import main

    counts = []
    for _ in range(2):
        result = app.test_cli_runner().invoke(main, ["demo"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        izumi = db.session.scalar(select(User).where(User.login == "izumi"))
        titles = db.session.scalars(select(Notification.title).where(Notification.user_id == izumi.id)).all()
        counts.append(len(titles))
    assert counts[0] == counts[1] > 0  # the second run adds nothing
    assert any("第2四半期" in t for t in titles)
    dx = db.session.scalar(select(User).where(User.login == "dx"))
    dx_titles = db.session.scalars(select(Notification.title).where(Notification.user_id == dx.id)).all()
    assert not any("CIO判断" in t for t in dx_titles)  # dx made that gate decision: the actor hears nothing of it
