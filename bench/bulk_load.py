"""Bulk loading for the benchmarks: what makes a million tickets load in minutes rather than hours.

Rows are appended with the indexes and triggers of the loaded tables removed, then the indexes are built once and
what the triggers maintain is computed in one statement each: SQLite's full-text index is rebuilt from its content
table and the ticket counters are summed from the tickets. On PostgreSQL rows are sent with COPY, and foreign keys
are not checked row by row (the loader writes consistent ids). The schema after a load is the migrations' schema:
the same indexes and triggers, re-created from their own definitions.
"""
from __future__ import annotations

import importlib.util
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

import sqlalchemy as sa

LOADED_TABLES = ("tickets", "journals", "journal_details", "search_documents", "time_entries")
COUNTER_KEY = "wg_id, status_id, tracker_id, is_private"


def _migration(name: str):
    """A migration's module, for the statement it fills a table with (one definition, the migration's)."""
    path = Path(__file__).resolve().parents[1] / "migrations" / "versions" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _sqlite_schema_objects(connection) -> list[tuple[str, str, str]]:
    names = ", ".join(f"'{t}'" for t in LOADED_TABLES)
    # sql IS NULL: the automatic indexes of primary keys and unique constraints, which stay.
    return [tuple(row) for row in connection.exec_driver_sql(
        f"SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL "
        f"AND tbl_name IN ({names}) ORDER BY type, name")]


def _postgresql_schema_objects(connection) -> list[tuple[str, str, str]]:
    names = ", ".join(f"'{t}'" for t in LOADED_TABLES)
    indexes = connection.exec_driver_sql(
        f"SELECT 'index', i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
        f"AND i.tablename IN ({names}) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
        f"WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass) ORDER BY i.indexname").all()
    triggers = connection.exec_driver_sql(
        f"SELECT 'trigger', t.tgname || ' ON ' || t.tgrelid::regclass::text, pg_get_triggerdef(t.oid) FROM pg_trigger t "
        f"WHERE NOT t.tgisinternal AND t.tgrelid::regclass::text IN ({names}) ORDER BY t.tgname").all()
    return [tuple(row) for row in [*indexes, *triggers]]


@contextmanager
def without_indexes(connection) -> Iterator[None]:
    """Inside: the loaded tables have only their primary keys and unique constraints. After: the rest is back."""
    postgresql = connection.dialect.name == "postgresql"
    objects = (_postgresql_schema_objects if postgresql else _sqlite_schema_objects)(connection)
    for kind, name, _ in objects:
        connection.exec_driver_sql(f"DROP {kind.upper()} {name}")
    if postgresql:
        # Foreign keys are checked by internal triggers, which "replica" skips; the loader's ids are consistent.
        connection.exec_driver_sql("SET session_replication_role = replica")
    yield
    if postgresql:
        connection.exec_driver_sql("SET session_replication_role = DEFAULT")
        connection.exec_driver_sql("SET maintenance_work_mem = '512MB'")
    else:
        connection.exec_driver_sql("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
    for kind in ("index", "trigger"):  # a trigger may need an index to be fast, never the other way round
        for object_kind, _, definition in objects:
            if object_kind == kind:
                connection.exec_driver_sql(definition)
    connection.exec_driver_sql("DELETE FROM ticket_counts")
    connection.exec_driver_sql(
        f"INSERT INTO ticket_counts ({COUNTER_KEY}, tickets, estimated_hours) "
        f"SELECT {COUNTER_KEY}, COUNT(*), COALESCE(SUM(estimated_hours), 0) FROM tickets GROUP BY {COUNTER_KEY}")
    connection.exec_driver_sql("DELETE FROM ticket_due_counts")
    connection.exec_driver_sql(_migration("0310_due_date_counts").FILL)


def insert(connection, table: sa.Table, rows: Iterable[dict]) -> None:
    """Append rows that all have the same keys: COPY on PostgreSQL, one executemany on SQLite."""
    rows = list(rows)
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        connection.execute(table.insert(), rows)
        return
    columns = list(rows[0])
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[column] for column in columns])
