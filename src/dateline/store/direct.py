"""Statements of the ingest write path, compiled once per dialect and run on the driver's cursor.

Taking one item runs about a dozen small statements (lookups by key, single-row inserts).
Through ``Connection.execute`` each cost several times what the database spent on it:
SQLAlchemy's cache key, execution context, parameter processing and result wrapping. A
``Direct`` statement is built once at import and compiled once per dialect, keeping its
SQL text, parameter order, column defaults and bind processors; ``run`` then executes it
on the DBAPI cursor of the caller's connection, inside the caller's transaction and
savepoints, with the values SQLAlchemy would have sent:

- every bind parameter goes through the processor SQLAlchemy's own path applies (on
  SQLite ``UTCDateTime`` becomes the same ``2026-11-27 12:00:00.000000`` text, ``JSON``
  the same ``json.dumps`` output), so stored values are identical;
- an INSERT gets the scalar defaults of the columns it does not name (``default=""``),
  as SQLAlchemy fills them in;
- an ``IN`` over an expanding parameter is compiled once per number of values;
- driver errors are raised as SQLAlchemy's (``IntegrityError``...), and listeners of the
  ``before_cursor_execute`` and ``after_cursor_execute`` events see every statement.

Rows come back as the driver gives them (no result processors): use it for columns whose
driver values are already what the caller wants (integers, text, bytes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from sqlalchemy import ClauseElement, Column, Connection, Insert
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.schema import ScalarElementColumnDefault

Params = Mapping[str, Any]


@dataclass(slots=True)
class _Form:
    """One statement compiled for one dialect."""

    sql: str
    names: tuple[str, ...] | None  # positional drivers (SQLite): the parameters' order
    processors: dict[str, Callable[[Any], Any]]
    defaults: dict[str, Any]  # values bound at build time, and INSERT column defaults
    compiled: SQLCompiler
    expanding: str | None  # the name of an expanding parameter (``IN``), if any
    by_count: dict[int, tuple[str, tuple[str, ...] | None]] = field(default_factory=dict)

    def prepare(self, params: Params) -> tuple[str, Sequence[Any] | dict[str, Any]]:
        """The SQL and the driver's parameters for ``params``."""
        sql, names = self.sql, self.names
        values = {**self.defaults, **params}
        if self.expanding is not None:
            listed = values.pop(self.expanding)
            sql, names = self._expanded(len(listed))
            for number, value in enumerate(listed, 1):
                values[f"{self.expanding}_{number}"] = value
        for name, process in self.processors.items():
            if name in values:
                values[name] = process(values[name])
        if names is None:
            return sql, values
        return sql, [values[name] for name in names]

    def _expanded(self, count: int) -> tuple[str, tuple[str, ...] | None]:
        """The SQL and parameter order with ``count`` values in the expanding ``IN``."""
        found = self.by_count.get(count)
        if found is None:
            assert self.expanding is not None
            dummy = dict.fromkeys(self.compiled.bind_names.values())
            dummy.update(self.defaults)
            dummy[self.expanding] = list(range(count))
            state = self.compiled.construct_expanded_state(dummy)
            names = tuple(state.positiontup) if state.positiontup is not None else None
            found = self.by_count[count] = (state.statement, names)
        return found


class Direct:
    """A statement built once; compiled the first time it runs on each dialect.

    ``returning``: the column an INSERT gives back (``insert_id``), by ``RETURNING`` where
    the driver has no ``lastrowid`` (PostgreSQL). ``columns``: an INSERT's column keys
    (those of its parameters); the table's other columns with a scalar default are bound
    to it. ``expanding``: the name of the statement's expanding ``IN`` parameter.
    """

    def __init__(
        self,
        statement: ClauseElement,
        *,
        columns: Sequence[str] | None = None,
        returning: Column[Any] | None = None,
        expanding: str | None = None,
    ) -> None:
        self.statement = statement
        self.columns = list(columns) if columns is not None else None
        self.returning = returning
        self.expanding = expanding
        self._forms: dict[str, _Form] = {}

    def form(self, dialect: Dialect) -> _Form:
        found = self._forms.get(dialect.name)
        if found is None:
            found = self._forms[dialect.name] = self._compile(dialect)
        return found

    def _compile(self, dialect: Dialect) -> _Form:
        statement = self.statement
        defaults: dict[str, Any] = {}
        if isinstance(statement, Insert):
            if self.returning is not None and dialect.name != "sqlite":
                statement = statement.returning(self.returning)
            if self.columns is not None:
                defaults = column_defaults(statement, self.columns)
        keys = [*self.columns, *defaults] if self.columns is not None else None
        compiled = statement.compile(dialect=dialect, column_keys=keys)
        assert isinstance(compiled, SQLCompiler)
        bound = {
            name: bind.effective_value
            for bind, name in compiled.bind_names.items()
            if not bind.required and not bind.expanding
        }
        processors: dict[str, Callable[[Any], Any]] = {}
        for name, process in compiled._bind_processors.items():
            assert callable(process), f"{name}: a tuple parameter is not supported"
            processors[name] = process
        return _Form(
            sql=compiled.string,
            names=tuple(compiled.positiontup) if compiled.positiontup is not None else None,
            processors=processors,
            defaults={**bound, **defaults},
            compiled=compiled,
            expanding=self.expanding,
        )

    def run(self, conn: Connection, params: Params) -> Any:
        """Execute with ``params``; the driver's cursor, to read rows from."""
        sql, values = self.form(conn.dialect).prepare(params)
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        _execute(conn, cursor, sql, values, many=False)
        return cursor

    def run_many(self, conn: Connection, rows: Sequence[Params]) -> None:
        """Execute once for each of ``rows`` (the driver's ``executemany``)."""
        if not rows:
            return
        form = self.form(conn.dialect)
        values: list[Any]
        if form.names is not None and not form.processors and not form.defaults:
            # plain values in order: each row's values picked at C speed, no copy made
            pick = itemgetter(*form.names)
            if len(form.names) == 1:
                values = [(pick(row),) for row in rows]
            else:
                values = list(map(pick, rows))
            sql = form.sql
        else:
            prepared = [form.prepare(row) for row in rows]
            sql, values = prepared[0][0], [one for _, one in prepared]
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            _execute(conn, cursor, sql, values, many=True)
        finally:
            cursor.close()

    def first(self, conn: Connection, params: Params) -> tuple[Any, ...] | None:
        """The first row, or ``None``."""
        cursor = self.run(conn, params)
        try:
            with driver_errors(conn, self.form(conn.dialect).sql):
                row = cursor.fetchone()
        finally:
            cursor.close()
        return tuple(row) if row is not None else None

    def all(self, conn: Connection, params: Params) -> list[tuple[Any, ...]]:
        cursor = self.run(conn, params)
        try:
            with driver_errors(conn, self.form(conn.dialect).sql):
                return [tuple(row) for row in cursor.fetchall()]
        finally:
            cursor.close()

    def insert_id(self, conn: Connection, params: Params) -> int:
        """Run an INSERT of one row and give the new row's key."""
        cursor = self.run(conn, params)
        try:
            if self.returning is not None and conn.dialect.name != "sqlite":
                with driver_errors(conn, self.form(conn.dialect).sql):
                    return int(cursor.fetchone()[0])
            return int(cursor.lastrowid)
        finally:
            cursor.close()

    def execute(self, conn: Connection, params: Params) -> None:
        self.run(conn, params).close()


def column_defaults(statement: Insert, columns: Sequence[str]) -> dict[str, Any]:
    """The scalar defaults of the table's columns that ``columns`` leaves out."""
    table = statement.table
    found: dict[str, Any] = {}
    for column in table.columns:
        default = column.default
        if column.key not in columns and isinstance(default, ScalarElementColumnDefault):
            found[column.key] = default.arg
    return found


@contextmanager
def driver_errors(
    conn: Connection, sql: str, values: Any = None, *, many: bool = False
) -> Iterator[None]:
    """Raise the driver's errors inside the block as SQLAlchemy's (``IntegrityError``...).

    Reading rows can raise one too: in PostgreSQL's pipeline mode (``store.pipeline``) an
    error of a statement sent earlier is raised where the client next waits for a result.
    """
    dialect = conn.dialect
    try:
        yield
    except dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(
            sql, values, exc, dialect.loaded_dbapi.Error, dialect=dialect, ismulti=many
        ) from exc


def _execute(conn: Connection, cursor: Any, sql: str, values: Any, *, many: bool) -> None:
    """Run on the cursor, telling cursor-event listeners; driver errors as SQLAlchemy's."""
    dispatch = conn.dispatch
    if dispatch.before_cursor_execute:
        dispatch.before_cursor_execute(conn, cursor, sql, values, None, many)
    try:
        with driver_errors(conn, sql, values, many=many):
            if many:
                cursor.executemany(sql, values)
            else:
                cursor.execute(sql, values)
    except DBAPIError:
        cursor.close()
        raise
    if dispatch.after_cursor_execute:
        dispatch.after_cursor_execute(conn, cursor, sql, values, None, many)
