"""Migration 0015 on PostgreSQL: the word index with blocks of ids and sections, the walk
by whole blocks; and back down to 0014's index and function, with the same answers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, text

from dateline.model import SearchQuery
from dateline.store import Store
from dateline.store.engine import make_engine
from tests.migrating import migrate_to
from tests.search.helpers import NOW, add


def _indexes(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT indexname, indexdef FROM pg_indexes"
                " WHERE tablename = 'article_search' AND indexdef LIKE '%USING gin%'"
            )
        ).all()
    return {name: definition for name, definition in rows}


def _answers(store: Store) -> list[tuple[int, list[int]]]:
    queries = (SearchQuery("tide"), SearchQuery("tide", section="business"), SearchQuery("log"))
    return [
        (results.total, [hit.article.id for hit in results.hits])
        for results in map(store.search, queries)
    ]


def test_0015_searches_blocks_and_sections_in_the_word_index_and_back(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("migration 0015 changes PostgreSQL's search only")
    engine = make_engine(database_url)
    migrate_to(engine, "upgrade", "0014")
    store = Store(engine)
    try:
        for n in range(12):
            body = "The tide turned at dawn." if n % 2 else "Nothing else of note."
            place = "business" if n % 3 else "world"
            add(store, f"Coastal log {n}", body, in_section=place, when=NOW + timedelta(minutes=n))
        before = _answers(store)
        assert before[0][0] == 6 and before[1][0] == 4 and before[2][0] == 12
        assert list(_indexes(engine)) == ["ix_article_search_vector"]

        migrate_to(engine, "upgrade", "0015")
        [(name, definition)] = _indexes(engine).items()
        assert name == "ix_article_search_words"
        assert "((article_id >> 13)), section_id, search_vector" in definition
        assert _answers(store) == before

        migrate_to(engine, "downgrade", "0014")
        assert list(_indexes(engine)) == ["ix_article_search_vector"]
        assert _answers(store) == before
    finally:
        store.close()
