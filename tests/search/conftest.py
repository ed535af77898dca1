"""A PostgreSQL database at a realistic size for the query-plan tests: a planner shown a few dozen rows rightly
reads them all, so plans are checked on 30,000 tickets and 60,000 journals loaded by the benchmark's bulk loader,
vacuumed and analysed as autovacuum would leave them on a real server."""
from __future__ import annotations

import pytest
import sqlalchemy as sa


@pytest.fixture(scope="session")
def scale_database(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("query plans are checked on PostgreSQL (set TRACKER_TEST_DATABASE_URL to a PostgreSQL database)")
    from bench.tickets_bench import build

    base, name = database_url.rsplit("/", 1)
    url = f"{base}/{name}_plans"
    maintenance = sa.create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with maintenance.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}_plans" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}_plans"')
    try:
        build(url, 30_000, 60_000)
        engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            # The loader's thirty words are in a quarter of the documents each, where reading the table is right;
            # a real search looks for rarer words: "住民票" is in 60 tickets and 30 notes, "印鑑" in 40 tickets.
            for kind, step, rest, word, grams in (("ticket", 500, 1, "住民票", "住民 民票"), ("journal", 2000, 1, "住民票", "住民 民票"),
                                                  ("ticket", 750, 3, "印鑑", "印鑑")):
                connection.exec_driver_sql(
                    f"UPDATE search_documents SET title = title || ' {word}', title_key = title_key || ' {word}', "
                    f"grams = grams || ' {grams}' WHERE kind = '{kind}' AND mod(object_id, {step}) = {rest}")
            connection.exec_driver_sql("VACUUM ANALYZE")
        engine.dispose()
        yield url
    finally:
        with maintenance.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}_plans" WITH (FORCE)')
        maintenance.dispose()


@pytest.fixture(scope="session")
def scale_app(scale_database):
    from tracker import create_app

    return create_app("test", SQLALCHEMY_DATABASE_URI=scale_database, SERVER_NAME="localhost")
