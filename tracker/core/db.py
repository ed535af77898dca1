"""Declarative base and database-engine behaviour shared by every feature."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

from flask import current_app, has_request_context, request
from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# Stable constraint names so that Alembic can alter tables on SQLite (batch mode) and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


SQLITE_BUSY_TIMEOUT_MS = 10000


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # pysqlite's own transaction handling breaks SAVEPOINTs; we issue BEGIN ourselves (see below).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "do_connect")
def _configure_postgresql(dialect, conn_rec, cargs, cparams):
    if dialect.name != "postgresql":
        return
    # No JIT compilation: it pays off for long analytical queries, but a search over a common word is costed
    # high enough to trigger it and then spends far longer compiling (600 ms at 100,000 tickets) than running.
    # join_collapse_limit 4 instead of 8: a page of tickets is loaded with its nine lookups (tracker, status,
    # WG, people ...) as LEFT JOINs, and searching every order of ten relations took 10 ms of planning for
    # a 1 ms query (2.6 ms with 4); PostgreSQL still reorders joins within groups of four.
    # Set as connection options, so that they cost no statement.
    cparams["options"] = f"{cparams.get('options', '')} -c jit=off -c join_collapse_limit=4".strip()


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def reads_first(view):
    """Mark a write endpoint whose reads before its first write (authentication, looking up the WG,
    checking permissions and input against reference data) may run without SQLite's write lock: the lock
    is taken right before the first INSERT/UPDATE/DELETE, and everything after it runs under the lock.
    Only for views whose service changes nothing it decided from an earlier read (a creation), since
    those reads may be a moment old by then."""
    view.sqlite_reads_first = True
    return view


def _starts_deferred() -> bool:
    if not has_request_context():
        return False  # scripts, the worker, tests' own transactions: write lock up front as always
    if request.method in SAFE_METHODS:
        return True
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return bool(getattr(view, "sqlite_reads_first", False))


@event.listens_for(Engine, "begin")
def _begin_sqlite(conn):
    if conn.dialect.name != "sqlite":
        return
    # IMMEDIATE takes the write lock up front: a transaction that reads and then writes can then never
    # fail with SQLITE_BUSY half-way (in WAL mode a read transaction whose snapshot is outdated cannot
    # become a write transaction); concurrent writers wait for the busy timeout instead.
    # But the lock serialises whole requests, reads included: with two gunicorn workers a GET waited for
    # every POST, and a POST held the lock while authenticating and building its answer. So requests that
    # read first (GET/HEAD/OPTIONS and views marked ``reads_first``) start DEFERRED, which takes no lock;
    # before their first write (or SAVEPOINT) ``_take_write_lock`` ends the read-only transaction and
    # starts an IMMEDIATE one, so no write ever happens in a deferred transaction and no writer can fail
    # with "database is locked". What was read before that point may be a moment old (as if the request
    # had come a moment earlier); optimistic locking (lock_version) and constraints still hold.
    conn.info["sqlite_deferred"] = False
    if _starts_deferred():
        conn.exec_driver_sql("BEGIN")
        conn.info["sqlite_deferred"] = True
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _take_write_lock(conn) -> None:
    conn.info["sqlite_deferred"] = False
    raw = conn.connection.dbapi_connection
    raw.execute("COMMIT")  # the transaction so far only read: nothing is lost
    raw.execute("BEGIN IMMEDIATE")


@event.listens_for(Engine, "before_cursor_execute")
def _lock_before_first_write(conn, cursor, statement, parameters, context, executemany):
    if conn.info.get("sqlite_deferred") and not statement.lstrip()[:6].upper() == "SELECT":
        _take_write_lock(conn)


@event.listens_for(Engine, "before_cursor_execute")
def _note_postgresql_write(conn, cursor, statement, parameters, context, executemany):
    if conn.dialect.name == "postgresql" and not statement.lstrip()[:6].upper() == "SELECT":
        conn.info["postgresql_wrote"] = True


@event.listens_for(Engine, "rollback")
def _end_read_only_postgresql_transaction(conn):
    """A PostgreSQL transaction that only read ends with COMMIT, not the ROLLBACK about to be sent.

    psycopg forgets every prepared statement on ROLLBACK (DEALLOCATE ALL: a rollback may have undone the
    objects they name), and every request ends with one, since a GET commits nothing. So the statements a
    request repeats (loading the user, the WG's permissions, the page's query) were planned afresh each time:
    4.3 of the 6.5 ms that the API list's statements cost the server were planning. After only SELECTs,
    COMMIT and ROLLBACK leave the database the same (locks and snapshots end either way); the rollback that
    follows finds no transaction and sends nothing. Any other statement (a write, a SAVEPOINT, a SET) leaves
    the rollback as it was, and so does a failed transaction."""
    wrote = conn.info.pop("postgresql_wrote", False)
    if conn.dialect.name != "postgresql" or wrote:
        return
    from psycopg.pq import TransactionStatus

    driver_connection = conn.connection.driver_connection
    if driver_connection.info.transaction_status == TransactionStatus.INTRANS:
        driver_connection.commit()


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _transaction_ended(conn):
    conn.info.pop("sqlite_deferred", None)
    conn.info.pop("postgresql_wrote", None)


def write_lock() -> None:
    """In a view marked ``reads_first``, take SQLite's write lock now, before reads that must not be a
    moment old (e.g. that an upload token is still unused). Nothing on PostgreSQL or when already held."""
    from tracker.extensions import db

    conn = db.session.connection()
    if conn.dialect.name == "sqlite" and conn.info.get("sqlite_deferred"):
        _take_write_lock(conn)


# Objects made by hand in migrations that the models do not describe (full-text machinery).
UNMODELLED_PREFIXES = ("search_fts", "ix_search_documents_grams_fts", "grams_vector", "ix_search_documents_grams_vector")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic filter: leave the hand-made full-text tables and indexes out of autogenerate comparisons."""
    return not (reflected and compare_to is None and name and name.startswith(UNMODELLED_PREFIXES))
