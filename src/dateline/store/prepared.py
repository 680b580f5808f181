"""Prepared reads: SELECTs compiled once per dialect, run together on the driver's cursor.

The hot read of the site (an article page: the article, its lists, the section navigation
and the weather cache) is a handful of small SELECTs. Through ``Connection.execute`` each
costs far more in SQLAlchemy's statement, cache-key and result machinery than in the
database. Here a statement is built once at import, compiled once per dialect (its SQL
text, parameter order and column type processors kept), and ``read_together`` runs a
batch of them in one read transaction on the connection's DBAPI cursor:

- SQLite: ``BEGIN`` (deferred, as every read), the statements, ``COMMIT``;
- PostgreSQL: the statements (psycopg opens the transaction) and ``COMMIT`` sent in one
  pipeline: one round trip for the whole batch. Statements in a batch therefore must not
  depend on each other's results (use a subquery on the same key instead).

Values come back as plain tuples with each column's type processor applied (UTC datetimes,
decoded JSON), as ``Connection.execute`` would give them. Parameters must be plain values
(``str``, ``int``): no bind processors are applied. Listeners of SQLAlchemy's
``before_cursor_execute`` and ``after_cursor_execute`` events still see every statement,
so query counters and tracing keep working.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Select
from sqlalchemy.engine import Dialect

from dateline.store.types import UTCDateTime

Row = tuple[Any, ...]


@dataclass(slots=True)
class _Compiled:
    """One statement in one dialect: SQL text, parameter order and value processors.

    The processors are found on the first run: some depend on the type the driver reports
    for a column (``cursor.description``), PostgreSQL's numbers for one.
    """

    sql: str
    names: tuple[str, ...] | None  # positional drivers (SQLite): the order of parameters
    defaults: dict[str, Any]  # values bound at build time (literal statuses)
    types: list[Any]  # each column's SQLAlchemy type
    dialect: Dialect
    processors: tuple[tuple[int, Callable[[Any], Any]], ...] | None = None

    def parameters(self, params: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        values = {**self.defaults, **params}
        if self.names is None:
            return values
        return [values[name] for name in self.names]

    def convert(self, rows: list[Row], description: Sequence[Any]) -> list[Row]:
        processors = self.processors
        if processors is None:
            processors = self.processors = tuple(
                (index, process)
                for index, (kind, column) in enumerate(zip(self.types, description, strict=True))
                if (process := _processor(kind, self.dialect, column[1])) is not None
            )
        if not processors:
            return rows
        converted = []
        for row in rows:
            values = list(row)
            for index, process in processors:
                values[index] = process(values[index])
            converted.append(tuple(values))
        return converted


def _sqlite_utc(value: str | None) -> datetime | None:
    """A UTC time as SQLite stores it (``2026-11-20 12:00:00.000000``), made aware.

    The zone is written onto the text, for ``fromisoformat`` to read (giving the same
    ``UTC``): ``replace(tzinfo=UTC)`` cost about eight times as much, and an article page
    reads some thirty times. A text that already names a zone does not read with a second
    one, and a bare date reads without it: those take the plain path, as before.
    """
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value + "+00:00")
    except ValueError:
        when = None
    if when is None or when.tzinfo is not UTC:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return when


def _processor(kind: Any, dialect: Dialect, driver_type: Any) -> Callable[[Any], Any] | None:
    """How a column's values are turned into Python values, as ``Connection.execute`` would.

    SQLite's times take a shortcut with the same result: SQLAlchemy's own path (a regular
    expression, then ``UTCDateTime`` marking the zone) is most of the cost of a list's rows.
    """
    if dialect.name == "sqlite" and isinstance(kind, UTCDateTime):
        return _sqlite_utc
    process: Callable[[Any], Any] | None = kind._cached_result_processor(dialect, driver_type)
    return process


class Prepared:
    """A SELECT built once; compiled the first time it runs on each dialect."""

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}

    def compiled(self, dialect: Dialect) -> _Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            found = self._compiled[dialect.name] = self._compile(dialect)
        return found

    def _compile(self, dialect: Dialect) -> _Compiled:
        compiled = self.statement.compile(dialect=dialect)
        names = tuple(compiled.positiontup) if compiled.positiontup is not None else None
        return _Compiled(
            sql=compiled.string,
            names=names,
            defaults={
                name: bind.effective_value
                for bind, name in compiled.bind_names.items()
                if not bind.required
            },
            types=[column.type for column in self.statement.selected_columns],
            dialect=dialect,
        )


def read_together(
    engine: Engine, batch: Sequence[tuple[Prepared, Mapping[str, Any]]]
) -> list[list[Row]]:
    """The rows of each statement of ``batch``, read in one transaction.

    On a connection of ``engine``'s pool, checked out bare (without the ``Connection``
    around it, which costs more than a small read) unless cursor-event listeners need one.
    """
    forms = [(prepared.compiled(engine.dialect), params) for prepared, params in batch]
    read = _read_pipelined if engine.dialect.name == "postgresql" else _read_in_turn
    events = engine.dispatch
    if events.before_cursor_execute or events.after_cursor_execute:
        with engine.connect() as conn:
            return read(conn, conn.connection.dbapi_connection, forms)
    pooled = engine.raw_connection()
    try:
        return read(None, pooled.dbapi_connection, forms)
    except BaseException:
        pooled.invalidate()  # whatever state it is in, the pool will not hand it out again
        raise
    finally:
        pooled.close()


def _read_in_turn(
    conn: Connection | None, driver: Any, forms: list[tuple[_Compiled, Mapping[str, Any]]]
) -> list[list[Row]]:
    """SQLite: the driver runs in autocommit mode, so the transaction is ours to open."""
    cursor = driver.cursor()
    try:
        _execute(conn, cursor, "BEGIN", ())
        try:
            results = []
            for form, params in forms:
                _execute(conn, cursor, form.sql, form.parameters(params))
                results.append(form.convert(cursor.fetchall(), cursor.description))
        except BaseException:
            with contextlib.suppress(Exception):  # the error to tell is the first one
                _execute(conn, cursor, "ROLLBACK", ())
            raise
        _execute(conn, cursor, "COMMIT", ())
        return results
    finally:
        cursor.close()


def _read_pipelined(
    conn: Connection | None, driver: Any, forms: list[tuple[_Compiled, Mapping[str, Any]]]
) -> list[list[Row]]:
    """PostgreSQL: every statement and the ``COMMIT`` in one pipeline, one round trip."""
    cursors = [driver.cursor() for _ in forms]
    try:
        try:
            with driver.pipeline():
                for cursor, (form, params) in zip(cursors, forms, strict=True):
                    _execute(conn, cursor, form.sql, form.parameters(params))
                driver.commit()
        except BaseException:
            with contextlib.suppress(Exception):  # the error to tell is the first one
                driver.rollback()
            raise
        return [
            form.convert(cursor.fetchall(), cursor.description)
            for cursor, (form, _) in zip(cursors, forms, strict=True)
        ]
    finally:
        for cursor in cursors:
            cursor.close()


def _execute(conn: Connection | None, cursor: Any, sql: str, params: Any) -> None:
    """Run one statement; ``conn`` when its cursor events have listeners to tell."""
    if conn is None:
        cursor.execute(sql, params)
        return
    conn.dispatch.before_cursor_execute(conn, cursor, sql, params, None, False)
    cursor.execute(sql, params)
    conn.dispatch.after_cursor_execute(conn, cursor, sql, params, None, False)
