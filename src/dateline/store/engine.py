"""Open an engine for a database URL, with the dialect's own settings applied."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine, Insert, Table, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from dateline.model.errors import StoreUnavailable
from dateline.store import postgres, sqlite


def make_engine(url: str) -> Engine:
    """An engine for ``url``: SQLite (the file's folder is created) or PostgreSQL."""
    url = postgres.normalise_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreUnavailable(f"DATELINE_DATABASE_URL is not a database URL: {url!r}") from exc
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": sqlite.BUSY_TIMEOUT_MS / 1000})
        sqlite.configure(engine)
        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(url, pool_size=10, max_overflow=5, pool_pre_ping=True)
    raise StoreUnavailable(
        f"unsupported database {parsed.get_backend_name()!r}: use sqlite:/// or postgresql://"
    )


def insert_ignore(conn: Connection, table: Table) -> Insert:
    """An insert into ``table`` that does nothing when the key exists, in the dialect of ``conn``.

    Two processes creating the same row at once then both succeed instead of one failing.
    """
    if conn.dialect.name == "postgresql":
        return postgres.insert_ignore(table)
    return sqlite.insert_ignore(table)
