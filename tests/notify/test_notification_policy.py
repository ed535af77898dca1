"""The notification policy: a notification is its recipient's alone, also one without actor or WG."""
from tests.policy_checks import anonymous, assert_visibility
from tracker.core import policy


def test_a_notification_is_seen_only_by_its_recipient(db, make):
    owner, other, admin = make.user(), make.user(), make.admin()
    note = make.notification(owner, actor_id=None, wg_id=None)
    assert_visibility(note, {"recipient": (owner, True), "someone else": (other, False), "admin": (admin, False),
                             "anonymous": (anonymous(), False)})
    assert policy.can(owner, "mark_read", note) and not policy.can(other, "mark_read", note)


def test_opening_someone_elses_notification_is_a_404(db, make, client, login):
    owner, other = make.user(), make.user()
    note = make.notification(owner, url="/projects")
    db.session.commit()
    login(other)
    assert client.get(f"/my/notifications/{note.id}").status_code == 404
    login(owner)
    assert client.get(f"/my/notifications/{note.id}").status_code == 302
