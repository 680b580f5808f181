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
from tests.search.helpers import NOW, WALK, add, skip_ids


def _indexes(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT indexname, indexdef FROM pg_indexes"
                " WHERE schemaname = current_schema() AND tablename = 'article_search'"
                " AND indexdef LIKE '%USING gin%'"
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


def test_a_window_reads_its_blocks_through_the_word_index(store: Store) -> None:
    """The plan of the walk's windows (``auto_explain`` of the function's statements): the
    word index is read and no bitmap of the primary key's id range is built. Whether the
    blocks are a condition of the index's scan or a filter of its rows is the planner's
    choice by its statistics: on these 30 rows it filters (one scan of ten matches is
    cheaper); on a million articles the blocks are scanned in the index. With a section
    filter it may choose the section's own index in the same way."""
    if store.dialect == "sqlite":
        pytest.skip("the window walk is PostgreSQL's")
    for n in range(30):
        skip_ids(store, 5000)
        body = "The tide turned at dawn." if n % 3 == 0 else "Nothing else of note."
        add(store, f"Coastal log {n}", body, when=NOW + timedelta(minutes=n))
    plans: list[str] = []
    with store.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE article_search")  # as autovacuum would have
        try:
            conn.exec_driver_sql("LOAD 'auto_explain'")
        except Exception as error:  # not a superuser, or the module is not installed
            pytest.skip(f"auto_explain cannot be loaded here: {error}")
        for setting in (
            "auto_explain.log_min_duration = 0",
            "auto_explain.log_nested_statements = on",
            "auto_explain.log_level = notice",
            "client_min_messages = notice",
        ):
            conn.exec_driver_sql(f"SET {setting}")
        conn.connection.driver_connection.add_notice_handler(  # type: ignore[union-attr]
            lambda notice: plans.append(str(notice.message_primary))
        )
        walk = {"q": "tide", "wanted": 5, "margin": 0.01, "growth": 2, "row_cost": 1e9}
        found = conn.execute(WALK, walk).all()
    assert len(found) == 5
    windows = [plan for plan in plans if "ORDER BY s.article_id DESC" in plan]
    assert len(windows) >= 2, plans
    for plan in windows:
        assert "Bitmap Index Scan on ix_article_search_words" in plan, plan
        assert "pk_article_search" not in plan, plan
    # all windows but a last one over half the ids left are whole blocks
    assert any("(article_id >> 13) = ANY" in plan for plan in windows[:-1]), windows
