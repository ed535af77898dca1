"""A real server on a free local port, on a database of its own, for browser and client tests."""
from __future__ import annotations

import os
import threading
import uuid
from contextlib import contextmanager

import sqlalchemy as sa
from werkzeug.serving import make_server

from tracker import create_app


@contextmanager
def separate_database(base_url: str, tmp_path):
    """Yields (url, engine options) for an empty database nobody else uses, dropped afterwards."""
    if base_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / f'live-{uuid.uuid4().hex}.db'}", {}
        return
    schema = f"live_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base_url)
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        yield base_url, {"connect_args": {"options": f"-csearch_path={schema}"}, "pool_pre_ping": True}
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        admin.dispose()


class LiveServer:
    def __init__(self, app):
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self._server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._thread.join(timeout=5)


@contextmanager
def live_app(database_url: str, tmp_path, **config):
    """An app migrated on a separate database and served on a free port; yields the LiveServer."""
    from flask_migrate import upgrade

    with separate_database(database_url, tmp_path) as (url, engine_options):
        options = {"pool_pre_ping": True, **engine_options}
        app = create_app(
            "test",
            SQLALCHEMY_DATABASE_URI=url,
            SQLALCHEMY_ENGINE_OPTIONS=options,
            UPLOAD_DIR=str(tmp_path / "live-uploads"),
            RATELIMIT_ENABLED=False,
            **config,
        )
        with app.app_context():
            upgrade()
        server = LiveServer(app).start()
        try:
            yield server
        finally:
            server.stop()
            with app.app_context():
                from tracker.extensions import db

                db.session.remove()
                db.engine.dispose()


CHROMIUM = os.environ.get("TRACKER_CHROMIUM", "/usr/bin/chromium")
