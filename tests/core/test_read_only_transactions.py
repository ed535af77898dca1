"""On PostgreSQL a transaction that only read ends with COMMIT (tracker.core.db), so that psycopg keeps the
statements it prepared (a ROLLBACK makes it deallocate them all), and one that wrote is still rolled back."""
import pytest
import sqlalchemy as sa

from tests.core.test_migrations import PG_URL, _pg_reachable

pytestmark = pytest.mark.postgres

REPEATED = sa.text("SELECT count(*) FROM pg_class WHERE relkind = :kind")


@pytest.fixture
def engine():
    reason = _pg_reachable()
    if reason:
        pytest.skip(reason)
    import tracker.core.db  # noqa: F401  (its engine events apply to every engine)

    engine = sa.create_engine(PG_URL, pool_size=1, max_overflow=0)  # one connection: each block reuses it
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TEMP TABLE written (n integer)")
    yield engine
    engine.dispose()


def _prepared(engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(sa.text("SELECT count(*) FROM pg_prepared_statements"))


def test_a_statement_repeated_by_read_only_requests_stays_prepared(engine):
    for _ in range(8):  # psycopg prepares a statement on its sixth run; each block ends as a GET's request does
        with engine.connect() as connection:
            assert connection.scalar(REPEATED, {"kind": "r"}) > 0
    assert _prepared(engine) == 1


def test_a_transaction_that_wrote_is_rolled_back(engine):
    for _ in range(8):
        with engine.connect() as connection:
            connection.scalar(REPEATED, {"kind": "r"})
            connection.execute(sa.text("INSERT INTO written VALUES (1)"))
    with engine.connect() as connection:
        assert connection.scalar(sa.text("SELECT count(*) FROM written")) == 0


def test_a_failed_transaction_is_rolled_back_and_the_connection_works(engine):
    with engine.connect() as connection:
        connection.execute(sa.text("INSERT INTO written VALUES (1)"))
        with pytest.raises(sa.exc.DataError):
            connection.scalar(sa.text("SELECT 1 / 0"))
    with engine.connect() as connection:
        with pytest.raises(sa.exc.DataError):
            connection.scalar(sa.text("SELECT 1 / 0"))  # only reads, and fails: its ROLLBACK is kept
    with engine.connect() as connection:
        assert connection.scalar(sa.text("SELECT count(*) FROM written")) == 0
