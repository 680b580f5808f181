"""SQLite-only code: pragmas, transaction control and the single-writer rule.

Every connection runs in WAL mode with a busy timeout and foreign keys on. The driver's
own transaction handling is switched off so that we emit ``BEGIN`` ourselves: reads use a
deferred ``BEGIN`` and writes ``BEGIN IMMEDIATE``, which takes SQLite's write lock up front
so two writers queue on the busy timeout instead of failing half-way.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from sqlalchemy import Engine, Table, event
from sqlalchemy.dialects.sqlite import Insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

BUSY_TIMEOUT_MS = 5000
RETRY_SECONDS = 0.01  # between tries of a statement SQLite refuses without waiting
WRITE_OPTION = "dateline_write"


def configure(engine: Engine) -> None:
    """Install the pragmas and the BEGIN / BEGIN IMMEDIATE rule on ``engine``."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _write_ahead_log(cursor)
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _write_ahead_log(cursor: Any) -> None:
    """``PRAGMA journal_mode = WAL``, tried again while the database is locked.

    A new database file is turned to WAL mode by the first connection, which takes an
    exclusive lock for it; a second process connecting meanwhile (two servers started at
    once on an empty database) is refused at once with "database is locked": SQLite does
    not call the busy handler there (measured: 11 of 60 such pairs of openings failed).
    It is tried again for up to the busy timeout, as a busy handler would have waited.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(RETRY_SECONDS)


def insert_ignore(table: Table) -> Insert:
    """``INSERT ... ON CONFLICT DO NOTHING`` for ``table``."""
    return sqlite_insert(table).on_conflict_do_nothing()
