"""Taking a feed's items in one transaction: each item all or nothing, the others kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Table, func, select
from sqlalchemy.exc import IntegrityError

from dateline.model import Article, Author, Block, BlockKind, Section, Source, Topic
from dateline.related.duplicates import fingerprint, same_story
from dateline.store import Fingerprint, Incoming, Store, TakeResult, intake
from dateline.store.schema import article_bands, articles, ingest_items
from tests.ingest.feeds import BASE_TIME, distinct_story

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def item(number: int, section: Section, **fields: object) -> Incoming:
    """A distinct story as an incoming item, with its fingerprint."""
    paragraphs = distinct_story(number)
    values: dict[str, object] = {
        "uid": f"tag:wire.example,2026:{number}",
        "slug": f"story-{number}",
        "headline": f"Story {number}",
        "section": section,
        "body": tuple(Block(BlockKind.PARAGRAPH, html=p) for p in paragraphs),
        "bylines": (Author(slug="ana-wire", name="Ana Wire"),),
        "topics": (Topic(slug="harbour", name="Harbour"), Topic(slug=f"t{number}", name="T")),
        "published_at": BASE_TIME + timedelta(minutes=number),
        "version_at": BASE_TIME + timedelta(minutes=number),
        "source": Source(kind="syndicated", publisher="Wire"),
        "canonical_url": f"https://wire.example/{number}",
    }
    values.update(fields)
    article = Article(**values)  # type: ignore[arg-type]
    mark = fingerprint("\n".join(paragraphs))
    assert mark is not None
    return Incoming(article, Fingerprint(*mark))


def rows(store: Store, table: Table, **where: object) -> int:
    query = select(func.count()).select_from(table)
    for name, value in where.items():
        query = query.where(table.c[name] == value)
    with store.engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


@pytest.fixture
def news(store: Store) -> Section:
    return store.save_section(Section(slug="news", name="News"))


def test_a_batch_stores_each_item_and_finds_a_copy_taken_earlier_in_it(
    store: Store, news: Section
) -> None:
    first, second = item(1, news), item(2, news)
    copy = Incoming(
        Article(
            **{
                **{f: getattr(first.article, f) for f in ("section", "body", "source")},
                "uid": "tag:other.example,2026:1",
                "slug": "another-headline",
                "headline": "Another headline",
                "published_at": BASE_TIME + timedelta(hours=3),
                "canonical_url": "https://other.example/1",
            }
        ),
        first.fingerprint,
    )
    results = store.take_items([first, second, copy], None, NOW, same_story)
    assert [r.outcome for r in results if isinstance(r, TakeResult)] == [
        "created",
        "created",
        "alternate",
    ]
    assert isinstance(results[0], TakeResult) and isinstance(results[2], TakeResult)
    assert results[2].article_id == results[0].article_id
    assert rows(store, articles) == 2
    assert rows(store, ingest_items) == 3
    assert rows(store, article_bands) > 0
    again = store.take_items([first, second, copy], None, NOW, same_story)
    assert [r.outcome for r in again if isinstance(r, TakeResult)] == ["unchanged"] * 3


def test_a_refused_item_is_rolled_back_alone(store: Store, news: Section) -> None:
    nowhere = Section(slug="nowhere", name="Nowhere")  # never stored: no id
    results = store.take_items(
        [item(1, news), item(2, nowhere), item(3, news)], None, NOW, same_story
    )
    assert isinstance(results[0], TakeResult) and isinstance(results[2], TakeResult)
    assert results[1] == "save_article needs a stored section"
    assert rows(store, articles) == 2
    assert rows(store, ingest_items, uid="tag:wire.example,2026:2") == 0
    assert rows(store, ingest_items) == 2


def test_a_fault_keeps_the_items_before_it_and_is_raised(store: Store, news: Section) -> None:
    gone = Section(slug="gone", name="Gone", id=news.id + 1000 if news.id else 1000)
    with pytest.raises(IntegrityError):  # the section's row is missing: a foreign key fails
        store.take_items([item(1, news), item(2, gone), item(3, news)], None, NOW, same_story)
    assert rows(store, ingest_items, uid="tag:wire.example,2026:1") == 1
    assert rows(store, articles) == 1  # the item after the fault was not taken
    assert rows(store, article_bands) > 0
    results = store.take_items([item(3, news)], None, NOW, same_story)
    assert isinstance(results[0], TakeResult) and results[0].outcome == "created"


def test_a_long_batch_is_cut_into_short_transactions(store: Store, news: Section) -> None:
    batch = [item(1, news), item(2, news), item(3, news)]
    with store.engine.begin() as conn:  # no time at all: one item, the rest left to the caller
        results, error = intake.take_many(conn, batch, None, NOW, same_story, budget_s=0)
    assert error is None and len(results) == 1
    rest = store.take_items(batch, None, NOW, same_story)
    assert [r.outcome for r in rest if isinstance(r, TakeResult)] == [
        "unchanged",
        "created",
        "created",
    ]
