"""`tracker backup` / `tracker restore` on the suite's database kind, while the app keeps writing."""
from __future__ import annotations

import io
import json
import tarfile
import threading
import time
import uuid
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, select

from tracker import create_app
from tracker.accounts.models import User
from tracker.cli import main
from tracker.core import backup
from tracker.extensions import db


@pytest.fixture
def fresh_database(database_url, tmp_path):
    """Makes empty databases of the suite's kind (SQLite files, or PostgreSQL databases dropped afterwards)."""
    made = []
    url = make_url(database_url)

    def make(label: str) -> str:
        if url.get_backend_name() == "sqlite":
            return f"sqlite:///{tmp_path / f'{label}.db'}"
        name = f"{url.database}_{label}_{uuid.uuid4().hex[:6]}"
        server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with server.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        server.dispose()
        made.append(name)
        return url.set(database=name).render_as_string(hide_password=False)

    yield make
    if made:
        server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with server.connect() as connection:
            for name in made:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.dispose()


def _app(url: str, uploads: Path):
    return create_app("test", SQLALCHEMY_DATABASE_URI=url, UPLOAD_DIR=str(uploads))


def test_a_backup_taken_while_the_app_writes_restores_every_row_committed_before_it(fresh_database, tmp_path):
    uploads = tmp_path / "uploads"
    (uploads / "ideas").mkdir(parents=True)
    (uploads / "ideas" / "plan.pdf").write_bytes(b"%PDF-1.4 plan" * 100)
    source = _app(fresh_database("source"), uploads)
    with source.app_context():
        upgrade()
    committed: list[int] = []
    stop = threading.Event()
    failures: list[BaseException] = []

    def keep_writing():
        try:
            with source.app_context():
                n = 0
                while not stop.is_set() and n < 5000:
                    n += 1
                    user = User(login=f"w{n}", name=f"書込 {n}", email=f"w{n}@example.lg.jp")
                    db.session.add(user)
                    db.session.commit()
                    committed.append(user.id)
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            failures.append(error)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        while len(committed) < 30 and writer.is_alive():
            time.sleep(0.01)
        with source.app_context():
            result = backup.backup(db.engine, uploads, tmp_path / "archive.tar.gz")
        written_before = len(committed)
        while len(committed) < written_before + 30 and writer.is_alive():
            time.sleep(0.01)
    finally:
        stop.set()
        writer.join(timeout=60)
    assert not failures, failures
    in_archive = result.manifest["tables"]["users"]["rows"]
    assert 30 <= in_archive < len(committed), "the writer went on during and after the backup"
    assert result.manifest["uploads"] == {"ideas/plan.pdf": backup._sha256_file(uploads / "ideas" / "plan.pdf")}
    assert result.manifest["database"]["alembic_revision"]

    restored_uploads = tmp_path / "restored-uploads"
    target = _app(fresh_database("target"), restored_uploads)
    with target.app_context():
        report = backup.restore(db.engine, restored_uploads, result.path)
        restored_ids = list(db.session.scalars(select(User.id).order_by(User.id)))
        db.session.remove()
    assert report.rows == sum(t["rows"] for t in result.manifest["tables"].values())
    # One writer committing in sequence: a consistent snapshot is exactly the first N commits, no gaps.
    assert restored_ids == committed[: len(restored_ids)]
    assert len(restored_ids) == in_archive
    assert (restored_uploads / "ideas" / "plan.pdf").read_bytes() == b"%PDF-1.4 plan" * 100


def test_restore_refuses_a_database_with_data_unless_forced_and_rejects_a_damaged_archive(fresh_database, tmp_path):
    uploads = tmp_path / "uploads"
    app = _app(fresh_database("one"), uploads)
    runner = app.test_cli_runner()
    with app.app_context():
        upgrade()
        db.session.add(User(login="kept", name="残す", email="kept@example.lg.jp"))
        db.session.commit()
        db.session.remove()
    folder = tmp_path / "backups"
    for _ in range(2):
        result = runner.invoke(main, ["backup", str(folder), "--keep", "1"])
        assert result.exit_code == 0, result.output
        time.sleep(1.1)  # archive names carry the second
    (archive,) = folder.glob("wg-tracker-*.tar.gz")  # --keep 1 removed the older one

    with app.app_context():
        db.session.add(User(login="later", name="後で", email="later@example.lg.jp"))
        db.session.commit()
        db.session.remove()
    refused = runner.invoke(main, ["restore", str(archive)])
    assert refused.exit_code == 1 and "--force" in refused.output
    with app.app_context():
        assert db.session.scalar(select(User.login).where(User.login == "later")) == "later"  # unchanged
        db.session.remove()

    forced = runner.invoke(main, ["restore", str(archive), "--force"])
    assert forced.exit_code == 0, forced.output
    assert "verified" in forced.output
    with app.app_context():
        assert list(db.session.scalars(select(User.login))) == ["kept"]
        db.session.remove()

    # An archive whose manifest no longer matches its database copy fails the verification loudly.
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as original, tarfile.open(damaged, "w:gz") as copy:
        for member in original.getmembers():
            data = original.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["tables"]["users"]["rows"] += 1
                data = json.dumps(manifest).encode()
                member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    bad = runner.invoke(main, ["restore", str(damaged), "--force"])
    assert bad.exit_code == 1 and "users" in bad.output


def test_restore_over_a_sqlite_file_with_a_stale_wal_is_not_malformed(database_url, tmp_path):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's -wal file only")
    import sqlite3

    source = _app(f"sqlite:///{tmp_path / 'source.db'}", tmp_path / "up")
    with source.app_context():
        upgrade()
        db.session.add(User(login="saved", name="保存", email="saved@example.lg.jp"))
        db.session.commit()
        result = backup.backup(db.engine, tmp_path / "up", tmp_path / "a.tar.gz")
        db.engine.dispose()
    # The old database was left with writes still in its -wal (the server was killed).
    target_path = tmp_path / "target.db"
    old = sqlite3.connect(target_path)
    old.execute("PRAGMA journal_mode=WAL")
    old.execute("PRAGMA wal_autocheckpoint=0")
    old.execute("CREATE TABLE leftovers (x)")
    old.executemany("INSERT INTO leftovers VALUES (?)", [(n,) for n in range(500)])
    old.commit()
    stale_wal = (tmp_path / "target.db-wal").read_bytes()
    old.close()
    (tmp_path / "target.db-wal").write_bytes(stale_wal)
    assert stale_wal

    target = _app(f"sqlite:///{target_path}", tmp_path / "up2")
    with target.app_context():
        backup.restore(db.engine, tmp_path / "up2", result.path, force=True)  # verifies integrity and counts
        assert list(db.session.scalars(select(User.login))) == ["saved"]
        db.session.remove()
        db.engine.dispose()
