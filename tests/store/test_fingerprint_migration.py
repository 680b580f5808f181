"""Migration 0012: stored fingerprints computed again, from word hashes, and back down."""

from __future__ import annotations

import importlib
from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import Engine, select, text

from dateline.model import Block, BlockKind
from dateline.model.fingerprint import fingerprint, same_story
from dateline.store import Fingerprint, Incoming
from dateline.store.schema import article_bands, article_fingerprints
from tests.ingest.feeds import distinct_story
from tests.migrating import migrate_to, news_store_at, take_as_before_0017
from tests.store.test_intake import item

MIGRATION = importlib.import_module(
    "dateline.store.migrations.versions.0012_fingerprints_by_word_hashes"
)
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def stored(engine: Engine) -> dict[int, tuple[bytes, list[int]]]:
    """Each fingerprinted article's signature and band keys, as stored."""
    with engine.connect() as conn:
        prints = select(article_fingerprints.c.article_id, article_fingerprints.c.signature)
        signatures = {row[0]: row[1] for row in conn.execute(prints)}
        bands = conn.execute(select(article_bands.c.article_id, article_bands.c.key)).all()
    return {
        article_id: (bytes(signature), sorted(k for a, k in bands if a == article_id))
        for article_id, signature in signatures.items()
    }


def bands_table(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(
            conn.execute(
                text("SELECT sql FROM sqlite_master WHERE name = 'article_bands'")
            ).scalar_one()
        )


def test_stored_fingerprints_are_computed_again_and_copies_still_found(
    database_url: str,
) -> None:
    with news_store_at(database_url, "0011") as (engine, store, news):
        former: dict[int, tuple[bytes, list[int]]] = {}
        for number in (1, 2):  # stored as ingest stored them before 0012
            incoming = item(number, news)
            mark = MIGRATION._former_fingerprint("\n".join(distinct_story(number)))
            assert mark is not None
            former_item = replace(incoming, fingerprint=Fingerprint(*mark))
            article_id = take_as_before_0017(engine, store, former_item, NOW)
            former[article_id] = (mark[0], sorted(set(mark[1])))
        assert stored(engine) == former

        migrate_to(engine, "upgrade", "head")
        after = stored(engine)
        assert set(after) == set(former)
        for article_id, (signature, keys) in after.items():
            article = store.article(article_id)
            assert article is not None
            mark = fingerprint(f"{article.deck}\n{article.plain_text}")
            assert mark is not None
            assert (signature, keys) == (mark[0], sorted(set(mark[1])))
            assert signature != former[article_id][0]
        if engine.dialect.name == "sqlite":
            assert "WITHOUT ROWID" in bands_table(engine)

        # a copy of the first story arriving now, fingerprinted the new way, finds it
        first = min(former)
        paragraphs = distinct_story(1)
        paragraphs[0] = paragraphs[0].replace(".", " today.")
        copy = item(
            99,
            news,
            body=tuple(Block(BlockKind.PARAGRAPH, html=p) for p in paragraphs),
        )
        mark = fingerprint("\n".join(paragraphs))
        assert mark is not None
        [taken] = store.take_items(
            [Incoming(copy.article, Fingerprint(*mark))], None, NOW, same_story
        )
        assert not isinstance(taken, str)
        assert (taken.outcome, taken.article_id) == ("alternate", first)

        migrate_to(engine, "downgrade", "0011")
        assert stored(engine) == former
        if engine.dialect.name == "sqlite":
            assert "WITHOUT ROWID" not in bands_table(engine)
