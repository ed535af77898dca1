"""`tracker db check` and `tracker demo` on a database that is not migrated yet."""
from __future__ import annotations

from flask_migrate import downgrade, upgrade

from tracker import create_app
from tracker.cli import main


def _app(tmp_path):
    return create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/t.db", UPLOAD_DIR=str(tmp_path / "up"))


def test_db_check_fails_with_what_to_run_when_migrations_are_pending(tmp_path):
    app = _app(tmp_path)
    runner = app.test_cli_runner()
    result = runner.invoke(main, ["db", "check"])
    assert result.exit_code == 1
    assert "pending" in result.output and "tracker db upgrade" in result.output
    with app.app_context():
        upgrade()
        downgrade(revision="-1")
    result = runner.invoke(main, ["db", "check"])
    assert result.exit_code == 1
    assert "1 migration(s) pending" in result.output
    with app.app_context():
        upgrade()
    result = runner.invoke(main, ["db", "check"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def test_demo_before_upgrade_says_to_upgrade_instead_of_a_traceback(tmp_path):
    app = _app(tmp_path)
    result = app.test_cli_runner().invoke(main, ["demo"])
    assert result.exit_code == 1
    assert "tracker db upgrade" in result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
