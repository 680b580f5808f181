"""A new ingested article's rows written by one PostgreSQL statement.

A new item's writes were six statements, each a round trip to the server: the article
(whose new id the others need), its bylines, its topics, its ``ingest_items`` row, its
fingerprint and its band keys. Over a local socket a round trip cost more than most of
these inserts did on the server, so on PostgreSQL they are one statement: the article's
``INSERT ... RETURNING id`` is a common table expression, and each other insert reads the
new id from it (data-modifying ``WITH``; the foreign keys are checked at the end of the
statement, when the article exists). Lists of ids and keys travel as arrays and are
``unnest``-ed on the server, so one statement serves any number of bylines or bands.

The values are those the separate statements store (``tests/store/test_arrival.py`` compares
every row the two write). SQLite keeps the separate statements: its calls are in-process
and cost no round trip, and it has no data-modifying ``WITH``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Connection, Integer, bindparam, func, insert, literal, select

from dateline.model import Article
from dateline.model.fingerprint import Mark
from dateline.store.articles import NEW_ARTICLE_COLUMNS, article_columns
from dateline.store.direct import Direct, column_defaults
from dateline.store.postgres import array_parameter, integer_array
from dateline.store.schema import article_authors as bylines
from dateline.store.schema import article_bands as bands
from dateline.store.schema import article_fingerprints as fingerprints
from dateline.store.schema import article_topics as topics
from dateline.store.schema import articles
from dateline.store.schema import ingest_items as items

# the item row's own values; its uid, url, headline, publisher and published time are the
# article's (the ``a_`` parameters)
_ITEM_VALUES = {
    "uid": "a_uid",
    "url": "a_canonical_url",
    "publisher": "a_source_publisher",
    "headline": "a_headline",
    "published_at": "a_published_at",
}


def _statement(with_fingerprint: bool, with_id: bool = False) -> Direct:
    """The statement of one new article, its bylines, topics and item row, and (with
    ``with_fingerprint``) its fingerprint and band keys; it returns the article's id."""
    values: dict[str, Any] = {
        name: bindparam(f"a_{name}", type_=articles.c[name].type) for name in NEW_ARTICLE_COLUMNS
    }
    if with_id:
        values["id"] = bindparam("a_id", type_=articles.c.id.type)
    # the scalar defaults of the other columns, which an insert naming these binds
    for name, default in column_defaults(insert(articles), NEW_ARTICLE_COLUMNS).items():
        values[name] = bindparam(f"a_{name}", value=default, type_=articles.c[name].type)
    new = insert(articles).values(values).returning(articles.c.id).cte("new_article")

    authors = (
        func.unnest(array_parameter("author_ids", Integer))
        .table_valued("author_id", with_ordinality="position")
        .render_derived("byline")
    )
    ctes = [
        insert(bylines)
        .from_select(
            ["article_id", "author_id", "position"],
            select(new.c.id, authors.c.author_id, authors.c.position - 1).select_from(new, authors),
        )
        .cte("new_bylines"),
        insert(topics)
        .from_select(
            ["article_id", "topic_id"],
            select(new.c.id, func.unnest(array_parameter("topic_ids", Integer))).select_from(new),
        )
        .cte("new_topics"),
    ]
    item: dict[str, Any] = {"article_id": new.c.id}
    for column in items.columns:
        if column.key in _ITEM_VALUES:
            item[column.key] = bindparam(_ITEM_VALUES[column.key], type_=column.type)
        elif column.key == "role":  # ``intake.PRIMARY`` (intake imports this module)
            item[column.key] = literal("primary", type_=column.type)
        elif column.key in ("source_id", "seen_at"):
            item[column.key] = bindparam(f"i_{column.key}", type_=column.type)
    ctes.append(
        insert(items)
        .from_select(list(item), select(*item.values()).select_from(new))
        .cte("new_item")
    )
    if with_fingerprint:
        ctes.append(
            insert(fingerprints)
            .from_select(
                ["article_id", "signature", "band_keys"],
                select(
                    new.c.id,
                    bindparam("signature", type_=fingerprints.c.signature.type),
                    array_parameter("band_keys", BigInteger),
                ).select_from(new),
            )
            .cte("new_fingerprint")
        )
        keys = (
            func.unnest(array_parameter("band_keys", BigInteger))
            .table_valued("key")
            .render_derived("band")
        )
        ctes.append(
            insert(bands)
            .from_select(["key", "article_id"], select(keys.c.key, new.c.id).select_from(new, keys))
            .cte("new_bands")
        )
    return Direct(select(new.c.id).add_cte(*ctes))


# by (with a fingerprint, with an id drawn ahead)
_STATEMENTS = {(f, i): _statement(f, i) for f in (True, False) for i in (True, False)}


def create(
    conn: Connection,
    article: Article,
    slug: str,
    body_text: str | None,
    people: tuple[list[int], list[int]],
    fingerprint: Mark | None,
    source_id: int | None,
    now: datetime,
    article_id: int | None = None,
) -> int:
    """Write the new article under ``slug`` with its bylines and topics (``people``: the
    author ids in byline order and the topic ids), its ``primary`` item row and its
    fingerprint (signature, band keys); its id.

    ``article_id``: the id to give it, drawn ahead (``store.keys``). The statement then
    reads nothing back, so that in a pipeline (``store.pipeline``) it is sent without
    waiting for the server.
    """
    author_ids, topic_ids = people
    params: dict[str, Any] = {
        "a_uid": article.uid,
        "a_slug": slug,
        "a_status": article.status.value,
        "a_published_at": article.published_at,
        "author_ids": integer_array(author_ids),
        "topic_ids": integer_array(topic_ids),
        "i_source_id": source_id,
        "i_seen_at": now,
    }
    for name, value in article_columns(article, body_text).items():
        params[f"a_{name}"] = value
    if fingerprint is not None:
        signature, keys = fingerprint
        params["signature"] = signature
        params["band_keys"] = integer_array(sorted(set(keys)))
    statement = _STATEMENTS[fingerprint is not None, article_id is not None]
    if article_id is not None:
        params["a_id"] = article_id
        statement.execute(conn, params)
        return article_id
    row = statement.first(conn, params)
    assert row is not None
    return int(row[0])
