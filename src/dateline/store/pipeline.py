"""Statements sent to PostgreSQL without waiting for each one's result (pipeline mode).

A batch of ingested items is mostly inserts whose results nobody reads: the new article's
one statement (``store.arrival``), an alternate's item row. Sent one by one, each waited a
round trip for its answer, and the waits were half of a new item's time on the client
(0.46 ms a statement, 0.35 of it the server's). In libpq's pipeline mode the client sends
the next statement while the server still runs the previous ones; it waits only where it
reads a result (a lookup, an ``insert_id``), and then for every statement sent before it,
in order, so a read still sees every write before it.

Only statements run on the driver's cursor (``store.direct``) can be sent this way:
SQLAlchemy reads a cursor's description as soon as it has executed, which a pipelined
cursor does not have yet. So while a ``Pipeline`` is open, every statement that runs
through ``Connection.execute`` (a savepoint, a taken slug's family, a take-over's update)
first ends the pipeline's run, and the next one starts it again (``before_cursor_execute``
and ``after_cursor_execute`` listeners, which ``Direct`` does not trigger with a context).

An error of a statement sent ahead is raised where the client next waits: at a later read,
or when the pipeline is closed; as SQLAlchemy's error (``IntegrityError``...), as ``Direct``
raises it. The caller must treat it as the batch's, not as the item's that happened to be
waiting: ``intake.take_many`` undoes the batch and takes it again item by item, without a
pipeline, which tells the item. The error comes out of the ``with`` block, so a savepoint
around it rolls back the whole block.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from types import TracebackType
from typing import Any

import psycopg
from sqlalchemy import Connection, event

from dateline.store.direct import driver_errors

# pipeline mode needs libpq 14 or later (psycopg[binary] ships its own); with an older one
# the statements are sent one by one, each waiting for its result, as before
SUPPORTED = psycopg.Pipeline.is_supported()


class Pipeline:
    """``with Pipeline(conn):`` sends the block's ``Direct`` statements without waiting
    for their results (PostgreSQL only); on the way out, every result has come back."""

    __slots__ = ("_conn", "_driver", "_run", "_on")

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._driver: Any = conn.connection.dbapi_connection
        self._run: AbstractContextManager[Any] | None = None  # the driver's pipeline, if open
        self._on = False

    def __enter__(self) -> Pipeline:
        if not SUPPORTED:
            return self
        self._on = True
        event.listen(self._conn, "before_cursor_execute", self._before)
        event.listen(self._conn, "after_cursor_execute", self._after)
        self._start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if not self._on:
            return
        self._on = False
        event.remove(self._conn, "before_cursor_execute", self._before)
        event.remove(self._conn, "after_cursor_execute", self._after)
        run, self._run = self._run, None
        if run is not None:
            with driver_errors(self._conn, "(the end of a pipeline)"):
                run.__exit__(kind, error, traceback)  # waits for every result

    def _start(self) -> None:
        run = self._driver.pipeline()
        run.__enter__()
        self._run = run

    def _before(self, conn: Any, cursor: Any, sql: str, values: Any, context: Any, *_: Any) -> None:
        """A statement through SQLAlchemy (it has an execution context): end the run."""
        if context is not None and self._run is not None:
            run, self._run = self._run, None
            with driver_errors(self._conn, sql, values):
                run.__exit__(None, None, None)  # waits for every result

    def _after(self, conn: Any, cursor: Any, sql: str, values: Any, context: Any, *_: Any) -> None:
        """After it (its results are read from the driver's memory): start a new run."""
        if context is not None and self._run is None:
            self._start()
