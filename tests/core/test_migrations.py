"""The schema comes from the Alembic migrations; these tests fail when models and migrations disagree."""
import os

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tracker import create_app
from tracker.core.db import include_object
from tracker.extensions import db as _db

PG_URL = os.environ.get("TRACKER_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _differences(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": include_object})
        return compare_metadata(context, _db.metadata)


def test_models_match_migrations_on_the_test_database(app):
    with app.app_context():
        assert _differences(_db.engine) == []


def _pg_reachable() -> str | None:
    try:
        engine = sa.create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return None
    except Exception as exc:  # any connection failure means: skip with the reason
        return f"PostgreSQL not reachable at {PG_URL}: {exc.__class__.__name__}"


@pytest.mark.postgres
def test_models_match_migrations_on_postgresql():
    reason = _pg_reachable()
    if reason:
        pytest.skip(reason)
    from flask_migrate import upgrade

    schema = f"migcheck_{os.getpid()}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as connection:
        connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        app = create_app(
            "test",
            SQLALCHEMY_DATABASE_URI=PG_URL,
            SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"options": f"-csearch_path={schema}"}},
        )
        with app.app_context():
            upgrade()
            assert _differences(_db.engine) == []
            _db.engine.dispose()
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        admin.dispose()
