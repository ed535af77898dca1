"""What the benchmarks that keep their database between runs share: emptying it before a rebuild."""
from __future__ import annotations

import os


def reset(url: str) -> None:
    """Remove a SQLite file (with its -wal and -shm) or empty a PostgreSQL database's public schema."""
    import sqlalchemy as sa

    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        return
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()
