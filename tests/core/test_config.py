import pytest
from sqlalchemy import text

from config import ConfigError, load_config
from tracker import create_app


def test_production_refuses_a_missing_secret_key(monkeypatch):
    monkeypatch.delenv("TRACKER_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="TRACKER_SECRET_KEY"):
        create_app("production")


def test_production_refuses_a_short_secret_key(monkeypatch):
    monkeypatch.setenv("TRACKER_SECRET_KEY", "short")
    with pytest.raises(ConfigError, match="at least|32"):
        create_app("production")


def test_production_starts_with_a_long_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_SECRET_KEY", "x" * 40)
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'p.db'}")
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_environment_variables_override_settings(monkeypatch):
    monkeypatch.setenv("TRACKER_DATABASE_URL", "postgresql+psycopg://u@h/db")
    monkeypatch.setenv("TRACKER_LOGIN_MAX_FAILURES", "3")
    config = load_config("development")
    assert config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://u@h/db"
    assert config.LOGIN_MAX_FAILURES == 3


def test_unknown_environment_name_is_refused():
    with pytest.raises(ConfigError, match="staging"):
        load_config("staging")


def test_default_database_is_sqlite_under_instance(monkeypatch):
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    config = load_config("development")
    assert config.SQLALCHEMY_DATABASE_URI.startswith("sqlite:///")
    assert config.SQLALCHEMY_DATABASE_URI.endswith("/tracker.db")


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(app, db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas only apply to SQLite")
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 1000


def test_without_tracker_env_production_runs(monkeypatch):
    # An operator who forgets TRACKER_ENV must not get the development key that is in the repository.
    monkeypatch.delenv("TRACKER_ENV", raising=False)
    monkeypatch.delenv("TRACKER_SECRET_KEY", raising=False)
    assert load_config().name == "production"
    with pytest.raises(ConfigError, match="TRACKER_SECRET_KEY"):
        create_app()


def test_without_tracker_env_a_long_secret_key_starts_production(monkeypatch, tmp_path):
    monkeypatch.delenv("TRACKER_ENV", raising=False)
    monkeypatch.setenv("TRACKER_SECRET_KEY", "y" * 40)
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'p.db'}")
    app = create_app()
    assert app.config["SECRET_KEY"] == "y" * 40
    assert app.debug is False
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_the_repository_development_key_is_refused_in_production(monkeypatch):
    from config import DevelopmentConfig

    monkeypatch.setenv("TRACKER_SECRET_KEY", DevelopmentConfig.default_secret_key)
    with pytest.raises(ConfigError, match="TRACKER_SECRET_KEY"):
        create_app("production")


def test_make_run_sets_the_development_environment():
    from config import PROJECT_ROOT

    makefile = (PROJECT_ROOT / "Makefile").read_text()
    assert "TRACKER_ENV" in makefile and "development" in makefile
