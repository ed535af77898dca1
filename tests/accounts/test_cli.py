from sqlalchemy import select

from tracker.accounts.models import User
from tracker.accounts.passwords import verify_password
from tracker.cli import main


def _run(app, *args):
    return app.test_cli_runner().invoke(main, list(args), catch_exceptions=False)


def test_user_create(app, db):
    result = _run(app, "user", "create", "--login", "oosawa", "--name", "大澤 恵", "--email", "oosawa@example.lg.jp", "--password", "a-good-long-pass", "--admin")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.login == "oosawa"))
    assert user.is_admin and verify_password(user.password_hash, "a-good-long-pass")


def test_user_create_refuses_a_duplicate_login(app, db, make):
    make.user(login="dup")
    result = _run(app, "user", "create", "--login", "dup", "--name", "X", "--email", "x@example.lg.jp", "--password", "a-good-long-pass")
    assert result.exit_code == 1
    assert "already taken" in result.output or "すでに使われています" in result.output


def test_user_create_refuses_a_weak_password(app, db):
    result = _run(app, "user", "create", "--login", "weak", "--name", "X", "--email", "weak@example.lg.jp", "--password", "abc")
    assert result.exit_code == 1
    assert db.session.scalar(select(User).where(User.login == "weak")) is None


def test_api_key_prints_only_a_new_key_and_stores_its_digest(app, db, make):
    user = make.user(login="apiuser")
    result = _run(app, "user", "api-key", "apiuser")
    assert result.exit_code == 0
    key = result.output.strip()
    assert len(key) == 40 and "\n" not in key
    assert user.api_key_digest != key
    assert User.by_api_key(key) == user
    again = _run(app, "user", "api-key", "apiuser").output.strip()
    assert again != key and User.by_api_key(key) is None


def test_api_key_for_unknown_user_fails(app, db):
    result = _run(app, "user", "api-key", "ghost")
    assert result.exit_code == 1
    assert "ghost" in result.output


def test_demo_loads_twice_without_duplicates(app, db):
    first = _run(app, "demo")
    assert first.exit_code == 0, first.output
    count = db.session.query(User).count()
    second = _run(app, "demo")
    assert second.exit_code == 0
    assert db.session.query(User).count() == count
    assert "wg-demo-2026" in second.output
    assert db.session.scalar(select(User).where(User.login == "honma")).section.name == "市民課"
