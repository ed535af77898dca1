"""Shared fixtures: the app on a migrated database, a per-test rolled-back session, clients, factories.

The database is SQLite in a temporary file unless ``TRACKER_TEST_DATABASE_URL`` names another
(``.ci/run`` points it at a throwaway PostgreSQL database for the second run).
"""
from __future__ import annotations

import os
from contextlib import contextmanager
import re

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session, sessionmaker

from tests.factories import Factories
from tracker import create_app
from tracker.core.catalogs import compile_all
from tracker.extensions import db as _db
from tracker.extensions import limiter

TEST_PASSWORD = "correct-horse-battery"


def _reset_database(url: str) -> None:
    """Start every run from an empty schema, so the migrations are what builds it."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def pytest_configure(config):
    # The install step compiles the catalogs too; doing it here keeps a bare `pytest` run honest.
    compile_all()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TRACKER_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    from flask_migrate import upgrade

    _reset_database(database_url)
    app = create_app(
        "test",
        SQLALCHEMY_DATABASE_URI=database_url,
        UPLOAD_DIR=str(tmp_path_factory.mktemp("uploads")),
        SERVER_NAME="localhost",
    )
    with app.app_context():
        upgrade()
    return app


class _TestSession(scoped_session):
    """Survives the end of each request (Flask-SQLAlchemy removes the session then), so that the test
    keeps its objects; the fixture removes it for real at the end of the test."""

    def remove(self):
        pass

    def dispose(self):
        super().remove()


class _Client(FlaskClient):
    """Each request gets its own app context (and so its own ``g``), as in production."""

    def open(self, *args, **kwargs):
        # Buffered: a streamed answer (an export) is read to its end inside its request, as a server does.
        kwargs.setdefault("buffered", True)
        with self.application.app_context():
            return super().open(*args, **kwargs)


@contextmanager
def rolled_back_session(app):
    """A session inside one outer transaction that is rolled back at the end: everything, even what the code
    under test committed (its commits are savepoints), is undone."""
    with app.app_context():
        connection = _db.engine.connect()
        outer = connection.begin()
        original = _db.session
        _db.session = _TestSession(sessionmaker(bind=connection, join_transaction_mode="create_savepoint"))
        try:
            yield _db
        finally:
            _db.session.dispose()
            _db.session = original
            if outer.is_active:
                outer.rollback()
            connection.close()


@pytest.fixture
def db(app):
    """A session whose work is rolled back after the test, even what the code under test committed."""
    with rolled_back_session(app) as database:
        yield database


@pytest.fixture
def client(app, db):
    limiter.reset()
    app.test_client_class = _Client
    return app.test_client()


@pytest.fixture
def make(db) -> Factories:
    return Factories(db)


@pytest.fixture
def login(client):
    """Log in as ``user``, logging out whoever was logged in first."""

    def do_login(user, password: str = TEST_PASSWORD):
        if client.get("/login").status_code == 302:  # someone is logged in
            client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
        response = client.post("/login", data={"login": user.login, "password": password, "csrf_token": csrf_token(client, "/login")})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return do_login


_CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|<meta name="csrf-token" content="([^"]+)"')


def csrf_token(client, path: str) -> str:
    """The CSRF token that the page at ``path`` gives this client, as a browser would read it."""
    page = client.get(path).get_data(as_text=True)
    match = _CSRF_RE.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


@pytest.fixture
def emitted():
    """The domain events emitted during the test."""
    from tracker.core import events

    received = []
    events.subscribe(received.append)
    yield received
    events._subscribers.remove(received.append)
