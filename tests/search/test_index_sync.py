"""The search index stays in step with ``articles`` whatever changes them: publish, edit,
unpublish, a move to another section, a new publication time, deletion (on PostgreSQL
the trigger-kept table ``article_search`` of migration 0008; on SQLite FTS5, and the
narrow table ``article_search`` of filters of migration 0011)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import text

from dateline import publish
from dateline.model import SearchQuery
from dateline.store import Store
from tests.search.helpers import NOW, WALK, add, section, skip_ids


def found(store: Store, words: str, **filters: object) -> list[int]:
    results = store.search(SearchQuery(words, **filters))  # type: ignore[arg-type]
    return [hit.article.id for hit in results.hits]


def test_the_index_follows_a_move_a_new_publication_time_and_deletion(store: Store) -> None:
    article_id = add(store, "Lighthouse restored", "Masons rebuilt the lamp room.")
    assert found(store, "lighthouse", section="world") == [article_id]

    stored = store.article(article_id)
    assert stored is not None
    moved = replace(stored, section=section(store, "business"), version_at=NOW + timedelta(hours=1))
    store.save_articles([moved])
    assert found(store, "lighthouse", section="business") == [article_id]
    assert found(store, "lighthouse", section="world") == []

    earlier = NOW - timedelta(days=30)
    with store.engine.begin() as conn:
        conn.execute(
            text("UPDATE articles SET published_at = :when WHERE id = :id"),
            {"when": earlier, "id": article_id},
        )
    assert found(store, "lighthouse", since=NOW.date()) == []
    assert found(store, "masons", since=earlier.date(), until=earlier.date()) == [article_id]

    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM articles WHERE id = :id"), {"id": article_id})
    assert found(store, "lighthouse") == []
    assert store.search(SearchQuery("masons")).total == 0


def test_article_search_holds_exactly_the_published_articles_and_their_vectors(
    store: Store,
) -> None:
    """On PostgreSQL with their vectors; on SQLite (migration 0011) the filters only."""
    kept = add(store, "Bridge closure planned", "Engineers found cracks.", deck="Traffic")
    draft = add(store, "Secret merger", published=False)
    edited = add(store, "Ferry timetable", "Boats leave at six.")
    gone = add(store, "Unpublished later", "Nothing to see.")
    deleted = add(store, "Deleted later", "Nothing to keep.")
    republished = add(store, "Back again", "It returned.")

    stored = store.article(edited)
    assert stored is not None
    store.save_articles(
        [
            replace(
                stored,
                headline="Ferry timetable changed",
                section=section(store, "business"),
                version_at=NOW + timedelta(hours=1),
            )
        ]
    )
    publish.unpublish(store, gone)
    publish.unpublish(store, republished)
    publish.publish(store, [republished, draft], NOW + timedelta(days=1))
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM articles WHERE id = :id"), {"id": deleted})

    if store.dialect == "sqlite":
        with store.engine.connect() as conn:
            filters = conn.execute(
                text("SELECT article_id, section_id, published_at FROM article_search")
            ).all()
            expected = conn.execute(
                text(
                    "SELECT id, section_id, published_at FROM articles "
                    "WHERE status = 'published' ORDER BY id"
                )
            ).all()
        assert sorted(filters) == expected
        assert [row[0] for row in expected] == [kept, draft, edited, republished]
        assert found(store, "ferry", section="business") == [edited]
        assert found(store, "ferry", section="world") == []
        return
    vector = (
        "setweight(to_tsvector('english'::regconfig, headline), 'A')"
        " || setweight(to_tsvector('english'::regconfig, deck), 'B')"
        " || setweight(to_tsvector('english'::regconfig, body_text), 'C')"
    )
    with store.engine.connect() as conn:
        indexed = conn.execute(
            text(
                "SELECT article_id, section_id, published_at, search_vector::text "
                "FROM article_search ORDER BY article_id"
            )
        ).all()
        expected = conn.execute(
            text(
                f"SELECT id, section_id, published_at, ({vector})::text FROM articles "
                "WHERE status = 'published' ORDER BY id"
            )
        ).all()
    assert indexed == expected
    assert [row[0] for row in indexed] == [kept, draft, edited, republished]
    assert "'chang':" in dict((row[0], row[3]) for row in indexed)[edited]


@pytest.mark.parametrize("gaps", [0, 3000], ids=["ids-in-one-block", "ids-over-many-blocks"])
@pytest.mark.parametrize(
    ("margin", "growth", "row_cost"),
    [(1.3, 16, 2.0), (0.01, 2, 1e9), (0.01, 2, 0.0), (100.0, 16, 1e9)],
    ids=["as-searched", "many-windows", "primary-key-walk", "one-wide-window"],
)
def test_the_window_walk_finds_the_newest_matches_however_it_walks(
    store: Store, margin: float, growth: int, row_cost: float, gaps: int
) -> None:
    """``gaps``: ids skipped before each article, so that the 40 articles lie in 19 of the
    word index's blocks of 8,192 ids (migration 0015), and windows rounded to whole blocks
    start and end between them."""
    if store.dialect == "sqlite":
        pytest.skip("dateline_search_newest is PostgreSQL's (migration 0008)")
    for n in range(40):
        body = "The tide turned at dawn." if n % 3 == 0 else "Nothing else of note."
        if gaps:
            skip_ids(store, gaps + 37 * n)
        add(store, f"Coastal log {n}", body, when=NOW + timedelta(minutes=n))
    everything = text(
        "SELECT article_id, ts_rank_cd(search_vector, websearch_to_tsquery('english', :q), 1)"
        " FROM article_search WHERE search_vector @@ websearch_to_tsquery('english', :q)"
        " ORDER BY article_id DESC LIMIT :wanted"
    )
    with store.engine.connect() as conn:
        for q, wanted in (("tide", 5), ("tide", 14), ("tide", 100), ("coastal", 7), ("gale", 3)):
            args = {"q": q, "wanted": wanted}
            found = conn.execute(
                WALK, {**args, "margin": margin, "growth": growth, "row_cost": row_cost}
            )
            assert [tuple(r) for r in found] == [tuple(r) for r in conn.execute(everything, args)]
