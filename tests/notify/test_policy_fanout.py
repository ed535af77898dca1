"""Notifications obey the access policy: an event reaches a recipient (in the app, by mail, in the digest)
only if they may see its subject and, for a ticket note, the note. Tried at every preference level."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event as sa_event, select

from tracker.core import events
from tracker.extensions import db as _db
from tracker.notify import services as notify_services
from tracker.notify.digest import send_digests
from tracker.notify.models import Notification, NotificationPreference, OutboxMessage
from tracker.tickets import services as tickets

LEVELS = ("all", "mine", "none")
EMAILS = ("immediate", "digest")


@pytest.fixture
def team(make):
    """A WG with a leader (who acts), a member (may see private tickets and notes) and an observer (may
    not), plus the default tracker."""
    leader, member, observer = make.user(name="責任者"), make.user(name="メンバー"), make.user(name="オブザーバー")
    wg = make.wg(members={leader: "WG責任者", member: "メンバー", observer: "オブザーバー"}, is_public=False)
    return type("Team", (), {"wg": wg, "leader": leader, "member": member, "observer": observer,
                             "tracker": make.tracker()})


def _prefer(users, level, email):
    for user in users:
        _db.session.add(NotificationPreference(user_id=user.id, level=level, email=email, overrides={}))
    _db.session.flush()


def _notified(user) -> list[Notification]:
    return list(_db.session.scalars(select(Notification).where(Notification.user_id == user.id)))


def _mails(user) -> list[OutboxMessage]:
    return list(_db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient_id == user.id)))


def _after_digest_hour():
    return datetime(2026, 12, 2, 23, 0, tzinfo=ZoneInfo("Asia/Tokyo"))


def _assert_delivery(user, *, expected: bool, level: str, email: str, text: str, mail_text: str | None = None):
    """``user`` got the event (in the app and by mail, at once or in the digest) exactly when expected.
    The digest lists titles only: ``mail_text`` is what its mail must contain."""
    notes = [n for n in _notified(user) if text in n.title or text in (n.body or "")]
    mails = [m for m in _mails(user) if (mail_text or text) in m.body_text]
    gets = expected and level != "none"
    assert bool(notes) == gets, (user.name, level, email, [n.title for n in _notified(user)])
    assert bool(mails) == gets, (user.name, level, email, [m.subject for m in _mails(user)])
    if gets:
        assert mails[0].kind == ("digest" if email == "digest" else notes[0].kind)


@pytest.mark.parametrize("email", EMAILS)
@pytest.mark.parametrize("level", LEVELS)
def test_a_private_ticket_reaches_only_those_who_may_see_it(db, team, level, email):
    _prefer([team.member, team.observer], level, email)
    ticket = tickets.create_ticket(
        team.leader, team.wg,
        {"tracker_id": team.tracker.id, "subject": "職員の人事評価の見直し", "is_private": True},
        # both watch it: "only what concerns me" concerns them both
        watcher_ids=[team.member.id, team.observer.id],
    )
    assert ticket.is_private and not ticket.visible_to(team.observer) and ticket.visible_to(team.member)
    if email == "digest":
        send_digests(_after_digest_hour())
    _assert_delivery(team.member, expected=True, level=level, email=email, text="職員の人事評価の見直し")
    _assert_delivery(team.observer, expected=False, level=level, email=email, text="職員の人事評価の見直し")


@pytest.mark.parametrize("email", EMAILS)
@pytest.mark.parametrize("level", LEVELS)
def test_a_private_note_reaches_only_those_who_may_see_private_notes(db, make, team, level, email):
    ticket = make.ticket(wg=team.wg, author=team.leader, subject="窓口の混雑緩和")
    from tracker.tickets.models import Watcher

    db.session.add_all([Watcher(ticket_id=ticket.id, user_id=u.id) for u in (team.member, team.observer)])
    db.session.flush()
    db.session.expire(ticket, ["watchers"])
    assert ticket.visible_to(team.observer)  # the ticket itself is not private
    _prefer([team.member, team.observer], level, email)
    tickets.update_ticket(ticket, team.leader, notes="候補者は田中さん（内密に）", private_notes=True)
    if email == "digest":
        send_digests(_after_digest_hour())
    _assert_delivery(team.member, expected=True, level=level, email=email, text="候補者は田中さん",
                     mail_text="窓口の混雑緩和")
    _assert_delivery(team.observer, expected=False, level=level, email=email, text="候補者は田中さん",
                     mail_text="窓口の混雑緩和")
    assert _notified(team.observer) == [] and _mails(team.observer) == []


@pytest.mark.parametrize("level", LEVELS)
def test_the_fan_out_itself_drops_recipients_the_emitter_named_but_who_may_not_see(db, make, team, level):
    """Even when an emitter lists someone who may not see the subject as concerned, the fan-out drops them."""
    ticket = make.ticket(wg=team.wg, author=team.leader, subject="非公開の調整", is_private=True)
    _prefer([team.member, team.observer], level, "immediate")
    events.emit(events.Event(kind="ticket.updated", title="非公開の調整が更新されました", url=ticket.url,
                             actor=team.leader, recipients=[team.member, team.observer], wg=team.wg, subject=ticket))
    _assert_delivery(team.member, expected=True, level=level, email="immediate", text="非公開の調整")
    _assert_delivery(team.observer, expected=False, level=level, email="immediate", text="非公開の調整")


def test_an_event_without_a_subject_is_refused(db, make):
    actor, reader = make.user(), make.user()
    with pytest.raises(LookupError):
        events.emit(events.Event(kind="ticket.updated", title="x", url="/", actor=actor, recipients=[reader]))


def test_a_subject_without_a_policy_is_refused(db, make):
    actor, reader = make.user(), make.user()
    with pytest.raises(LookupError):  # a section has no access policy: nobody can say who may hear of it
        events.emit(events.Event(kind="ticket.updated", title="x", url="/", actor=actor, recipients=[reader],
                                 subject=make.section()))
    assert _notified(reader) == []


# -- anonymous ideas -------------------------------------------------------------------------------


@pytest.mark.parametrize("email", EMAILS)
@pytest.mark.parametrize("level", LEVELS)
def test_the_author_of_an_anonymous_idea_is_anonymous_as_the_actor_of_notifications(db, make, level, email, client, login):
    from tracker.ideas import services as ideas

    author = make.user(name="匿名希望 太郎", login="tokumei")
    staff = make.user(name="職員 花子", login="hanako", language="ja")
    moderator = make.user(name="管理者 次郎", login="jiro", language="ja", org_roles=["idea_moderator"])
    _prefer([staff, moderator], level, email)
    idea = make.idea(author=author, anonymous=True, title="庁内の紙申請をなくしたい")
    ideas.add_comment(idea, author, "@hanako @jiro ご意見ください")
    if email == "digest":
        send_digests(_after_digest_hour())
    staff_notes, moderator_notes = _notified(staff), _notified(moderator)
    if level == "none":
        assert staff_notes == [] and moderator_notes == [] and _mails(staff) == [] and _mails(moderator) == []
        return
    [seen_by_staff], [seen_by_moderator] = staff_notes, moderator_notes
    # staff: 匿名 everywhere (stored without the actor's id, in the list, the API and the mail)
    assert seen_by_staff.actor_id is None and seen_by_staff.actor_anonymous
    assert "匿名希望" not in seen_by_staff.title
    [staff_mail], [moderator_mail] = _mails(staff), _mails(moderator)
    assert "匿名希望" not in staff_mail.body_text and "匿名希望" not in staff_mail.body_html
    if email == "immediate":
        assert "匿名" in staff_mail.body_text
    # the moderator sees who it is
    assert seen_by_moderator.actor_id == author.id and not seen_by_moderator.actor_anonymous
    if email == "immediate":
        assert "匿名希望 太郎" in moderator_mail.body_text
    db.session.commit()

    login(staff)
    page = client.get("/my/notifications").get_data(as_text=True)
    assert "匿名" in page and "匿名希望" not in page
    listed = client.get("/api/v1/notifications").get_json()["notifications"]
    assert listed[0]["actor"] == {"id": None, "name": "匿名", "anonymous": True}
    login(moderator)
    listed = client.get("/api/v1/notifications").get_json()["notifications"]
    assert listed[0]["actor"]["name"] == "匿名希望 太郎"


def test_a_named_idea_shows_its_author_as_the_actor(db, make):
    from tracker.ideas import services as ideas

    author = make.user(name="実名 三郎")
    staff = make.user(login="shiro")
    idea = make.idea(author=author, anonymous=False)
    ideas.add_comment(idea, author, "@shiro どう思いますか")
    [note] = _notified(staff)
    assert note.actor_id == author.id and not note.actor_anonymous and note.actor_label == "実名 三郎"


# -- cost -------------------------------------------------------------------------------------------


def _statements_for_event(make, members: int) -> int:
    leader = make.user()
    people = [make.user() for _ in range(members)]
    wg = make.wg(members={leader: "WG責任者", **{p: "メンバー" for p in people}}, is_public=False)
    for person in people:
        _db.session.add(NotificationPreference(user_id=person.id, level="all", email="immediate", overrides={}))
    ticket = make.ticket(wg=wg, author=leader, is_private=True)
    _db.session.flush()
    _db.session.expire_all()
    ticket = _db.session.get(type(ticket), ticket.id)
    wg, leader = ticket.wg, ticket.author
    counted = []

    def count(_conn, _cursor, statement, *_args):
        counted.append(statement.split()[0].upper())

    engine = _db.session.get_bind()
    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        notify_services.on_event(events.Event(kind="ticket.updated", title="更新", url=ticket.url, actor=leader,
                                              wg=wg, subject=ticket))
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)
    assert len(_db.session.scalars(select(Notification).where(Notification.kind == "ticket.updated",
                                                               Notification.url == ticket.url)).all()) == members
    return counted


def test_the_fan_out_costs_no_query_per_recipient(db, make):
    """Reading (who, their preferences, who may see) costs the same for 2 or 10 members; only the rows
    written (a notification and a mail per recipient) grow with the WG."""
    two = _statements_for_event(make, 2)
    ten = _statements_for_event(make, 10)
    reads_two = [s for s in two if s == "SELECT"]
    reads_ten = [s for s in ten if s == "SELECT"]
    assert len(reads_ten) == len(reads_two), f"2 members: {two}, 10 members: {ten}"
    assert len(reads_ten) <= 8
