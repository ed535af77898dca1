"""Backups: one archive with a consistent database copy, the uploads and a manifest; restore that verifies.

Consistency while the app keeps writing:
- SQLite: the online backup API copies a consistent snapshot (WAL included); counts and checksums are
  then computed from that copy, so they describe exactly what the archive holds.
- PostgreSQL: a REPEATABLE READ transaction exports its snapshot; the counts and checksums are computed in
  it and ``pg_dump --snapshot`` dumps that same snapshot, so both describe one instant.

Archive (``.tar.gz``): ``manifest.json``, ``database.sqlite`` or ``database.pgdump`` (pg_dump custom
format) and ``uploads/...``.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from sqlalchemy import create_engine, inspect, select
from sqlalchemy.engine import Connection, Engine

MANIFEST = "manifest.json"
FORMAT = 1


class BackupError(RuntimeError):
    """The backup or restore cannot go on; the message says why and what to do."""


def app_version() -> str:
    try:
        return version("wg-tracker")
    except PackageNotFoundError:
        return "unknown"


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def table_summary(connection: Connection) -> dict[str, dict]:
    """Rows and a checksum of every table (rows in primary-key order), from what ``connection`` sees."""
    from tracker.extensions import db

    summary = {}
    existing = set(inspect(connection).get_table_names())
    for table in db.metadata.sorted_tables:
        if table.name not in existing:
            continue
        order = list(table.primary_key.columns) or list(table.columns)
        digest = hashlib.sha256()
        rows = 0
        for row in connection.execute(select(*table.columns).order_by(*order)).yield_per(2000):
            digest.update(repr(tuple(row)).encode())
            digest.update(b"\n")
            rows += 1
        summary[table.name] = {"rows": rows, "sha256": digest.hexdigest()}
    return summary


def _alembic_revision(connection: Connection) -> list[str]:
    from alembic.runtime.migration import MigrationContext

    return sorted(MigrationContext.configure(connection).get_current_heads())


def _uploads_summary(upload_dir: Path) -> dict[str, str]:
    if not upload_dir.is_dir():
        return {}
    return {str(p.relative_to(upload_dir)): _sha256_file(p) for p in sorted(upload_dir.rglob("*")) if p.is_file()}


def _sqlite_path(url) -> Path:
    database = url.database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _libpq(url) -> tuple[str, dict]:
    """A libpq URI without the password (it goes into PGPASSWORD, never on a command line)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _require(tool: str) -> str:
    found = shutil.which(tool)
    if not found:
        raise BackupError(f"{tool} is not installed; install the PostgreSQL client (e.g. apt-get install "
                          "postgresql-client) in the version of the server")
    return found


@dataclass
class BackupResult:
    path: Path
    manifest: dict


def backup(engine: Engine, upload_dir: Path, destination: Path) -> BackupResult:
    """Write the archive to ``destination`` (a file name; a folder gets a dated name inside)."""
    if destination.is_dir():
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
        destination = destination / f"wg-tracker-{stamp}.tar.gz"
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="wg-backup-") as work:
        work = Path(work)
        if engine.dialect.name == "sqlite":
            database_file = work / "database.sqlite"
            source = sqlite3.connect(_sqlite_path(engine.url))
            target = sqlite3.connect(database_file)
            try:
                source.backup(target)  # a consistent snapshot, WAL content included
            finally:
                source.close()
                target.close()
            copy = create_engine(f"sqlite:///{database_file}")
            try:
                with copy.connect() as connection:
                    tables = table_summary(connection)
                    revision = _alembic_revision(connection)
            finally:
                copy.dispose()
        elif engine.dialect.name == "postgresql":
            database_file = work / "database.pgdump"
            pg_dump = _require("pg_dump")
            uri, env = _libpq(engine.url)
            with engine.connect() as connection:
                connection.exec_driver_sql("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                snapshot = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
                tables = table_summary(connection)
                revision = _alembic_revision(connection)
                # The transaction stays open while pg_dump reads the exported snapshot.
                result = subprocess.run(
                    [pg_dump, "--format=custom", "--no-owner", "--no-acl", f"--snapshot={snapshot}",
                     f"--file={database_file}", uri], env=env, capture_output=True, text=True)
                connection.exec_driver_sql("COMMIT")
            if result.returncode != 0:
                raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        else:
            raise BackupError(f"backups of {engine.dialect.name} databases are not supported")

        uploads = _uploads_summary(upload_dir)
        manifest = {
            "format": FORMAT,
            "app": "wg-tracker",
            "version": app_version(),
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "database": {"dialect": engine.dialect.name, "file": database_file.name,
                         "sha256": _sha256_file(database_file), "alembic_revision": revision},
            "tables": tables,
            "uploads": uploads,
        }
        partial = destination.with_name(destination.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(datetime.now(timezone.utc).timestamp())
            archive.addfile(info, io.BytesIO(data))
            archive.add(database_file, arcname=database_file.name)
            for name in uploads:
                archive.add(upload_dir / name, arcname=f"uploads/{name}")
        partial.replace(destination)  # a half-written archive never carries the final name
    return BackupResult(destination, manifest)


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest archives this command wrote into ``folder``."""
    archives = sorted(folder.glob("wg-tracker-*.tar.gz"))
    doomed = archives[:-keep] if keep > 0 else []
    for path in doomed:
        path.unlink()
    return doomed


def read_manifest(archive_path: Path) -> dict:
    with tarfile.open(archive_path, "r:gz") as archive:
        try:
            member = archive.extractfile(MANIFEST)
        except KeyError:
            member = None
        if member is None:
            raise BackupError(f"{archive_path} has no {MANIFEST}: not a WG Tracker backup")
        return json.load(member)


def database_is_empty(engine: Engine) -> bool:
    """No table of the app holds a row (a freshly migrated database counts as empty)."""
    from tracker.extensions import db

    with engine.connect() as connection:
        existing = set(inspect(connection).get_table_names())
        for table in db.metadata.sorted_tables:
            if table.name in existing and connection.execute(select(table).limit(1)).first() is not None:
                return False
    return True


@dataclass
class RestoreReport:
    tables: int
    rows: int
    uploads: int


def restore(engine: Engine, upload_dir: Path, archive_path: Path, force: bool = False) -> RestoreReport:
    manifest = read_manifest(archive_path)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"archive format {manifest.get('format')} is not supported by this version")
    dialect = manifest["database"]["dialect"]
    if dialect != engine.dialect.name:
        raise BackupError(f"the archive holds a {dialect} database; the configured database is "
                          f"{engine.dialect.name}")
    if not force and not database_is_empty(engine):
        raise BackupError("the database is not empty; restoring would replace its content. "
                          "Run again with --force to overwrite it.")
    with tempfile.TemporaryDirectory(prefix="wg-restore-") as work:
        work = Path(work)
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(work, filter="data")  # no absolute paths or .. escapes
        database_file = work / manifest["database"]["file"]
        if _sha256_file(database_file) != manifest["database"]["sha256"]:
            raise BackupError("the database copy in the archive is damaged (checksum mismatch)")
        for name, digest in manifest["uploads"].items():
            if _sha256_file(work / "uploads" / name) != digest:
                raise BackupError(f"upload {name} in the archive is damaged (checksum mismatch)")

        engine.dispose()  # no pooled connection may keep the old database open
        if dialect == "sqlite":
            _restore_sqlite(engine, database_file)
        else:
            _restore_postgresql(engine, database_file)

        if force and upload_dir.is_dir():
            shutil.rmtree(upload_dir)
        upload_dir.mkdir(parents=True, exist_ok=True)
        for name in manifest["uploads"]:
            target = upload_dir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(work / "uploads" / name, target)

    verify(engine, upload_dir, manifest)
    return RestoreReport(tables=len(manifest["tables"]),
                         rows=sum(t["rows"] for t in manifest["tables"].values()),
                         uploads=len(manifest["uploads"]))


def _restore_sqlite(engine: Engine, database_file: Path) -> None:
    target_path = _sqlite_path(engine.url)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(database_file)
    target = sqlite3.connect(target_path)
    try:
        # The backup API writes through SQLite itself: a stale -wal or -shm next to the target is
        # reconciled instead of turning the copied file "malformed".
        source.backup(target)
    finally:
        source.close()
        target.close()
    with engine.connect() as connection:
        result = connection.exec_driver_sql("PRAGMA integrity_check").scalar_one()
    if result != "ok":
        raise BackupError(f"the restored database fails SQLite's integrity check: {result}")


def _restore_postgresql(engine: Engine, database_file: Path) -> None:
    pg_restore = _require("pg_restore")
    uri, env = _libpq(engine.url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()
    result = subprocess.run(
        [pg_restore, "--no-owner", "--no-acl", "--exit-on-error", "--single-transaction", "-d", uri,
         str(database_file)], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")


def verify(engine: Engine, upload_dir: Path, manifest: dict) -> None:
    """The restored database and uploads hold exactly what the manifest lists."""
    with engine.connect() as connection:
        tables = table_summary(connection)
        revision = _alembic_revision(connection)
    if revision != manifest["database"]["alembic_revision"]:
        raise BackupError(f"restored migration revision {revision} differs from the archive's "
                          f"{manifest['database']['alembic_revision']}")
    for name, expected in manifest["tables"].items():
        found = tables.get(name)
        if found is None:
            raise BackupError(f"table {name} is missing after the restore")
        if found["rows"] != expected["rows"]:
            raise BackupError(f"table {name}: {found['rows']} rows restored, {expected['rows']} in the archive")
        if found["sha256"] != expected["sha256"]:
            raise BackupError(f"table {name}: content differs from the archive (checksum mismatch)")
    for name, digest in manifest["uploads"].items():
        path = upload_dir / name
        if not path.is_file() or _sha256_file(path) != digest:
            raise BackupError(f"upload {name} was not restored intact")
