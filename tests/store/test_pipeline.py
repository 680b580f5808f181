"""Statements sent ahead in PostgreSQL's pipeline mode, and SQLAlchemy's between them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.exc import IntegrityError

from dateline.store import Store
from dateline.store.direct import Direct
from dateline.store.pipeline import SUPPORTED, Pipeline

probe = Table(
    "pipeline_probe",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("name", String(40), nullable=False, unique=True),
)
NEW_ROW = Direct(insert(probe), columns=("id", "name"))
COUNT = Direct(select(func.count()).select_from(probe))


@pytest.fixture
def probed(store: Store) -> Iterator[Store]:
    if store.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite's statements are in-process calls, not sent")
    if not SUPPORTED:
        pytest.skip("the driver's libpq is older than 14: it has no pipeline mode")
    probe.create(store.engine)
    yield store
    probe.drop(store.engine)


def names(store: Store) -> list[str]:
    with store.engine.connect() as conn:
        return list(conn.execute(select(probe.c.name).order_by(probe.c.id)).scalars())


def pipelined(conn: Any) -> bool:
    """Whether the connection's driver is in pipeline mode now."""
    return bool(conn.connection.dbapi_connection.pgconn.pipeline_status)


def test_direct_statements_are_sent_ahead_and_sqlalchemys_run_between_them(
    probed: Store,
) -> None:
    with probed.engine.begin() as conn:
        with Pipeline(conn):
            assert pipelined(conn)
            NEW_ROW.execute(conn, {"id": 1, "name": "one"})
            NEW_ROW.execute(conn, {"id": 2, "name": "two"})
            assert pipelined(conn)  # nothing was waited for
            # a read of the driver's cursor waits for the rows sent before it
            assert COUNT.first(conn, {}) == (2,)
            # SQLAlchemy's statements run outside the pipeline and see every row before them
            assert conn.execute(select(func.count()).select_from(probe)).scalar_one() == 2
            with conn.begin_nested():
                NEW_ROW.execute(conn, {"id": 3, "name": "three"})
                assert pipelined(conn)  # started again after the savepoint
            assert conn.execute(select(probe.c.name).where(probe.c.id == 3)).scalar() == "three"
            NEW_ROW.execute(conn, {"id": 4, "name": "four"})
        assert not pipelined(conn)
    assert names(probed) == ["one", "two", "three", "four"]


def test_an_error_sent_ahead_is_raised_later_and_its_savepoint_undoes_the_whole_block(
    probed: Store,
) -> None:
    with probed.engine.begin() as conn:
        NEW_ROW.execute(conn, {"id": 1, "name": "kept"})
        with pytest.raises(IntegrityError), conn.begin_nested(), Pipeline(conn):
            NEW_ROW.execute(conn, {"id": 2, "name": "sent"})
            NEW_ROW.execute(conn, {"id": 3, "name": "kept"})  # a duplicate name: refused
            NEW_ROW.execute(conn, {"id": 4, "name": "after"})  # no error here
            COUNT.first(conn, {})  # the read waits, and the refusal is raised
        assert not pipelined(conn)
        NEW_ROW.execute(conn, {"id": 5, "name": "next"})  # the transaction goes on
    assert names(probed) == ["kept", "next"]


def test_an_error_of_the_last_statements_is_raised_when_the_pipeline_closes(
    probed: Store,
) -> None:
    with probed.engine.begin() as conn:
        with pytest.raises(IntegrityError), conn.begin_nested(), Pipeline(conn):
            NEW_ROW.execute(conn, {"id": 1, "name": "same"})
            NEW_ROW.execute(conn, {"id": 2, "name": "same"})
        NEW_ROW.execute(conn, {"id": 3, "name": "after"})
    assert names(probed) == ["after"]
