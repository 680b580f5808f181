"""Queries for articles: save, fetch whole, and list as summaries.

Rows in, model objects out. Fetching one whole article costs four queries (the article
with its section, its bylines, its topics, its corrections) whatever the archive's size;
every list is one query.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Connection,
    Float,
    Integer,
    RowMapping,
    Select,
    String,
    and_,
    bindparam,
    cast,
    delete,
    func,
    insert,
    literal_column,
    null,
    or_,
    select,
    union_all,
    update,
)

from dateline.model import (
    Article,
    ArticleSummary,
    Author,
    Block,
    BlockKind,
    Correction,
    RelatedLink,
    Section,
    Source,
    Status,
    Topic,
)
from dateline.model.article import article_path
from dateline.model.slug import unique_slug
from dateline.model.text import blocks_text
from dateline.store.direct import Direct
from dateline.store.prepared import Prepared, Row
from dateline.store.schema import (
    article_authors,
    article_topics,
    articles,
    authors,
    corrections,
    related,
    sections,
    topics,
)
from dateline.store.taxonomy import Names, ensure_authors, ensure_topics
from dateline.store.types import UTCDateTime


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


def article_columns(article: Article, body_text: str | None = None) -> dict[str, Any]:
    """The article's own columns; ``body_text``: its ``plain_text`` when already known."""
    return {
        "headline": article.headline,
        "deck": article.deck,
        "dateline": article.dateline,
        "body": [block_to_dict(b) for b in article.body],
        "body_text": blocks_text(article.body) if body_text is None else body_text,
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


# the statements of saving a new article, run on the driver's cursor (``store.direct``):
# ingest runs them for every item
_SLUG_TAKEN = Direct(select(articles.c.id).where(articles.c.slug == bindparam("slug")).limit(1))
# the columns a new article's insert names: its own and those ``article_columns`` gives
NEW_ARTICLE_COLUMNS = (
    "uid",
    "slug",
    "status",
    "published_at",
    *article_columns(Article(uid="", slug="", headline="", section=Section("", "", id=0))),
)
_INSERT_ARTICLE = Direct(insert(articles), columns=NEW_ARTICLE_COLUMNS, returning=articles.c.id)
_INSERT_BYLINE = Direct(insert(article_authors), columns=("article_id", "author_id", "position"))
_INSERT_TOPIC = Direct(insert(article_topics), columns=("article_id", "topic_id"))


def require_section(article: Article) -> None:
    """Refuse an article whose section is not stored yet (it has no id to refer to)."""
    if article.section.id is None:
        raise ValueError("save_article needs a stored section")


def free_slug(conn: Connection, base: str, taken: bool | None = None) -> str:
    """``base``, or the first of its family no article has (``taken``: whether an article
    has ``base``, when the caller has looked it up already)."""
    # the usual case, a slug no article has, costs one lookup in the slug index; only a
    # taken one reads the slugs of its family (``LIKE`` does not use that index)
    if taken is None:
        taken = _SLUG_TAKEN.first(conn, {"slug": base}) is not None
    if not taken:
        return base
    family = set(
        conn.execute(
            select(articles.c.slug).where(
                or_(articles.c.slug == base, articles.c.slug.like(f"{base}-%"))
            )
        ).scalars()
    )
    return unique_slug(base, family)


def _is_newer(incoming: datetime | None, stored: datetime | None) -> bool:
    return incoming is None or stored is None or incoming > stored


def save_article(
    conn: Connection,
    article: Article,
    names: Names | None = None,
    body_text: str | None = None,
) -> SaveResult:
    """Insert the article, or update the one with the same ``uid`` when this is newer.

    An update keeps the stored slug (URLs stay stable), status and first-published time;
    a new article gets a slug no other article has. The section must already have an id.
    ``names``: the authors and topics the transaction knows (``taxonomy.Names``);
    ``body_text``: the article's ``plain_text``, when the caller has it already.
    """
    require_section(article)
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
        return insert_article(conn, article, names, body_text)
    article_id, slug = row["id"], row["slug"]
    if not _is_newer(article.version_at, row["version_at"]):
        return SaveResult(article_id, slug, "unchanged")
    values = article_columns(article, body_text)
    conn.execute(update(articles).where(articles.c.id == article_id).values(**values))
    save_people_and_topics(conn, article_id, article, fresh=False, names=names)
    return SaveResult(article_id, slug, "updated")


def insert_article(
    conn: Connection,
    article: Article,
    names: Names | None = None,
    body_text: str | None = None,
    slug: str | None = None,
) -> SaveResult:
    """Insert an article whose ``uid`` is not stored yet, under a slug no other has
    (``names`` and ``body_text`` as for ``save_article``; ``slug``: one found free
    already, by ``free_slug``)."""
    require_section(article)
    if slug is None:
        slug = free_slug(conn, article.slug)
    article_id = _INSERT_ARTICLE.insert_id(
        conn,
        {
            "uid": article.uid,
            "slug": slug,
            "status": article.status.value,
            "published_at": article.published_at,
            **article_columns(article, body_text),
        },
    )
    save_people_and_topics(conn, article_id, article, fresh=True, names=names)
    return SaveResult(article_id, slug, "created")


def replace_content(
    conn: Connection,
    article_id: int,
    article: Article,
    names: Names | None = None,
    body_text: str | None = None,
) -> None:
    """Give a stored article another item's identity and content (its copy's original).

    Slug, status and first-published time stay: the page keeps its URL.
    """
    conn.execute(
        update(articles)
        .where(articles.c.id == article_id)
        .values(uid=article.uid, **article_columns(article, body_text))
    )
    save_people_and_topics(conn, article_id, article, fresh=False, names=names)


def save_people_and_topics(
    conn: Connection,
    article_id: int,
    article: Article,
    *,
    fresh: bool,
    names: Names | None = None,
) -> None:
    """The article's byline and topic rows (``fresh``: a new article, which has none)."""
    if not fresh:
        conn.execute(delete(article_authors).where(article_authors.c.article_id == article_id))
        conn.execute(delete(article_topics).where(article_topics.c.article_id == article_id))
    author_ids = ensure_authors(conn, article.bylines, names)
    _INSERT_BYLINE.run_many(
        conn,
        [
            {"article_id": article_id, "author_id": a, "position": i}
            for i, a in enumerate(author_ids)
        ],
    )
    topic_ids = ensure_topics(conn, article.topics, names)
    _INSERT_TOPIC.run_many(conn, [{"article_id": article_id, "topic_id": t} for t in topic_ids])


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
    row: Mapping[Any, Any],
    bylines: Sequence[Author],
    topic_list: Sequence[Topic],
    fixes: Sequence[Correction],
) -> Article:
    """The article of a row of ``_FULL`` or of the page's article read (articles with their
    section's ``s_*`` columns)."""
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


def summary_from_row(row: Mapping[Any, Any]) -> ArticleSummary:
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
    """The newest ``per_section`` published articles of every section.

    One short query per section, each a walk down the (section, publication time) index
    that stops after ``per_section`` rows: the cost does not grow with the archive. (One
    window function over every published article, as before, did: 55 ms at 5,000.)
    """
    fronts: dict[str, list[ArticleSummary]] = {}
    for section_id, slug in conn.execute(select(sections.c.id, sections.c.slug)).all():
        rows = conn.execute(
            select(*SUMMARY_COLUMNS)
            .join(sections, sections.c.id == articles.c.section_id)
            .where(articles.c.section_id == section_id)
            .where(articles.c.status == Status.PUBLISHED.value)
            .order_by(articles.c.published_at.desc(), articles.c.id.desc())
            .limit(per_section)
        ).mappings()
        found = [summary_from_row(row) for row in rows]
        if found:
            fronts[slug] = found
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


# -- the article page: one batch of prepared reads -----------------------------------------
#
# ``article_page`` reads the article, its bylines, topics and corrections, its related and
# recent lists, and (for the page's frame) the sections and weather observations, as five
# statements built once (``store.prepared``) and run in one read transaction. They do not
# depend on each other's results (the article's id is a subquery on the key), so on
# PostgreSQL the batch is one round trip.

_PAGE_ARTICLE_COLUMNS = (
    articles.c.id,
    articles.c.uid,
    articles.c.slug,
    articles.c.headline,
    articles.c.deck,
    articles.c.dateline,
    articles.c.body,
    articles.c.credit_line,
    articles.c.section_id,
    articles.c.status,
    articles.c.published_at,
    articles.c.updated_at,
    articles.c.version_at,
    articles.c.language,
    articles.c.source_kind,
    articles.c.source_publisher,
    articles.c.source_url,
    articles.c.source_item_id,
    articles.c.canonical_url,
    sections.c.slug.label("s_slug"),
    sections.c.name.label("s_name"),
    sections.c.position.label("s_position"),
)
# the keys ``article_of`` reads, in the order of the columns above
_PAGE_ARTICLE_KEYS = tuple(c.key for c in _PAGE_ARTICLE_COLUMNS)
_SUMMARY_KEYS = tuple(c.key for c in SUMMARY_COLUMNS)


def _key_id(key: str) -> Any:
    """The article's id in SQL, from the page's key: ``:id`` itself, or by ``:slug``."""
    if key == "id":
        return bindparam("id", type_=Integer)
    return select(articles.c.id).where(articles.c.slug == bindparam("slug")).scalar_subquery()


def _page_article(key: str) -> Prepared:
    return Prepared(
        select(*_PAGE_ARTICLE_COLUMNS)
        .join(sections, sections.c.id == articles.c.section_id)
        .where(getattr(articles.c, key) == bindparam(key))
    )


def _page_parts(key: str) -> Prepared:
    """Bylines (``a``), topics (``t``) and corrections (``c``) in one UNION ALL.

    Columns: kind, order, id, slug, name, bio or correction text, correction time. Sorted
    as the page shows them: bylines by position, topics by name, corrections by time.
    """
    article_id = _key_id(key)
    no_time = cast(null(), UTCDateTime()).label("at")
    people = (
        select(
            literal_column("'a'", String).label("kind"),
            article_authors.c.position.label("ord"),
            authors.c.id.label("part_id"),
            authors.c.slug,
            authors.c.name,
            authors.c.bio.label("text"),
            no_time,
        )
        .join(article_authors, article_authors.c.author_id == authors.c.id)
        .where(article_authors.c.article_id == article_id)
    )
    subjects = (
        select(
            literal_column("'t'", String),
            literal_column("0", Integer),
            topics.c.id,
            topics.c.slug,
            topics.c.name,
            literal_column("''", String),
            no_time,
        )
        .join(article_topics, article_topics.c.topic_id == topics.c.id)
        .where(article_topics.c.article_id == article_id)
    )
    fixes = select(
        literal_column("'c'", String),
        corrections.c.id,
        corrections.c.id,
        literal_column("''", String),
        literal_column("''", String),
        corrections.c.text,
        corrections.c.created_at,
    ).where(corrections.c.article_id == article_id)
    parts = union_all(people, subjects, fixes).subquery()
    return Prepared(parts.select().order_by(parts.c.kind, parts.c.at, parts.c.ord, parts.c.name))


def _page_lists(key: str) -> Prepared:
    """The related list (``r``, best first) and the recent list (``n``) in one UNION ALL.

    Columns: kind, the summary columns, then score, rank and reasons (related only).
    """
    article_id = _key_id(key)
    published = articles.c.status == Status.PUBLISHED.value
    linked = (
        select(
            literal_column("'r'", String).label("kind"),
            *SUMMARY_COLUMNS,
            related.c.score,
            related.c.rank,
            related.c.reasons,
        )
        .select_from(related)
        .join(articles, articles.c.id == related.c.related_id)
        .join(sections, sections.c.id == articles.c.section_id)
        .where(related.c.article_id == article_id, published)
        .order_by(related.c.rank)
        .limit(bindparam("related_limit", type_=Integer))
        .subquery()
    )
    newest = (
        select(
            literal_column("'n'", String).label("kind"),
            *SUMMARY_COLUMNS,
            literal_column("0.0", Float).label("score"),
            literal_column("0", Integer).label("rank"),
            cast(null(), JSON).label("reasons"),
        )
        .join(sections, sections.c.id == articles.c.section_id)
        .where(published, articles.c.id != article_id)
        .order_by(articles.c.published_at.desc(), articles.c.id.desc())
        .limit(bindparam("recent_limit", type_=Integer))
        .subquery()
    )
    return Prepared(union_all(linked.select(), newest.select()).subquery().select())


PAGE_READS = {
    key: (_page_article(key), _page_parts(key), _page_lists(key)) for key in ("slug", "id")
}
"""For each key of an article page (``slug`` or ``id``): its article, parts and lists."""


@dataclass(frozen=True, slots=True)
class PageRead:
    """The article of a page with its related and recent lists, as ``page_reads`` read them."""

    article: Article
    related: list[RelatedLink]
    recent: list[ArticleSummary]


def page_reads(
    key: str, value: str | int, related_limit: int, recent_limit: int
) -> list[tuple[Prepared, dict[str, Any]]]:
    """The batch that reads the page of the article whose ``key`` (slug or id) is ``value``."""
    article, parts, lists = PAGE_READS[key]
    limits = {"related_limit": related_limit, "recent_limit": recent_limit}
    return [(article, {key: value}), (parts, {key: value}), (lists, {key: value, **limits})]


def page_from_rows(article_rows: list[Row], parts: list[Row], lists: list[Row]) -> PageRead | None:
    """The page of the rows of ``page_reads``' three statements; None if no article matched."""
    if not article_rows:
        return None
    bylines: list[Author] = []
    subjects: list[Topic] = []
    fixes: list[Correction] = []
    for kind, _order, part_id, slug, name, text, at in parts:
        if kind == "a":
            bylines.append(Author(slug=slug, name=name, bio=text, id=part_id))
        elif kind == "t":
            subjects.append(Topic(slug=slug, name=name, id=part_id))
        else:
            fixes.append(Correction(text=text, created_at=at))
    row = dict(zip(_PAGE_ARTICLE_KEYS, article_rows[0], strict=True))
    article = article_of(row, bylines, subjects, fixes)
    linked: list[RelatedLink] = []
    recent: list[ArticleSummary] = []
    for kind, *summary, score, rank, reasons in lists:
        entry = summary_from_row(dict(zip(_SUMMARY_KEYS, summary, strict=True)))
        if kind == "r":
            found = {k: float(v) for k, v in (reasons or {}).items()}
            linked.append(
                RelatedLink(article=entry, score=float(score), rank=int(rank), reasons=found)
            )
        else:
            recent.append(entry)
    return PageRead(article=article, related=linked, recent=recent)
