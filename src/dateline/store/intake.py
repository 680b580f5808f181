"""Queries for what ingest takes in: items by identity, alternates, and text fingerprints.

Every item an ingest took is a row of ``ingest_items`` keyed by its identity (``uid``):
the article it became (role ``primary``), the article it is a copy of (``alternate``), or
the article of the same page under another identity (``alias``).
Ingested articles keep a MinHash signature and its LSH band keys, so a copy of a story
that arrived from another source is found with one indexed lookup.

``take`` is the whole decision for one item, inside the caller's transaction, so an item
is stored all or nothing and two processes never both create one story: on PostgreSQL it
first takes a transaction-scoped advisory lock (SQLite's writes are serialised already).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, func, insert, or_, select, text, update

from dateline.model import Article, Status
from dateline.store.articles import replace_content, save_article
from dateline.store.schema import article_bands as bands
from dateline.store.schema import article_fingerprints as fingerprints
from dateline.store.schema import articles
from dateline.store.schema import ingest_items as items

INGEST_LOCK = 0x64617465  # the advisory lock key of ingest writes ("date")
PRIMARY = "primary"
ALTERNATE = "alternate"
ALIAS = "alias"  # the same page (same URL) under another identity
COPY_WINDOW = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """An article text's MinHash signature (bytes) and its LSH band keys (signed 64-bit)."""

    signature: bytes
    keys: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class TakeResult:
    """What taking one item did: ``created``, ``updated``, ``unchanged`` or ``alternate``."""

    article_id: int
    outcome: str


@dataclass(frozen=True, slots=True)
class Alternate:
    """Another publisher's copy of an article's story."""

    uid: str
    url: str
    publisher: str
    headline: str
    published_at: datetime | None


def _lock(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": INGEST_LOCK})


def _record(
    conn: Connection,
    article: Article,
    article_id: int,
    role: str,
    source_id: int | None,
    now: datetime,
) -> None:
    conn.execute(
        insert(items).values(
            uid=article.uid,
            article_id=article_id,
            source_id=source_id,
            role=role,
            url=article.canonical_url,
            publisher=article.source.publisher,
            headline=article.headline,
            published_at=article.published_at,
            seen_at=now,
        )
    )


def _save_fingerprint(conn: Connection, article_id: int, fingerprint: Fingerprint | None) -> None:
    conn.execute(delete(bands).where(bands.c.article_id == article_id))
    conn.execute(delete(fingerprints).where(fingerprints.c.article_id == article_id))
    if fingerprint is None:
        return
    conn.execute(
        insert(fingerprints).values(article_id=article_id, signature=fingerprint.signature)
    )
    keys = sorted(set(fingerprint.keys))
    conn.execute(insert(bands), [{"key": k, "article_id": article_id} for k in keys])


def _copy_of(
    conn: Connection,
    fingerprint: Fingerprint,
    same_story: Callable[[bytes, bytes], bool],
    published_at: datetime | None,
) -> int | None:
    """The article whose stored fingerprint marks it as the same story, oldest first.

    Only articles published within ``COPY_WINDOW`` of the item are candidates: syndicated
    copies of one story run within days, while a weekly report written from the same
    template months later is a story of its own.
    """
    query = select(bands.c.article_id).where(bands.c.key.in_(fingerprint.keys))
    if published_at is not None:
        query = query.join(articles, articles.c.id == bands.c.article_id).where(
            or_(
                articles.c.published_at.is_(None),
                articles.c.published_at.between(
                    published_at - COPY_WINDOW, published_at + COPY_WINDOW
                ),
            )
        )
    candidates = (
        query.group_by(bands.c.article_id)
        .order_by(func.count().desc(), bands.c.article_id)
        .limit(50)
        .subquery()
    )
    rows = conn.execute(
        select(fingerprints.c.article_id, fingerprints.c.signature)
        .where(fingerprints.c.article_id.in_(select(candidates.c.article_id)))
        .order_by(fingerprints.c.article_id)
    )
    for article_id, signature in rows:
        if same_story(fingerprint.signature, bytes(signature)):
            return int(article_id)
    return None


def take(
    conn: Connection,
    article: Article,
    fingerprint: Fingerprint | None,
    source_id: int | None,
    now: datetime,
    same_story: Callable[[bytes, bytes], bool],
) -> TakeResult:
    """Store one incoming item: a new article, a newer version, or another's copy.

    1. An identity seen before (this ``uid``, or an article imported with it): a newer
       version updates the article (and its fingerprint), an older one changes nothing;
       an item known as an alternate stays one.
    2. The same page under another id (its canonical URL known): nothing new.
    3. The same story's text already stored from another source: the item becomes an
       alternate of that article; when it was published earlier than the article's
       current original, it becomes the original instead (its identity, text, canonical
       URL and publisher) and the former original an alternate. The page keeps its URL.
    4. Otherwise a new article, with its fingerprint.
    """
    _lock(conn)
    known = conn.execute(
        select(items.c.article_id, items.c.role).where(items.c.uid == article.uid)
    ).first()
    if known is not None and known.role in (ALTERNATE, ALIAS):
        return TakeResult(int(known.article_id), "unchanged")
    stored = conn.execute(select(articles.c.id).where(articles.c.uid == article.uid)).first()
    if stored is not None:
        result = save_article(conn, article)
        if known is None:
            _record(conn, article, result.article_id, PRIMARY, source_id, now)
        if result.outcome == "updated":
            _save_fingerprint(conn, result.article_id, fingerprint)
        return TakeResult(result.article_id, result.outcome)
    if article.canonical_url:
        same_page = conn.execute(
            select(items.c.article_id).where(items.c.url == article.canonical_url).limit(1)
        ).first()
        if same_page is not None:
            _record(conn, article, int(same_page.article_id), ALIAS, source_id, now)
            return TakeResult(int(same_page.article_id), "unchanged")
    if fingerprint is not None:
        original = _copy_of(conn, fingerprint, same_story, article.published_at)
        if original is not None:
            if _earlier(conn, original, article):
                # the original arrived after a copy of it: it takes the article over
                conn.execute(
                    update(items)
                    .where(items.c.article_id == original, items.c.role == PRIMARY)
                    .values(role=ALTERNATE)
                )
                replace_content(conn, original, article)
                _record(conn, article, original, PRIMARY, source_id, now)
                _save_fingerprint(conn, original, fingerprint)
            else:
                _record(conn, article, original, ALTERNATE, source_id, now)
            return TakeResult(original, "alternate")
    result = save_article(conn, replace(article, status=Status.DRAFT))
    _record(conn, article, result.article_id, PRIMARY, source_id, now)
    _save_fingerprint(conn, result.article_id, fingerprint)
    return TakeResult(result.article_id, result.outcome)


def _earlier(conn: Connection, article_id: int, incoming: Article) -> bool:
    """Whether ``incoming`` was published before the stored syndicated article's item."""
    row = conn.execute(
        select(items.c.published_at)
        .join(articles, articles.c.id == items.c.article_id)
        .where(
            items.c.article_id == article_id,
            items.c.role == PRIMARY,
            articles.c.source_kind == "syndicated",
        )
    ).first()
    if row is None or incoming.published_at is None or row.published_at is None:
        return False
    return bool(incoming.published_at < row.published_at)


def alternates(conn: Connection, article_id: int) -> list[Alternate]:
    """The other publishers' copies recorded for the article, oldest first."""
    rows = conn.execute(
        select(items)
        .where(items.c.article_id == article_id, items.c.role == ALTERNATE)
        .order_by(items.c.published_at, items.c.uid)
    ).mappings()
    return [
        Alternate(r["uid"], r["url"], r["publisher"], r["headline"], r["published_at"])
        for r in rows
    ]


def waiting_publication(conn: Connection, source_ids: Sequence[int]) -> list[int]:
    """Drafts that came from these sources as originals (to publish when they auto-publish)."""
    if not source_ids:
        return []
    rows = conn.execute(
        select(items.c.article_id)
        .join(articles, articles.c.id == items.c.article_id)
        .where(
            items.c.source_id.in_(source_ids),
            items.c.role == PRIMARY,
            articles.c.status == Status.DRAFT.value,
        )
        .order_by(items.c.article_id)
    )
    return [int(r) for r in rows.scalars()]


def review_queue(conn: Connection, limit: int = 100) -> list[int]:
    """Ingested drafts waiting for an editor, newest first."""
    rows = conn.execute(
        select(items.c.article_id)
        .join(articles, articles.c.id == items.c.article_id)
        .where(items.c.role == PRIMARY, articles.c.status == Status.DRAFT.value)
        .order_by(items.c.seen_at.desc(), items.c.article_id.desc())
        .limit(limit)
    )
    return [int(r) for r in rows.scalars()]
