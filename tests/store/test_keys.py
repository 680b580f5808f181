"""Ids drawn ahead from PostgreSQL's sequences (``store.keys``)."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select

from dateline.store import Store
from dateline.store.keys import SPARE, Keys
from dateline.store.schema import authors


@pytest.fixture
def postgres(store: Store) -> Store:
    if store.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite's inserts give their id in-process")
    return store


def test_drawn_ids_are_handed_out_in_order_and_a_default_insert_gets_a_later_one(
    postgres: Store,
) -> None:
    keys = Keys()
    with postgres.engine.begin() as conn:
        keys.draw(conn, {"authors": 3, "topics": 2, "articles": 0})
        drawn = [keys.take(conn, "authors") for _ in range(3)]
        assert drawn == sorted(drawn) and len(set(drawn)) == 3
        topics = [keys.take(conn, "topics") for _ in range(2)]
        assert topics == sorted(topics)
        for number, author_id in enumerate(drawn):
            conn.execute(insert(authors).values(id=author_id, slug=f"a{number}", name="A"))
        by_default = conn.execute(
            insert(authors).values(slug="later", name="Later").returning(authors.c.id)
        ).scalar_one()
        assert by_default > max(drawn)  # the sequence moved past the drawn ids
        stored = conn.execute(select(authors.c.id).order_by(authors.c.id)).scalars().all()
        assert stored == [*drawn, by_default]


def test_more_ids_are_drawn_when_the_drawn_ones_run_out(postgres: Store) -> None:
    keys = Keys()
    with postgres.engine.begin() as conn:
        keys.draw(conn, {"articles": 1})
        first = keys.take(conn, "articles")
        more = [keys.take(conn, "articles") for _ in range(SPARE + 1)]
    assert sorted({first, *more}) == [first, *more]


def test_a_table_without_drawn_ids_is_refused(postgres: Store) -> None:
    with postgres.engine.begin() as conn, pytest.raises(ValueError, match="users"):
        Keys().draw(conn, {"users": 1})
