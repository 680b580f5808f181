"""SQLite-only code: pragmas, transaction control and the single-writer rule.

Every connection runs in WAL mode with a busy timeout and foreign keys on. The driver's
own transaction handling is switched off so that we emit ``BEGIN`` ourselves: reads use a
deferred ``BEGIN`` and writes ``BEGIN IMMEDIATE``, which takes SQLite's write lock up front
so two writers queue on the busy timeout instead of failing half-way.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, Table, event
from sqlalchemy.dialects.sqlite import Insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

BUSY_TIMEOUT_MS = 5000
WRITE_OPTION = "dateline_write"


def configure(engine: Engine) -> None:
    """Install the pragmas and the BEGIN / BEGIN IMMEDIATE rule on ``engine``."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def insert_ignore(table: Table) -> Insert:
    """``INSERT ... ON CONFLICT DO NOTHING`` for ``table``."""
    return sqlite_insert(table).on_conflict_do_nothing()
