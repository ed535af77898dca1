"""Password reset by e-mail ("Lost password"), for imported users without a password and forgetful ones."""
import re
from datetime import timedelta

from sqlalchemy import func, select

from tests.conftest import TEST_PASSWORD, csrf_token
from tracker.accounts.models import PasswordResetToken
from tracker.accounts.passwords import verify_password
from tracker.core.db import utcnow
from tracker.notify.models import OutboxMessage

NEW_PASSWORD = "a-brand-new-passphrase"
NEUTRAL = "一致する有効なアカウントがあれば"
INVALID = "このパスワード再設定リンクは無効です"


def _ask(client, login_or_email):
    return client.post(
        "/account/lost_password",
        data={"login": login_or_email, "csrf_token": csrf_token(client, "/account/lost_password")},
        follow_redirects=True,
    )


def _reset_mails(db, user=None):
    query = select(OutboxMessage).where(OutboxMessage.kind == "account.password_reset").order_by(OutboxMessage.id)
    if user is not None:
        query = query.where(OutboxMessage.recipient_id == user.id)
    return db.session.scalars(query).all()


def _link_path(mail: OutboxMessage) -> str:
    match = re.search(r"https?://[^/\s]+(/account/password_reset/[A-Za-z0-9_-]+)", mail.body_text)
    assert match, mail.body_text
    return match.group(1)


def _asked_link(client, db, user) -> str:
    """Ask for a reset link for ``user`` and return its path, read from the mail in the outbox."""
    _ask(client, user.login)
    return _link_path(_reset_mails(db, user)[-1])


def _set_password(client, path, password=NEW_PASSWORD, confirm=None):
    return client.post(
        path,
        data={"new_password": password, "confirm": confirm or password, "csrf_token": csrf_token(client, "/account/lost_password")},
        follow_redirects=True,
    )


def _log_in(client, login, password):
    return client.post(
        "/login", data={"login": login, "password": password, "csrf_token": csrf_token(client, "/login")}
    )


def test_whole_flow_from_the_login_page_to_logging_in(client, make, db):
    user = make.user(login="imported")
    user.password_hash = None  # imported from Redmine: no password at all
    user.locked_until = utcnow() + timedelta(minutes=10)
    login_page = client.get("/login").get_data(as_text=True)
    assert "パスワードを忘れた場合" in login_page and "/account/lost_password" in login_page

    page = _ask(client, "imported").get_data(as_text=True)
    assert NEUTRAL in page

    [mail] = _reset_mails(db, user)
    assert mail.to_address == user.email and mail.status == "pending"
    assert "パスワードを設定" in mail.subject  # the user's language (ja)
    path = _link_path(mail)
    token = path.rsplit("/", 1)[1]
    # Only a digest of the token is stored.
    stored = db.session.scalar(select(PasswordResetToken).where(PasswordResetToken.user_id == user.id))
    assert stored.token_digest != token and token not in stored.token_digest
    assert stored.expires_at <= utcnow() + timedelta(hours=1)

    form = client.get(path)
    assert form.status_code == 200 and "imported" in form.get_data(as_text=True)
    assert form.headers["Referrer-Policy"] == "no-referrer"
    done = _set_password(client, path).get_data(as_text=True)
    assert "パスワードを設定しました" in done
    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert user.locked_until is None
    assert _log_in(client, "imported", NEW_PASSWORD).status_code == 302


def test_mail_is_written_in_the_users_language(client, make, db):
    user = make.user(login="english", language="en")
    _ask(client, user.email.upper())  # the e-mail address works too, whatever its case
    [mail] = _reset_mails(db, user)
    assert mail.subject == "WG Tracker: set your password"
    assert "Open this link to set your password" in mail.body_text
    assert _link_path(mail) in mail.body_html


def test_unknown_login_gets_the_same_answer_and_no_mail(client, make, db):
    make.user(login="known")
    known = _ask(client, "known").get_data(as_text=True)
    unknown = _ask(client, "nobody-here").get_data(as_text=True)
    assert NEUTRAL in unknown
    # The CSRF tokens carry the second they were signed in, in the form and in the page's meta tag: left out.
    without_tokens = re.compile(r'(value|content)="[^"]*"')
    assert without_tokens.sub("", known) == without_tokens.sub("", unknown)
    assert len(_reset_mails(db)) == 1


def test_inactive_user_gets_no_mail_and_old_links_stop_working(client, make, db):
    user = make.user(login="retired")
    path = _asked_link(client, db, user)
    user.active = False
    assert NEUTRAL in _ask(client, "retired").get_data(as_text=True)
    assert len(_reset_mails(db, user)) == 1
    page = client.get(path, follow_redirects=True).get_data(as_text=True)
    assert INVALID in page


def test_expired_link_is_refused_and_changes_nothing(client, make, db):
    user = make.user(login="slow")
    old_hash = user.password_hash
    path = _asked_link(client, db, user)
    stored = db.session.scalar(select(PasswordResetToken).where(PasswordResetToken.user_id == user.id))
    stored.expires_at = utcnow() - timedelta(seconds=1)
    page = _set_password(client, path).get_data(as_text=True)
    assert INVALID in page
    assert user.password_hash == old_hash
    assert _log_in(client, "slow", TEST_PASSWORD).status_code == 302


def test_link_works_once_and_voids_the_users_other_links(client, make, db):
    user = make.user(login="twice")
    other = make.user(login="bystander")
    _ask(client, "twice")
    _ask(client, "twice")
    _ask(client, "bystander")
    first, second = (_link_path(m) for m in _reset_mails(db, user))
    _set_password(client, first)
    assert db.session.scalar(select(func.count()).select_from(PasswordResetToken).where(PasswordResetToken.user_id == user.id)) == 0
    for path in (first, second):
        page = _set_password(client, path, password="yet-another-passphrase").get_data(as_text=True)
        assert INVALID in page
    assert verify_password(user.password_hash, NEW_PASSWORD)
    # Someone else's link still works.
    assert db.session.scalar(select(PasswordResetToken).where(PasswordResetToken.user_id == other.id)) is not None


def test_made_up_token_is_refused(client):
    page = client.get("/account/password_reset/not-a-real-token", follow_redirects=True).get_data(as_text=True)
    assert INVALID in page


def test_weak_password_is_refused_and_the_link_stays_usable(client, make, db):
    user = make.user(login="weakling")
    old_hash = user.password_hash
    path = _asked_link(client, db, user)
    page = _set_password(client, path, password="short").get_data(as_text=True)
    assert "10文字以上" in page
    page = _set_password(client, path, password=NEW_PASSWORD, confirm="something-else-entirely").get_data(as_text=True)
    assert "新しいパスワードが一致しません" in page
    assert user.password_hash == old_hash
    assert "パスワードを設定しました" in _set_password(client, path).get_data(as_text=True)


def test_requests_are_rate_limited_per_address(client, app, make, db):
    make.user(login="target")
    limit = int(app.config["PASSWORD_RESET_RATE_LIMIT"].split()[0])
    token = csrf_token(client, "/account/lost_password")
    statuses = [
        client.post("/account/lost_password", data={"login": f"guess{i}", "csrf_token": token}).status_code
        for i in range(limit + 1)
    ]
    assert statuses[:limit] == [302] * limit
    assert statuses[-1] == 429
    assert client.post("/account/lost_password", data={"login": "target", "csrf_token": token}).status_code == 429
    assert _reset_mails(db) == []


def test_one_account_gets_a_limited_number_of_mails(client, app, make, db):
    user = make.user(login="popular")
    app.config["PASSWORD_RESET_RATE_LIMIT"] = "100 per minute"
    try:
        for _ in range(app.config["PASSWORD_RESET_MAILS_PER_HOUR"] + 2):
            assert NEUTRAL in _ask(client, "popular").get_data(as_text=True)
    finally:
        app.config["PASSWORD_RESET_RATE_LIMIT"] = "5 per 10 minutes"
    assert len(_reset_mails(db, user)) == app.config["PASSWORD_RESET_MAILS_PER_HOUR"]


def test_admin_sends_a_reset_mail_from_the_user_page(client, make, login, db, app):
    imported = make.user(login="from-redmine")
    imported.password_hash = None
    admin = make.admin(name="管理 太郎")
    login(admin)
    edit = f"/admin/users/{imported.id}/edit"
    assert "パスワード再設定メールを送る" in client.get(edit).get_data(as_text=True)
    page = client.post(
        f"/admin/users/{imported.id}/password_reset", data={"csrf_token": csrf_token(client, edit)}, follow_redirects=True
    ).get_data(as_text=True)
    assert "パスワード再設定メール" in page and imported.email in page
    [mail] = _reset_mails(db, imported)
    assert "管理 太郎" in mail.body_text
    stored = db.session.scalar(select(PasswordResetToken).where(PasswordResetToken.user_id == imported.id))
    assert stored.requested_by_id == admin.id
    assert stored.expires_at > utcnow() + timedelta(hours=app.config["PASSWORD_RESET_ADMIN_HOURS"] - 1)
    # The person follows the link (after the admin has gone).
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    _set_password(client, _link_path(mail))
    assert _log_in(client, "from-redmine", NEW_PASSWORD).status_code == 302


def test_admin_cannot_send_a_reset_mail_to_a_deactivated_user(client, make, login, db):
    user = make.user(login="gone", active=False)
    login(make.admin())
    edit = f"/admin/users/{user.id}/edit"
    page = client.post(
        f"/admin/users/{user.id}/password_reset", data={"csrf_token": csrf_token(client, edit)}, follow_redirects=True
    ).get_data(as_text=True)
    assert "無効" in page
    assert _reset_mails(db, user) == []


def test_non_admin_cannot_send_reset_mails(client, make, login, db):
    victim = make.user()
    login(make.user())
    response = client.post(f"/admin/users/{victim.id}/password_reset", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 403
    assert _reset_mails(db) == []


def test_my_account_links_to_notification_settings(client, make, login):
    login(make.user())
    page = client.get("/my/account").get_data(as_text=True)
    assert 'href="/my/notifications/settings"' in page


def test_cli_sends_reset_mails_to_everyone_without_a_password(app, make, db):
    from tracker.cli import main

    imported = make.user(login="imp1")
    imported.password_hash = None
    retired = make.user(login="imp2", active=False)
    retired.password_hash = None
    has_password = make.user(login="normal")
    result = app.test_cli_runner().invoke(main, ["user", "send-reset", "--without-password"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "imp1" in result.output and "imp2" not in result.output
    [mail] = _reset_mails(db, imported)
    assert "管理者から" in mail.body_text and "/account/password_reset/" in mail.body_text
    assert _reset_mails(db, retired) == [] and _reset_mails(db, has_password) == []
    stored = db.session.scalar(select(PasswordResetToken).where(PasswordResetToken.user_id == imported.id))
    assert stored.expires_at > utcnow() + timedelta(hours=app.config["PASSWORD_RESET_ADMIN_HOURS"] - 1)


def test_cli_refuses_an_unknown_login(app, make, db):
    from tracker.cli import main

    result = app.test_cli_runner().invoke(main, ["user", "send-reset", "ghost"], catch_exceptions=False)
    assert result.exit_code == 1
    assert _reset_mails(db) == []


def test_a_password_set_by_the_admin_voids_outstanding_links(client, make, db):
    from tracker.accounts.services import update_user

    user = make.user(login="handled")
    path = _asked_link(client, db, user)
    update_user(user, password="admin-chose-this-one")
    assert INVALID in _set_password(client, path).get_data(as_text=True)
    assert verify_password(user.password_hash, "admin-chose-this-one")
