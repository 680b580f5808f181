"""PostgreSQL's one-statement write of a new ingested article stores the rows the separate
statements store (``store.arrival`` against ``articles.insert_article``, ``intake._record``
and ``intake._save_fingerprint``)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import Connection, Table, select

from dateline.model import Author, Section, Status, Topic
from dateline.store import Store, arrival, intake, taxonomy
from dateline.store.articles import insert_article
from dateline.store.keys import Keys
from dateline.store.schema import (
    article_authors,
    article_bands,
    article_fingerprints,
    article_topics,
    articles,
    ingest_items,
)
from tests.store.test_intake import NOW, item

SOURCE_ID = None
# each table's rows, without the ids the database hands out
TABLES: tuple[tuple[Table, tuple[str, ...]], ...] = (
    (articles, ("id",)),
    (article_authors, ("article_id",)),
    (article_topics, ("article_id",)),
    (ingest_items, ("article_id",)),
    (article_fingerprints, ("article_id",)),
    (article_bands, ("article_id",)),
)


@pytest.fixture
def news(store: Store) -> Section:
    if store.engine.dialect.name != "postgresql":
        pytest.skip("the one-statement write is PostgreSQL's (SQLite has no INSERT in WITH)")
    return store.save_section(Section(slug="news", name="News"))


def stored(conn: Connection, article_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """The article's rows in every table the write touches, as the driver reads them."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    for table, skipped in TABLES:
        key = table.c.id if table is articles else table.c.article_id
        columns = [c for c in table.columns if c.key not in skipped]
        sql = select(*columns).where(key == article_id).compile(conn)
        rows = conn.exec_driver_sql(str(sql), sql.params).fetchall()
        found[table.name] = sorted(tuple(row) for row in rows)
    return found


def separately(conn: Connection, incoming: intake.Incoming, slug: str) -> int:
    """The new article written by the statements SQLite runs."""
    draft = replace(incoming.article, status=Status.DRAFT)
    result = insert_article(conn, draft, None, None, slug)
    intake._record(conn, draft, result.article_id, intake.PRIMARY, SOURCE_ID, NOW)
    intake._save_fingerprint(conn, result.article_id, incoming.fingerprint, fresh=True)
    return result.article_id


def at_once(conn: Connection, incoming: intake.Incoming, slug: str, *, drawn: bool = False) -> int:
    """The new article written by PostgreSQL's one statement (``drawn``: with its id drawn
    ahead, as a batch writes it, sent without reading anything back)."""
    draft = replace(incoming.article, status=Status.DRAFT)
    people = (
        taxonomy.ensure_authors(conn, draft.bylines),
        taxonomy.ensure_topics(conn, draft.topics),
    )
    print_ = incoming.fingerprint
    mark = (print_.signature, print_.keys) if print_ is not None else None
    if not drawn:
        return arrival.create(conn, draft, slug, None, people, mark, SOURCE_ID, NOW)
    keys = Keys()
    keys.draw(conn, {"articles": 1})
    article_id = keys.take(conn, "articles")
    created = arrival.create(conn, draft, slug, None, people, mark, SOURCE_ID, NOW, article_id)
    assert created == article_id
    return created


@pytest.mark.parametrize("drawn", [False, True], ids=["returning", "drawn-id"])
@pytest.mark.parametrize("with_fingerprint", [True, False])
def test_the_one_statement_stores_the_rows_the_separate_statements_store(
    store: Store, news: Section, with_fingerprint: bool, drawn: bool
) -> None:
    incoming = item(
        3,
        news,
        bylines=(Author(slug="b-second", name="B"), Author(slug="a-first", name="A")),
        topics=(Topic(slug="harbour", name="Harbour"), Topic(slug="fishing", name="Fishing")),
        credit_line="Ana Wire reported from Bergen.",
        deck="A deck & <b>markup</b>",
    )
    if not with_fingerprint:
        incoming = replace(incoming, fingerprint=None)
    with store.engine.begin() as conn:  # the same author and topic ids for both writes
        taxonomy.ensure_authors(conn, incoming.article.bylines)
        taxonomy.ensure_topics(conn, incoming.article.topics)
    with store.engine.begin() as conn:
        expected = stored(conn, separately(conn, incoming, "story-3"))
        conn.rollback()
    with store.engine.begin() as conn:
        article_id = at_once(conn, incoming, "story-3", drawn=drawn)
    with store.engine.begin() as conn:
        got = stored(conn, article_id)
    assert got == expected
    assert len(got["article_authors"]) == 2 and len(got["article_topics"]) == 2
    # bylines keep their order: the first named (created first: the lower id) is first
    assert [position for _, position in got["article_authors"]] == [0, 1]
    keys = set(incoming.fingerprint.keys) if incoming.fingerprint is not None else set()
    assert len(got["article_bands"]) == len(keys)


def test_a_new_article_without_bylines_or_topics_has_none(store: Store, news: Section) -> None:
    incoming = item(4, news, bylines=(), topics=())
    with store.engine.begin() as conn:
        article_id = at_once(conn, incoming, "story-4")
        found = stored(conn, article_id)
    assert found["article_authors"] == [] and found["article_topics"] == []
    assert len(found["ingest_items"]) == 1 and len(found["article_fingerprints"]) == 1
