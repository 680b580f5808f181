"""Migrations 0006, 0008 and 0011 on a database that already holds articles: body text and index
backfilled, published articles found; and back down."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, inspect, text

from dateline import publish
from dateline.model import SearchQuery
from dateline.store import Store
from dateline.store.engine import make_engine
from tests.migrating import migrate_to


def test_upgrading_fills_body_text_and_indexes_published_articles_only(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    migrate_to(engine, "upgrade", "0005")
    body = json.dumps([{"kind": "paragraph", "html": "Dredgers <em>cleared</em> the harbour."}])
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO sections (id, slug, name, position) VALUES (1, 'world', 'World', 1)")
        )
        for article_id, status in ((1, "published"), (2, "draft")):
            conn.execute(
                text(
                    "INSERT INTO articles (id, uid, slug, headline, deck, dateline, body, "
                    "credit_line, section_id, status, published_at, language, source_kind, "
                    "source_publisher, source_url, source_item_id, canonical_url) VALUES "
                    "(:id, :uid, :slug, 'Harbour news', '', '', :body, '', 1, :status, "
                    ":published_at, 'en', 'own', '', '', '', '')"
                ),
                {
                    "id": article_id,
                    "uid": f"old:{article_id}",
                    "slug": f"harbour-news-{article_id}",
                    "body": body,
                    "status": status,
                    "published_at": "2026-01-02 03:04:05"
                    if engine.dialect.name == "sqlite"
                    else "2026-01-02T03:04:05+00:00",
                },
            )
    store = Store(engine)
    try:
        assert store.migrate()
        with engine.connect() as conn:
            texts = conn.execute(text("SELECT body_text FROM articles ORDER BY id")).scalars().all()
        assert texts == ["Dredgers cleared the harbour.", "Dredgers cleared the harbour."]
        results = store.search(SearchQuery("cleared harbour"))
        assert [h.article.id for h in results.hits] == [1]
        assert "<mark>cleared</mark>" in results.hits[0].snippet
    finally:
        store.close()


def test_downgrading_removes_the_index_and_the_body_text(store: Store) -> None:
    migrate_to(store.engine, "downgrade", "0005")
    with store.engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("articles")}
        tables = set(inspect(conn).get_table_names())
    assert "body_text" not in columns and "search_vector" not in columns
    assert not any(name.startswith("articles_search") for name in tables)
    assert store.migrate()  # and up again
    assert store.search(SearchQuery("anything")).total == 0


def _old_archive(engine: Engine, revision: str, rows: list[tuple[int, str, str]]) -> None:
    """The store at ``revision``, with the section ``world`` and articles ``rows`` (id,
    status, headline) in it."""
    migrate_to(engine, "upgrade", revision)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO sections (id, slug, name, position) VALUES (1, 'world', 'World', 1)")
        )
        for article_id, status, headline in rows:
            _insert_article(conn, article_id, status, headline)


def _insert_article(conn: Connection, article_id: int, status: str, headline: str) -> None:
    """An article row as a store before migration 0008 held it (body text filled)."""
    conn.execute(
        text(
            "INSERT INTO articles (id, uid, slug, headline, deck, dateline, body, credit_line, "
            "section_id, status, published_at, language, source_kind, source_publisher, "
            "source_url, source_item_id, canonical_url, body_text) VALUES "
            "(:id, :uid, :slug, :headline, '', '', '[]', '', 1, :status, :published_at, 'en', "
            "'own', '', '', '', '', 'Tugboats guided the tanker into the harbour.')"
        ),
        {
            "id": article_id,
            "uid": f"old:{article_id}",
            "slug": f"article-{article_id}",
            "headline": headline,
            "status": status,
            "published_at": datetime(2026, 1, article_id, tzinfo=UTC),
        },
    )


@contextmanager
def _old_store(engine: Engine, revision: str, rows: list[tuple[int, str, str]]) -> Iterator[Store]:
    """A store on ``_old_archive``'s database, closed on the way out."""
    _old_archive(engine, revision, rows)
    store = Store(engine)
    try:
        yield store
    finally:
        store.close()


def test_upgrading_to_the_search_side_table_finds_the_published_articles(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    with _old_store(
        engine,
        "0007",
        [
            (1, "published", "Tanker arrives"),
            (2, "published", "Harbour pilots busy"),
            (3, "draft", "Harbour draft"),
        ],
    ) as store:
        assert store.migrate()
        results = store.search(SearchQuery("harbour"))
        assert [h.article.id for h in results.hits] == [2, 1]  # the headline match first
        assert results.total == 2 and not results.capped
        assert {h.article.id for h in store.search(SearchQuery("tugboats")).hits} == {1, 2}
        in_world = store.search(SearchQuery("harbour", section="world")).hits
        assert [h.article.id for h in in_world] == [2, 1]
        assert store.search(SearchQuery("harbour", section="nowhere")).total == 0
        publish.publish(store, [3], datetime(2026, 2, 1, tzinfo=UTC))  # the trigger's turn
        assert store.search(SearchQuery("harbour")).total == 3
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                columns = {c["name"] for c in inspect(conn).get_columns("articles")}
                indexed = conn.execute(
                    text("SELECT article_id FROM article_search ORDER BY article_id")
                ).scalars()
                assert list(indexed) == [1, 2, 3]
            assert "search_vector" not in columns


def test_downgrading_the_side_table_brings_back_the_generated_column(store: Store) -> None:
    migrate_to(store.engine, "downgrade", "0007")
    with store.engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("articles")}
        tables = set(inspect(conn).get_table_names())
    assert "article_search" not in tables
    if store.dialect == "postgresql":
        assert "search_vector" in columns
    else:
        assert "articles_search" in tables  # FTS5 was never touched
    assert store.migrate()  # and up again
    assert store.search(SearchQuery("anything")).total == 0


def test_the_filters_table_is_filled_on_upgrade_and_gone_on_downgrade(database_url: str) -> None:
    """Migration 0011 (SQLite): published articles' sections and times, in a narrow table."""
    engine = make_engine(database_url)
    if engine.dialect.name != "sqlite":
        engine.dispose()
        return  # PostgreSQL's article_search is 0008's, untouched by 0011
    with _old_store(
        engine,
        "0010",
        [
            (1, "published", "Tanker arrives"),
            (2, "draft", "Harbour draft"),
            (3, "published", "Harbour pilots busy"),
        ],
    ) as store:
        assert store.migrate()
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT article_id, section_id FROM article_search ORDER BY article_id")
            ).all()
        assert [tuple(r) for r in rows] == [(1, 1), (3, 1)]
        assert [
            h.article.id for h in store.search(SearchQuery("harbour", section="world")).hits
        ] == [3, 1]
        migrate_to(engine, "downgrade", "0010")
        with engine.connect() as conn:
            assert "article_search" not in inspect(conn).get_table_names()
            triggers = conn.execute(
                text(
                    "SELECT name FROM sqlite_master "
                    "WHERE type = 'trigger' AND name LIKE 'article_search%'"
                )
            ).all()
        assert triggers == []
        publish.publish(store, [2], datetime(2026, 2, 1, tzinfo=UTC))  # no trigger to fail
