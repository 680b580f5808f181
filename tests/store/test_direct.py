"""Statements run on the driver's cursor write what ``Connection.execute`` would write."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import (
    JSON,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    event,
    insert,
    select,
)
from sqlalchemy.exc import IntegrityError

from dateline.store import Store
from dateline.store.direct import Direct
from dateline.store.types import UTCDateTime

probe = Table(
    "direct_probe",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("name", String(40), nullable=False, unique=True),
    Column("at", UTCDateTime()),
    Column("body", JSON, nullable=False),
    Column("label", String(20), nullable=False, default="plain"),
    Column("count", Integer, nullable=False, default=7),
)
ROW = {
    "name": "first",
    "at": datetime(2026, 11, 27, 14, 30, 5, 120, tzinfo=timezone(timedelta(hours=2))),
    "body": [{"kind": "paragraph", "html": "Caf\u00e9 <em>noir</em>"}],
}
NEW_ROW = Direct(insert(probe), columns=("name", "at", "body"), returning=probe.c.id)
NAMED = Direct(
    select(probe.c.name, probe.c.id)
    .where(probe.c.name.in_(bindparam("names", expanding=True)))
    .order_by(probe.c.name),
    expanding="names",
)


@pytest.fixture
def probed(store: Store) -> Iterator[Store]:
    probe.create(store.engine)
    yield store
    probe.drop(store.engine)


def raw_rows(store: Store) -> list[tuple[Any, ...]]:
    """The rows as the database keeps them (no SQLAlchemy type processing)."""
    with store.engine.connect() as conn:
        found = conn.exec_driver_sql("SELECT name, at, body, label, count FROM direct_probe")
        return sorted(tuple(row) for row in found)


def test_an_insert_stores_the_values_and_defaults_sqlalchemy_would(probed: Store) -> None:
    with probed.engine.begin() as conn:
        conn.execute(insert(probe), ROW)
    expected = raw_rows(probed)
    with probed.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM direct_probe")
        new_id = NEW_ROW.insert_id(conn, ROW)
        assert conn.execute(select(probe.c.name).where(probe.c.id == new_id)).scalar() == "first"
    assert raw_rows(probed) == expected


def test_an_expanding_in_takes_any_number_of_values(probed: Store) -> None:
    with probed.engine.begin() as conn:
        ids = {n: NEW_ROW.insert_id(conn, {**ROW, "name": n}) for n in ("a", "b", "c")}
        assert NAMED.all(conn, {"names": ["b"]}) == [("b", ids["b"])]
        assert NAMED.all(conn, {"names": ["c", "a", "zz"]}) == [("a", ids["a"]), ("c", ids["c"])]
        assert NAMED.all(conn, {"names": ["a", "b"]}) == [("a", ids["a"]), ("b", ids["b"])]


def test_a_driver_error_is_sqlalchemys_and_listeners_see_each_statement(probed: Store) -> None:
    seen: list[str] = []

    def listen(conn: Any, cursor: Any, sql: str, *rest: Any) -> None:
        seen.append(sql.split()[0])

    event.listen(probed.engine, "before_cursor_execute", listen)
    try:
        with probed.engine.begin() as conn:
            NEW_ROW.insert_id(conn, ROW)
            with pytest.raises(IntegrityError), conn.begin_nested():
                NEW_ROW.insert_id(conn, ROW)  # the name is taken
            NEW_ROW.insert_id(conn, {**ROW, "name": "second"})
    finally:
        event.remove(probed.engine, "before_cursor_execute", listen)
    assert seen.count("INSERT") == 3
    assert [row[0] for row in raw_rows(probed)] == ["first", "second"]


def test_many_rows_of_plain_values_are_stored_as_sqlalchemy_would(store: Store) -> None:
    """``run_many`` of a statement with plain values only (no defaults, no processing):
    with one column and with several, each row's values taken by name."""
    pairs = Table(
        "direct_pairs", MetaData(), Column("a", Integer), Column("b", String(10), default=None)
    )
    one, two = Direct(insert(pairs), columns=("a",)), Direct(insert(pairs), columns=("a", "b"))
    rows = [{"a": i, "b": f"b{i}"} for i in range(3)]
    pairs.create(store.engine)
    try:
        with store.engine.begin() as conn:
            conn.execute(insert(pairs), [{"a": 9}])
            conn.execute(insert(pairs), rows)
            expected = conn.exec_driver_sql("SELECT a, b FROM direct_pairs ORDER BY a").all()
            conn.exec_driver_sql("DELETE FROM direct_pairs")
            one.run_many(conn, [{"a": 9}])
            two.run_many(conn, rows)
            stored = conn.exec_driver_sql("SELECT a, b FROM direct_pairs ORDER BY a").all()
        assert stored == expected and len(stored) == 4
    finally:
        pairs.drop(store.engine)
