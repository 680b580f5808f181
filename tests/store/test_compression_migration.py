"""Migration 0016: article texts compressed with LZ4 on PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, text

from dateline.model import Block, BlockKind, Section
from dateline.model.fingerprint import same_story
from dateline.store import Incoming
from tests.migrating import migrate_to, news_store_at
from tests.store.test_intake import item

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
COLUMNS = ("body", "body_text", "body_markdown")


def long_item(number: int, section: Section) -> Incoming:
    """An item whose body text is long enough (5 kB) for PostgreSQL to compress it.

    Without a fingerprint: the store writes one's band keys into a column that revisions
    before 0017 lack (the compression is the article's, not the fingerprint's).
    """
    incoming = item(number, section)
    sentence = f"The harbour of town {number} reopened to ships this morning. "
    body = (*incoming.article.body, Block(BlockKind.PARAGRAPH, html=sentence * 80))
    return Incoming(replace(incoming.article, body=body), None)


def compression_of(engine: Engine) -> dict[str, str]:
    """The compression method each large article column is set to ('' is the default)."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT attname, attcompression FROM pg_attribute "
                "WHERE attrelid = 'articles'::regclass AND attname = ANY(:names)"
            ),
            {"names": list(COLUMNS)},
        ).all()
    return {name: str(method) for name, method in rows}


def stored_with(engine: Engine, article_id: int) -> str | None:
    with engine.connect() as conn:
        return conn.execute(
            text("SELECT pg_column_compression(body_text) FROM articles WHERE id = :id"),
            {"id": article_id},
        ).scalar_one()


def test_article_texts_are_stored_with_lz4_after_the_upgrade_and_the_default_after_downgrade(
    database_url: str,
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: SQLite does not compress stored values")
    with news_store_at(database_url, "0015") as (engine, store, news):
        before = store.take_items([long_item(1, news)], None, NOW, same_story)[0]
        assert not isinstance(before, str)
        assert stored_with(engine, before.article_id) == "pglz"

        migrate_to(engine, "upgrade", "0016")
        assert compression_of(engine) == dict.fromkeys(COLUMNS, "l")
        assert stored_with(engine, before.article_id) == "pglz"  # read as it was stored
        after = store.take_items([long_item(2, news)], None, NOW, same_story)[0]
        assert not isinstance(after, str)
        assert stored_with(engine, after.article_id) == "lz4"
        assert store.article(before.article_id) is not None

        migrate_to(engine, "downgrade", "0015")
        assert compression_of(engine) == dict.fromkeys(COLUMNS, "")
        assert store.article(after.article_id) is not None  # LZ4 values are still read
