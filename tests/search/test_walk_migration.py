"""Migration 0014 on PostgreSQL: finer word statistics, the walk's rule and its work
memory; and back down to 0008's function, with searches answered at both revisions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, text

from dateline.model import SearchQuery
from dateline.store import Store
from dateline.store.engine import make_engine
from tests.migrating import migrate_to
from tests.search.helpers import NOW, add


def _search_setup(engine: Engine) -> tuple[int, list[str], str]:
    """The statistics target of ``search_vector``, the function's settings and its last
    argument's name."""
    with engine.connect() as conn:
        target = conn.execute(
            text(
                "SELECT attstattarget FROM pg_attribute WHERE attrelid = 'article_search'::regclass"
                " AND attname = 'search_vector'"
            )
        ).scalar_one()
        settings, names = conn.execute(
            text(
                "SELECT proconfig, proargnames FROM pg_proc"
                " WHERE proname = 'dateline_search_newest'"
                " AND pronamespace = current_schema()::regnamespace"
            )
        ).one()
    return int(target), list(settings), names[9]


def test_0014_keeps_more_word_statistics_and_walks_by_cost_and_back(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("migration 0014 changes PostgreSQL's search only")
    engine = make_engine(database_url)
    migrate_to(engine, "upgrade", "0013")
    store = Store(engine)
    try:
        for n in range(12):
            body = "The tide turned at dawn." if n % 2 else "Nothing else of note."
            add(store, f"Coastal log {n}", body, when=NOW + timedelta(minutes=n))
        before = store.search(SearchQuery("tide"))
        assert _search_setup(engine) == (
            -1,
            [
                "enable_indexscan=off",
                "enable_bitmapscan=on",
                "enable_seqscan=off",
                "plan_cache_mode=force_custom_plan",
            ],
            "dense_share",
        )

        migrate_to(engine, "upgrade", "0014")
        target, settings, last = _search_setup(engine)
        assert (target, last) == (1000, "row_cost")
        assert "work_mem=32MB" in settings
        after = store.search(SearchQuery("tide"))
        assert after.total == before.total == 6
        assert [h.article.id for h in after.hits] == [h.article.id for h in before.hits]

        migrate_to(engine, "downgrade", "0013")
        assert _search_setup(engine)[::2] == (-1, "dense_share")
        assert store.search(SearchQuery("tide")).total == 6
    finally:
        store.close()
