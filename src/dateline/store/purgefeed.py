"""Purge feeds: how one process hears, cheaply and at once, what changed on the site.

A page cache calls ``take()`` before it answers from memory. ``take`` returns the purges
committed since its last call (an empty list when nothing changed), or ``None`` when the
feed lost track (log rows pruned before it read them, a dropped connection, a flood of
changes): the cache must then forget everything.

- ``SQLiteFeed`` asks SQLite's ``PRAGMA data_version`` on a connection of its own, which
  changes whenever another connection (of this process or another) committed: a few
  microseconds when nothing changed. Only then does it read the log past the last id it
  saw; one writer at a time means ids grow in commit order, so none is skipped. A write
  of this process is seen by the first ``take`` after its commit returns (the engine's
  commit event); another process's, by the first ``take`` a millisecond or more after.
- ``PostgresFeed`` keeps a ``LISTEN dateline_page_purges`` connection. The log's trigger
  sends each row as a notification at commit, naming the schema (notifications are per
  database, and two sites may share one in two schemas); ``take`` checks the socket without blocking
  (no round trip when nothing came) and reads what arrived. After a write of this
  process's own (the engine's commit event) it makes one round trip on the listening
  connection first, which PostgreSQL answers only after delivering the notifications of
  transactions committed before it: the process's own next request never sees its own
  change late. Other processes hear of it as soon as the notification crosses the socket.
"""

from __future__ import annotations

import logging
import select
import sqlite3
import time
import weakref
from typing import Any, Protocol

import psycopg
from sqlalchemy import Engine, event
from sqlalchemy.engine import Connection

from dateline.model import PagePurge, Scope
from dateline.store import purges
from dateline.store.sqlite import WRITE_OPTION

log = logging.getLogger("dateline.store")

BATCH = 2000  # more purges than this since the last look: forget everything instead
RECONNECT_EVERY = 1.0
# Seconds between two looks at another process's commits (SQLite). A look costs about
# 15 microseconds, a third of answering from memory; under load this spares most of them,
# and no reader can act within a millisecond of a commit returning elsewhere.
LOOK_EVERY = 0.001


class PurgeFeed(Protocol):
    def take(self) -> list[PagePurge] | None: ...

    def close(self) -> None: ...


class _LocalWrites:
    """A flag raised by every write transaction this process commits on ``engine``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.raised = True  # look once at start
        event.listen(engine, "commit", self._on_commit)

    def _on_commit(self, conn: Connection) -> None:
        if conn.get_execution_options().get(WRITE_OPTION, False):
            self.raised = True

    def lower(self) -> bool:
        raised, self.raised = self.raised, False
        return raised

    def close(self) -> None:
        if event.contains(self.engine, "commit", self._on_commit):
            event.remove(self.engine, "commit", self._on_commit)


class SQLiteFeed:
    """Purges read from the log, looked for when ``PRAGMA data_version`` moved."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.local = _LocalWrites(engine)
        path = engine.url.database or ""
        self.watch = (
            sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            if path and path != ":memory:"
            else None
        )
        if self.watch is not None:
            weakref.finalize(self, self.watch.close)
        self.version = self._data_version()
        self.looked = time.monotonic()
        with engine.connect() as conn:
            self.last = purges.latest_id(conn)

    def _data_version(self) -> int:
        if self.watch is None:
            return 0
        return int(self.watch.execute("PRAGMA data_version").fetchone()[0])

    def take(self) -> list[PagePurge] | None:
        local = self.local.lower()
        now = time.monotonic()
        if not local and now - self.looked < LOOK_EVERY:
            return []
        self.looked = now
        version = self._data_version()
        if version == self.version and not local:
            return []
        self.version = version
        with self.engine.connect() as conn:
            found, lowest = purges.after(conn, self.last, BATCH)
            if lowest > self.last + 1 or len(found) == BATCH:
                self.last = purges.latest_id(conn)
                return None
        if found:
            self.last = found[-1][0]
        return [purge for _id, purge in found]

    def close(self) -> None:
        self.local.close()
        if self.watch is not None:
            self.watch.close()


def parse_payload(payload: str) -> tuple[str, PagePurge | None]:
    """``schema scope:article_id`` (the id empty for site-wide scopes) as the schema and
    the purge, which is None when unreadable."""
    schema, _, rest = payload.partition(" ")
    scope, _, article = rest.partition(":")
    try:
        return schema, PagePurge(Scope(scope), int(article) if article else None)
    except ValueError:
        return schema, None


class PostgresFeed:
    """Purges heard on a ``LISTEN`` connection; see the module docstring."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.local = _LocalWrites(engine)
        self.conninfo = engine.url.set(drivername="postgresql").render_as_string(
            hide_password=False
        )
        self.pending: list[PagePurge | None] = []
        self.schema = ""
        self.conn: psycopg.Connection[Any] | None = None
        self.closer: weakref.finalize[Any, Any] | None = None
        self.next_attempt = 0.0
        self._connect()

    def _connect(self) -> bool:
        self.next_attempt = time.monotonic() + RECONNECT_EVERY
        try:
            conn = psycopg.connect(self.conninfo, autocommit=True)
            row = conn.execute("SELECT current_schema()").fetchone()
            self.schema = str(row[0]) if row else ""
            conn.add_notify_handler(self._heard)
            conn.execute(f"LISTEN {purges.CHANNEL}")
        except psycopg.Error as exc:
            log.warning("page purges: cannot listen on PostgreSQL: %s", exc)
            return False
        self.conn = conn
        # closed with the feed even when nobody calls close() (an app never started)
        self.closer = weakref.finalize(self, conn.close)
        return True

    def _heard(self, notify: psycopg.Notify) -> None:
        if notify.channel != purges.CHANNEL:
            return
        schema, purge = parse_payload(notify.payload)
        if schema == self.schema:  # another site's schema in the same database: not ours
            self.pending.append(purge)

    def take(self) -> list[PagePurge] | None:
        if self.conn is None:
            if time.monotonic() < self.next_attempt or not self._connect():
                return None
            self.pending.clear()
            return None  # whatever happened while deaf is unknown
        local = self.local.lower()
        try:
            readable = select.select([self.conn.fileno()], [], [], 0)[0]
            if local or readable:
                self.conn.execute("SELECT 1")
        except (psycopg.Error, OSError, ValueError) as exc:
            log.warning("page purges: lost the PostgreSQL listener: %s", exc)
            self.close_connection()
            return None
        if not self.pending:
            return []
        heard, self.pending = self.pending, []
        if len(heard) > BATCH or any(p is None for p in heard):
            return None
        return [p for p in heard if p is not None]

    def close_connection(self) -> None:
        if self.conn is not None:
            try:
                if self.closer is not None:
                    self.closer()
            except psycopg.Error:
                pass
            self.conn = None

    def close(self) -> None:
        self.local.close()
        self.close_connection()


def open_feed(engine: Engine) -> PurgeFeed:
    """The feed for ``engine``'s database."""
    if engine.dialect.name == "postgresql":
        return PostgresFeed(engine)
    return SQLiteFeed(engine)
