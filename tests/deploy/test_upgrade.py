"""`tracker db upgrade` on a database made by the previous release, with a row in every table.

RELEASE_HEAD is the migration head of the last release (0.1.0). The rows are written with the schema
as it was at that revision (reflected, not from today's models), so later migrations meet real data:
NOT NULL columns added without a default, or data moves that break on existing rows, fail here.
"""
from __future__ import annotations

import datetime as dt
import decimal

import sqlalchemy as sa
from flask_migrate import upgrade

from tests.deploy.test_backup import fresh_database  # noqa: F401 - the fixture
from tracker import create_app
from tracker.core.schema import schema_state
from tracker.extensions import db

RELEASE_HEAD = "0080_journal_notes"


def _value(column: sa.Column, row_id: int):
    kind = column.type
    if isinstance(kind, sa.Enum) and kind.enums:
        return kind.enums[0]
    python_type = None
    try:
        python_type = kind.python_type
    except NotImplementedError:
        pass
    if python_type is bool:
        return False
    if python_type is int:
        return row_id
    if python_type is float:
        return 1.5
    if python_type is decimal.Decimal:
        return decimal.Decimal("1.5")
    if python_type is dt.datetime:
        return dt.datetime(2026, 4, 1, 9, 0)
    if python_type is dt.date:
        return dt.date(2026, 4, 1)
    if python_type is dt.time:
        return dt.time(9, 0)
    if python_type in (dict, list) or isinstance(kind, sa.JSON):
        return {}
    if python_type is bytes:
        return b"x"
    length = getattr(kind, "length", None) or 20
    return f"v{row_id}"[:length]


def fill_every_table(connection) -> dict[str, int]:
    """One row per table of the reflected schema, parents first, every column set (foreign keys to row 1)."""
    metadata = sa.MetaData()
    metadata.reflect(connection)
    counts = {}
    for table in metadata.sorted_tables:
        if table.name == "alembic_version":
            continue
        present = connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        if present:  # seeded by a migration (enumerations, roles ...): data already
            counts[table.name] = present
            continue
        row = {}
        for column in table.columns:
            if column.foreign_keys:
                row[column.name] = 1
            elif column.computed is not None or (column.server_default is not None and column.nullable):
                continue
            else:
                row[column.name] = _value(column, 1)
        connection.execute(table.insert().values(**row))
        counts[table.name] = 1
    return counts


def test_a_release_database_with_data_in_every_table_upgrades_to_head(fresh_database, tmp_path):  # noqa: F811
    app = create_app("test", SQLALCHEMY_DATABASE_URI=fresh_database("release"), UPLOAD_DIR=str(tmp_path))
    with app.app_context():
        upgrade(revision=RELEASE_HEAD)
        with db.engine.begin() as connection:
            if connection.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            counts = fill_every_table(connection)
        assert len(counts) > 50, "the release schema has all its tables"

        upgrade()

        assert schema_state().at_head
        with db.engine.connect() as connection:
            for table, rows in counts.items():
                if sa.inspect(connection).has_table(table):
                    found = connection.execute(sa.text(f'SELECT COUNT(*) FROM "{table}"')).scalar_one()
                    assert found >= rows, f"{table} lost rows in the upgrade"
        db.engine.dispose()


def test_release_head_is_an_ancestor_of_the_current_head(app):
    from alembic.script import ScriptDirectory

    with app.app_context():
        script = ScriptDirectory(app.extensions["migrate"].directory)
        assert RELEASE_HEAD in {r.revision for h in script.get_heads() for r in script.iterate_revisions(h, "base")}
