"""Taking a feed's items in one transaction: each item all or nothing, the others kept."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Table, event, func, select
from sqlalchemy.exc import IntegrityError

from dateline.model import Article, Author, Block, BlockKind, Section, Source, Topic
from dateline.model.fingerprint import fingerprint, same_story
from dateline.store import Fingerprint, Incoming, Store, TakeResult, intake, pipeline, taxonomy
from dateline.store.schema import (
    article_authors,
    article_bands,
    article_topics,
    articles,
    authors,
    ingest_items,
    topics,
)
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


def byline_rows(store: Store) -> list[tuple[int, int, str]]:
    """(article id, author id, author slug) of every byline, the author's row joined."""
    with store.engine.connect() as conn:
        found = conn.execute(
            select(article_authors.c.article_id, authors.c.id, authors.c.slug)
            .join(authors, authors.c.id == article_authors.c.author_id)
            .order_by(article_authors.c.article_id)
        )
        return [(int(a), int(b), str(c)) for a, b, c in found]


def test_authors_created_in_a_batch_undone_by_a_refused_item_are_created_again(
    store: Store, news: Section
) -> None:
    # the first attempt takes all three under one savepoint; the refused second item undoes
    # it, and with it the author the first item created: the batch's known author ids must
    # not keep that one when the items are taken again one by one
    newcomer = (Author(slug="new-writer", name="New Writer"),)
    nowhere = Section(slug="nowhere", name="Nowhere")
    batch = [
        item(1, news, bylines=newcomer),
        item(2, nowhere, bylines=newcomer),
        item(3, news, bylines=newcomer, topics=(Topic(slug="harbour", name="Harbour"),)),
    ]
    results = store.take_items(batch, None, NOW, same_story)
    assert [type(r) for r in results] == [TakeResult, str, TakeResult]
    assert rows(store, authors) == 1
    assert [slug for _, _, slug in byline_rows(store)] == ["new-writer", "new-writer"]
    assert rows(store, topics) == 2  # harbour and t1: the refused item's t2 is gone


def test_an_author_created_by_an_item_then_refused_is_not_reused_by_the_next(
    store: Store, news: Section
) -> None:
    # a naive ``now`` is refused (ValueError) when the item is recorded, after its article
    # and its new author were inserted: each attempt's savepoint undoes that author, and
    # the next item, naming the same author, must create it anew rather than point at the
    # undone row (which a foreign key would refuse as a fault, failing the whole batch)
    newcomer = (Author(slug="brief-writer", name="Brief Writer"),)
    naive = datetime(2026, 11, 27, 12, 0)
    batch = [item(1, news, bylines=newcomer), item(2, news, bylines=newcomer)]
    results = store.take_items(batch, None, naive, same_story)
    assert all(isinstance(r, str) and "aware datetime" in r for r in results)
    assert rows(store, authors) == 0
    assert rows(store, articles) == 0


def test_a_batch_names_each_author_and_topic_once_however_many_items_share_them(
    store: Store, news: Section
) -> None:
    batch = [item(n, news) for n in range(1, 6)]
    results = store.take_items(batch, None, NOW, same_story)
    assert all(isinstance(r, TakeResult) and r.outcome == "created" for r in results)
    assert rows(store, authors) == 1  # ana-wire, created once and reused
    assert rows(store, article_authors) == 5
    assert rows(store, topics) == 6  # harbour and t1..t5
    assert rows(store, article_topics) == 10
    later = [
        item(n, news, version_at=BASE_TIME + timedelta(days=1), bylines=(Author("bo", "Bo"),))
        for n in (1, 2)
    ]
    updated = store.take_items(later, None, NOW, same_story)
    assert [r.outcome for r in updated if isinstance(r, TakeResult)] == ["updated", "updated"]
    assert rows(store, authors) == 2
    assert [slug for _, _, slug in byline_rows(store)] == [
        "bo",
        "bo",
        "ana-wire",
        "ana-wire",
        "ana-wire",
    ]


def test_names_forgotten_after_a_rolled_back_savepoint_give_ids_that_exist(
    store: Store,
) -> None:
    writer = Author(slug="kept-writer", name="Kept Writer")
    with store.engine.begin() as conn:
        names = taxonomy.Names()
        with pytest.raises(ValueError), conn.begin_nested():
            [undone] = taxonomy.ensure_authors(conn, [writer], names)
            assert names.authors == {"kept-writer": undone}
            raise ValueError("refused after the author was created")
        names.forget()
        [kept] = taxonomy.ensure_authors(conn, [writer], names)
        stored = conn.execute(select(authors.c.id).where(authors.c.slug == "kept-writer"))
        assert stored.scalar_one() == kept
        assert taxonomy.ensure_authors(conn, [writer, writer], names) == [kept]


def copy_of(original: Incoming, number: int, hours_later: int) -> Incoming:
    """Another publisher's copy of ``original``'s story, published ``hours_later``."""
    article = original.article
    return Incoming(
        Article(
            section=article.section,
            body=article.body,
            source=Source(kind="syndicated", publisher="Other"),
            uid=f"tag:other.example,2026:{number}",
            slug=f"other-{number}",
            headline=f"Other headline {number}",
            published_at=(article.published_at or BASE_TIME) + timedelta(hours=hours_later),
            canonical_url=f"https://other.example/{number}",
        ),
        original.fingerprint,
    )


DAY = timedelta(days=1)


def replace_article(article: Article, **fields: object) -> Article:
    return dataclasses.replace(article, **fields)  # type: ignore[arg-type]


def ids_of(store: Store, number: int) -> int:
    """The id of the article of ``item(number)``."""
    with store.engine.connect() as conn:
        query = select(articles.c.id).where(articles.c.uid == f"tag:wire.example,2026:{number}")
        return int(conn.execute(query).scalar_one())


def outcomes(results: list[TakeResult | str]) -> list[str]:
    return [r.outcome if isinstance(r, TakeResult) else r for r in results]


def test_each_item_of_a_batch_sees_what_the_items_before_it_wrote(
    store: Store, news: Section
) -> None:
    # on PostgreSQL what is known of a batch's items is looked up for the whole batch at
    # once: each of these batches has an item whose answer an earlier item changed
    slugs = store.take_items(
        [item(1, news, slug="storm"), item(2, news, slug="storm"), item(3, news, slug="storm-2")],
        None,
        NOW,
        same_story,
    )
    assert outcomes(slugs) == ["created"] * 3
    with store.engine.connect() as conn:
        taken = set(conn.execute(select(articles.c.slug)).scalars())
    assert len(taken) == 3 and "storm" in taken and "storm-2" in taken

    same_page = item(5, news, canonical_url="https://wire.example/4")
    assert outcomes(store.take_items([item(4, news), same_page], None, NOW, same_story)) == [
        "created",
        "unchanged",
    ]
    assert rows(store, ingest_items, role=intake.ALIAS) == 1

    original = item(6, news)
    copy = copy_of(original, 6, hours_later=3)
    # the copy arrived in an earlier poll; its original takes the article over, so the
    # copy sent again is an alternate's item now, unchanged; then a new story
    [first] = store.take_items([copy], None, NOW, same_story)
    taken_over = store.take_items([original, copy, item(7, news)], None, NOW, same_story)
    assert outcomes(taken_over) == ["alternate", "unchanged", "created"]
    assert isinstance(first, TakeResult) and isinstance(taken_over[0], TakeResult)
    assert taken_over[0].article_id == first.article_id
    assert rows(store, articles, uid=original.article.uid) == 1
    assert rows(store, articles, uid=copy.article.uid) == 0

    newer = item(8, news, version_at=BASE_TIME + timedelta(days=1), headline="Story 8, updated")
    versions = store.take_items([item(8, news), newer, item(9, news)], None, NOW, same_story)
    assert outcomes(versions) == ["created", "updated", "created"]
    assert rows(store, articles, headline="Story 8, updated") == 1
    assert rows(store, articles) == 8  # 1-4 and 6-9: the alias and the copy have none


def test_a_batch_of_new_items_is_looked_up_in_one_statement_on_postgresql(
    store: Store, news: Section
) -> None:
    if store.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's lookups are in-process: each item is looked up as it is taken")
    lookups: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *rest: object) -> None:
        if "ingest_items.uid =" in statement:
            lookups.append("batch" if "wanted" in statement else "item")
        elif "article_bands.key" in statement:
            lookups.append("copies of the batch" if "wanted" in statement else "copies of one")

    event.listen(store.engine, "before_cursor_execute", seen)
    try:
        results = store.take_items([item(n, news) for n in range(1, 6)], None, NOW, same_story)
    finally:
        event.remove(store.engine, "before_cursor_execute", seen)
    assert outcomes(results) == ["created"] * 5
    assert lookups == ["batch", "copies of the batch"]


def test_a_batch_writes_its_new_rows_without_waiting_on_postgresql(
    store: Store, news: Section
) -> None:
    if store.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's statements are in-process calls: none waits on a server")
    if not pipeline.SUPPORTED:
        pytest.skip("the driver's libpq is older than 14: it has no pipeline mode")
    writes: list[tuple[str, bool]] = []  # each insert, and whether it was sent ahead

    def seen(conn: Any, cursor: object, statement: str, *rest: object) -> None:
        if "INSERT INTO " in statement:  # the first named: a new article's, for its statement
            table = statement.split("INTO ", 1)[1].split(" ", 1)[0]
            ahead = bool(conn.connection.dbapi_connection.pgconn.pipeline_status)
            writes.append((table, ahead))

    one = Author(slug="new-one", name="New One")
    other = Author(slug="new-other", name="New Other")
    stored = item(1, news)
    batch = [
        item(2, news, bylines=(one,)),
        item(3, news, bylines=(one, other)),
        copy_of(stored, 4, hours_later=2),
        item(5, news, topics=(Topic(slug="fresh", name="Fresh"),)),
    ]
    store.take_items([stored], None, NOW, same_story)
    event.listen(store.engine, "before_cursor_execute", seen)
    try:
        results = store.take_items(batch, None, NOW, same_story)
    finally:
        event.remove(store.engine, "before_cursor_execute", seen)
    assert outcomes(results) == ["created", "created", "alternate", "created"]
    # the new authors and topics, the new articles (one statement each) and the alternate's
    # item row: every one sent ahead, none read back
    assert sorted(writes) == sorted(
        [
            ("authors", True),
            ("authors", True),
            ("topics", True),  # t2, t3 and fresh
            ("topics", True),
            ("topics", True),
            ("articles", True),
            ("articles", True),
            ("articles", True),
            ("ingest_items", True),
        ]
    )
    ids = [r.article_id for r in results if isinstance(r, TakeResult)]
    assert ids[0] < ids[1] < ids[3]  # drawn ahead, handed out in the batch's order
    created = {ids[0], ids[1], ids[3]}
    bylines = sorted((a, slug) for a, _, slug in byline_rows(store) if a in created)
    assert bylines == [
        (ids[0], "new-one"),
        (ids[1], "new-one"),
        (ids[1], "new-other"),
        (ids[3], "ana-wire"),
    ]


def test_copies_found_for_a_batch_at_once_are_those_found_one_by_one(
    store: Store, news: Section
) -> None:
    stored, moving = item(10, news), item(11, news)
    assert outcomes(store.take_items([stored, moving], None, NOW, same_story)) == ["created"] * 2
    in_batch = item(12, news)
    late = copy_of(in_batch, 13, hours_later=24 * 8)  # out of the copy window
    batch = [copy_of(stored, 10, hours_later=2), in_batch, copy_of(in_batch, 12, 1), late]
    results = store.take_items(batch, None, NOW, same_story)
    assert outcomes(results) == ["alternate", "created", "alternate", "created"]
    ids = [r.article_id for r in results if isinstance(r, TakeResult)]
    assert ids[2] == ids[1] and ids[3] != ids[1]

    # a newer version with another text moves its article's band keys: a copy of that
    # text later in the batch is found, though the batch looked for copies before it
    story_14 = item(14, news)
    newer = Incoming(
        replace_article(moving.article, body=story_14.article.body, version_at=BASE_TIME + DAY),
        story_14.fingerprint,
    )
    results = store.take_items([newer, copy_of(story_14, 14, 1)], None, NOW, same_story)
    assert outcomes(results) == ["updated", "alternate"]
    assert [r.article_id for r in results if isinstance(r, TakeResult)] == [ids_of(store, 11)] * 2
