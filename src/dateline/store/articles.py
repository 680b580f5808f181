"""Queries for articles: save, fetch whole, and list as summaries.

Rows in, model objects out. Fetching one whole article costs four queries (the article
with its section, its bylines, its topics, its corrections) whatever the archive's size;
every list is one query.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    RowMapping,
    Select,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)

from dateline.model import (
    Article,
    ArticleSummary,
    Author,
    Block,
    BlockKind,
    Correction,
    Section,
    Source,
    Status,
    Topic,
)
from dateline.model.article import article_path
from dateline.model.slug import unique_slug
from dateline.model.text import blocks_text
from dateline.store.schema import (
    article_authors,
    article_topics,
    articles,
    authors,
    corrections,
    sections,
    topics,
)
from dateline.store.taxonomy import ensure_authors, ensure_topics


@dataclass(frozen=True, slots=True)
class SaveResult:
    """What saving an article did: ``created``, ``updated`` or ``unchanged`` (not newer)."""

    article_id: int
    slug: str
    outcome: str


_BLOCK_FIELDS = tuple((spec.name, spec.default) for spec in fields(Block)[1:])


def block_to_dict(block: Block) -> dict[str, Any]:
    """A block as JSON: its kind and every field that differs from the default."""
    data: dict[str, Any] = {"kind": block.kind.value}
    for name, default in _BLOCK_FIELDS:
        value = getattr(block, name)
        if value != default:
            data[name] = list(value) if isinstance(value, tuple) else value
    return data


def block_from_dict(data: dict[str, Any]) -> Block:
    return Block(
        kind=BlockKind(data["kind"]),
        html=data.get("html", ""),
        items=tuple(data.get("items", ())),
        level=int(data.get("level", 2)),
        ordered=bool(data.get("ordered", False)),
        src=data.get("src", ""),
        alt=data.get("alt", ""),
        caption=data.get("caption", ""),
        credit=data.get("credit", ""),
    )


def article_columns(article: Article) -> dict[str, Any]:
    return {
        "headline": article.headline,
        "deck": article.deck,
        "dateline": article.dateline,
        "body": [block_to_dict(b) for b in article.body],
        "body_text": blocks_text(article.body),
        "credit_line": article.credit_line,
        "section_id": article.section.id,
        "version_at": article.version_at,
        "updated_at": article.updated_at,
        "language": article.language,
        "source_kind": article.source.kind,
        "source_publisher": article.source.publisher,
        "source_url": article.source.url,
        "source_item_id": article.source.item_id,
        "canonical_url": article.canonical_url,
    }


_SLUG_TAKEN = select(articles.c.id).where(articles.c.slug == bindparam("slug")).limit(1)
_INSERT_ARTICLE = insert(articles)


def _free_slug(conn: Connection, base: str) -> str:
    # the usual case, a slug no article has, costs one lookup in the slug index; only a
    # taken one reads the slugs of its family (``LIKE`` does not use that index)
    if conn.execute(_SLUG_TAKEN, {"slug": base}).first() is None:
        return base
    taken = set(
        conn.execute(
            select(articles.c.slug).where(
                or_(articles.c.slug == base, articles.c.slug.like(f"{base}-%"))
            )
        ).scalars()
    )
    return unique_slug(base, taken)


def _is_newer(incoming: datetime | None, stored: datetime | None) -> bool:
    return incoming is None or stored is None or incoming > stored


def save_article(conn: Connection, article: Article) -> SaveResult:
    """Insert the article, or update the one with the same ``uid`` when this is newer.

    An update keeps the stored slug (URLs stay stable), status and first-published time;
    a new article gets a slug no other article has. The section must already have an id.
    """
    if article.section.id is None:
        raise ValueError("save_article needs a stored section")
    row = (
        conn.execute(
            select(articles.c.id, articles.c.slug, articles.c.version_at).where(
                articles.c.uid == article.uid
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        return insert_article(conn, article)
    article_id, slug = row["id"], row["slug"]
    if not _is_newer(article.version_at, row["version_at"]):
        return SaveResult(article_id, slug, "unchanged")
    values = article_columns(article)
    conn.execute(update(articles).where(articles.c.id == article_id).values(**values))
    save_people_and_topics(conn, article_id, article, fresh=False)
    return SaveResult(article_id, slug, "updated")


def insert_article(conn: Connection, article: Article) -> SaveResult:
    """Insert an article whose ``uid`` is not stored yet, under a slug no other has."""
    if article.section.id is None:
        raise ValueError("save_article needs a stored section")
    slug = _free_slug(conn, article.slug)
    result = conn.execute(
        _INSERT_ARTICLE,
        {
            "uid": article.uid,
            "slug": slug,
            "status": article.status.value,
            "published_at": article.published_at,
            **article_columns(article),
        },
    )
    assert result.inserted_primary_key is not None
    article_id = int(result.inserted_primary_key[0])
    save_people_and_topics(conn, article_id, article, fresh=True)
    return SaveResult(article_id, slug, "created")


def replace_content(conn: Connection, article_id: int, article: Article) -> None:
    """Give a stored article another item's identity and content (its copy's original).

    Slug, status and first-published time stay: the page keeps its URL.
    """
    conn.execute(
        update(articles)
        .where(articles.c.id == article_id)
        .values(uid=article.uid, **article_columns(article))
    )
    save_people_and_topics(conn, article_id, article, fresh=False)


def save_people_and_topics(
    conn: Connection, article_id: int, article: Article, *, fresh: bool
) -> None:
    if not fresh:
        conn.execute(delete(article_authors).where(article_authors.c.article_id == article_id))
        conn.execute(delete(article_topics).where(article_topics.c.article_id == article_id))
    author_ids = ensure_authors(conn, article.bylines)
    if author_ids:
        conn.execute(
            insert(article_authors),
            [
                {"article_id": article_id, "author_id": a, "position": i}
                for i, a in enumerate(author_ids)
            ],
        )
    topic_ids = ensure_topics(conn, article.topics)
    if topic_ids:
        conn.execute(
            insert(article_topics),
            [{"article_id": article_id, "topic_id": t} for t in topic_ids],
        )


def publish(conn: Connection, article_ids: Sequence[int], now: datetime) -> list[int]:
    """Mark the articles published; keep a first-published time they already have.

    Returns the ids that were not published before.
    """
    if not article_ids:
        return []
    changed = list(
        conn.execute(
            select(articles.c.id).where(
                articles.c.id.in_(article_ids), articles.c.status != Status.PUBLISHED.value
            )
        ).scalars()
    )
    conn.execute(
        update(articles)
        .where(articles.c.id.in_(article_ids))
        .values(
            status=Status.PUBLISHED.value,
            published_at=func.coalesce(articles.c.published_at, now),
        )
    )
    return changed


def unpublish(conn: Connection, article_id: int) -> None:
    conn.execute(
        update(articles).where(articles.c.id == article_id).values(status=Status.UNPUBLISHED.value)
    )


def reject(conn: Connection, article_id: int) -> bool:
    """Turn down a draft (an ingested item in review); False when it is no draft."""
    result = conn.execute(
        update(articles)
        .where(articles.c.id == article_id, articles.c.status == Status.DRAFT.value)
        .values(status=Status.REJECTED.value)
    )
    return bool(result.rowcount)


def add_correction(conn: Connection, article_id: int, text: str, at: datetime) -> None:
    """Append a public correction; the article's updated time becomes its time."""
    conn.execute(insert(corrections).values(article_id=article_id, text=text, created_at=at))
    conn.execute(update(articles).where(articles.c.id == article_id).values(updated_at=at))


_FULL = select(
    articles,
    sections.c.slug.label("s_slug"),
    sections.c.name.label("s_name"),
    sections.c.position.label("s_position"),
).join(sections, sections.c.id == articles.c.section_id)


def _article_from_row(conn: Connection, row: RowMapping) -> Article:
    article_id = row["id"]
    bylines = tuple(
        Author(slug=r["slug"], name=r["name"], bio=r["bio"], id=r["id"])
        for r in conn.execute(
            select(authors)
            .join(article_authors, article_authors.c.author_id == authors.c.id)
            .where(article_authors.c.article_id == article_id)
            .order_by(article_authors.c.position)
        ).mappings()
    )
    topic_list = tuple(
        Topic(slug=r["slug"], name=r["name"], id=r["id"])
        for r in conn.execute(
            select(topics)
            .join(article_topics, article_topics.c.topic_id == topics.c.id)
            .where(article_topics.c.article_id == article_id)
            .order_by(topics.c.name)
        ).mappings()
    )
    fixes = tuple(
        Correction(text=r["text"], created_at=r["created_at"])
        for r in conn.execute(
            select(corrections)
            .where(corrections.c.article_id == article_id)
            .order_by(corrections.c.created_at, corrections.c.id)
        ).mappings()
    )
    return article_of(row, bylines, topic_list, fixes)


def article_of(
    row: RowMapping,
    bylines: Sequence[Author],
    topic_list: Sequence[Topic],
    fixes: Sequence[Correction],
) -> Article:
    """The article of a row of ``_FULL`` (articles with their section's ``s_*`` columns)."""
    section = Section(
        slug=row["s_slug"], name=row["s_name"], position=row["s_position"], id=row["section_id"]
    )
    return Article(
        id=row["id"],
        uid=row["uid"],
        slug=row["slug"],
        headline=row["headline"],
        deck=row["deck"],
        dateline=row["dateline"],
        body=tuple(block_from_dict(b) for b in row["body"]),
        credit_line=row["credit_line"],
        section=section,
        bylines=tuple(bylines),
        topics=tuple(topic_list),
        status=Status(row["status"]),
        published_at=row["published_at"],
        updated_at=row["updated_at"],
        version_at=row["version_at"],
        language=row["language"],
        source=Source(
            kind=row["source_kind"],
            publisher=row["source_publisher"],
            url=row["source_url"],
            item_id=row["source_item_id"],
        ),
        canonical_url=row["canonical_url"],
        corrections=tuple(fixes),
    )


def _get_by(conn: Connection, column: Any, value: object) -> Article | None:
    row = conn.execute(_FULL.where(column == value)).mappings().first()
    return _article_from_row(conn, row) if row else None


def get_article(conn: Connection, article_id: int) -> Article | None:
    return _get_by(conn, articles.c.id, article_id)


def get_article_by_slug(conn: Connection, slug: str) -> Article | None:
    return _get_by(conn, articles.c.slug, slug)


def get_article_by_uid(conn: Connection, uid: str) -> Article | None:
    return _get_by(conn, articles.c.uid, uid)


SUMMARY_COLUMNS = (
    articles.c.id,
    articles.c.headline,
    articles.c.slug,
    articles.c.deck,
    articles.c.published_at,
    articles.c.version_at,
    sections.c.slug.label("section_slug"),
    sections.c.name.label("section_name"),
)


def summary_from_row(row: RowMapping) -> ArticleSummary:
    return ArticleSummary(
        id=row["id"],
        headline=row["headline"],
        path=article_path(row["slug"], row["published_at"] or row["version_at"]),
        published_at=row["published_at"],
        section_slug=row["section_slug"],
        section_name=row["section_name"],
        deck=row["deck"],
    )


def _published_summaries() -> Select[Any]:
    return (
        select(*SUMMARY_COLUMNS)
        .join(sections, sections.c.id == articles.c.section_id)
        .where(articles.c.status == Status.PUBLISHED.value)
        .order_by(articles.c.published_at.desc(), articles.c.id.desc())
    )


def list_published(
    conn: Connection,
    *,
    limit: int,
    offset: int = 0,
    section_slug: str | None = None,
    author_id: int | None = None,
    topic_id: int | None = None,
    exclude_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[ArticleSummary]:
    """Published articles, newest first, optionally of one section, author or topic.

    ``since`` and ``until`` bound the publication time: ``since <= published_at < until``.
    """
    query = narrowed(
        _published_summaries(), section_slug, author_id, topic_id, since, until, joined=True
    )
    if exclude_id is not None:
        query = query.where(articles.c.id != exclude_id)
    rows = conn.execute(query.limit(limit).offset(offset)).mappings()
    return [summary_from_row(r) for r in rows]


def count_published(
    conn: Connection,
    section_slug: str | None = None,
    *,
    author_id: int | None = None,
    topic_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> int:
    """How many articles ``list_published`` would give with the same filters and no limit."""
    query = (
        select(func.count())
        .select_from(articles)
        .where(articles.c.status == Status.PUBLISHED.value)
    )
    query = narrowed(query, section_slug, author_id, topic_id, since, until, joined=False)
    return int(conn.execute(query).scalar_one())


def narrowed(
    query: Select[Any],
    section_slug: str | None,
    author_id: int | None,
    topic_id: int | None,
    since: datetime | None,
    until: datetime | None,
    *,
    joined: bool,
) -> Select[Any]:
    """``query`` over published articles narrowed to a section, author, topic and time span.

    ``joined`` says whether ``query`` already joins the sections table.
    """
    if section_slug is not None:
        if not joined:
            query = query.join(sections, sections.c.id == articles.c.section_id)
        query = query.where(sections.c.slug == section_slug)
    if author_id is not None:
        query = query.join(
            article_authors,
            and_(
                article_authors.c.article_id == articles.c.id,
                article_authors.c.author_id == author_id,
            ),
        )
    if topic_id is not None:
        query = query.join(
            article_topics,
            and_(
                article_topics.c.article_id == articles.c.id, article_topics.c.topic_id == topic_id
            ),
        )
    if since is not None:
        query = query.where(articles.c.published_at >= since)
    if until is not None:
        query = query.where(articles.c.published_at < until)
    return query


def section_fronts(conn: Connection, per_section: int) -> dict[str, list[ArticleSummary]]:
    """The newest ``per_section`` published articles of every section, in one query."""
    ranked = (
        select(
            *SUMMARY_COLUMNS,
            func.row_number()
            .over(
                partition_by=articles.c.section_id,
                order_by=(articles.c.published_at.desc(), articles.c.id.desc()),
            )
            .label("n"),
        )
        .join(sections, sections.c.id == articles.c.section_id)
        .where(articles.c.status == Status.PUBLISHED.value)
        .subquery()
    )
    rows = conn.execute(
        select(ranked).where(ranked.c.n <= per_section).order_by(ranked.c.section_slug, ranked.c.n)
    ).mappings()
    fronts: dict[str, list[ArticleSummary]] = {}
    for row in rows:
        fronts.setdefault(row["section_slug"], []).append(summary_from_row(row))
    return fronts


@dataclass(frozen=True, slots=True)
class CorpusEntry:
    """What the related ranking reads of one published article."""

    id: int
    headline: str
    deck: str
    body: tuple[Block, ...]
    published_at: datetime | None
    section: str = ""
    topics: tuple[str, ...] = ()


def published_ids(conn: Connection) -> set[int]:
    rows = conn.execute(select(articles.c.id).where(articles.c.status == Status.PUBLISHED.value))
    return set(rows.scalars())


def published_corpus(conn: Connection, ids: Iterable[int] | None = None) -> list[CorpusEntry]:
    """Published articles as the ranking reads them (all, or those of ``ids``): two queries."""
    query = (
        select(
            articles.c.id,
            articles.c.headline,
            articles.c.deck,
            articles.c.body,
            articles.c.published_at,
            sections.c.slug.label("section"),
        )
        .join(sections, sections.c.id == articles.c.section_id)
        .where(articles.c.status == Status.PUBLISHED.value)
        .order_by(articles.c.id)
    )
    topic_query = (
        select(article_topics.c.article_id, topics.c.slug)
        .join(topics, topics.c.id == article_topics.c.topic_id)
        .join(articles, articles.c.id == article_topics.c.article_id)
        .where(articles.c.status == Status.PUBLISHED.value)
    )
    if ids is not None:
        wanted = list(ids)
        query = query.where(articles.c.id.in_(wanted))
        topic_query = topic_query.where(article_topics.c.article_id.in_(wanted))
    topic_map: dict[int, list[str]] = {}
    for article_id, slug in conn.execute(topic_query):
        topic_map.setdefault(article_id, []).append(slug)
    return [
        CorpusEntry(
            id=r["id"],
            headline=r["headline"],
            deck=r["deck"],
            body=tuple(block_from_dict(b) for b in r["body"]),
            published_at=r["published_at"],
            section=r["section"],
            topics=tuple(sorted(topic_map.get(r["id"], ()))),
        )
        for r in conn.execute(query).mappings()
    ]
