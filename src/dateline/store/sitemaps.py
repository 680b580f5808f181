"""Queries for sitemaps: published articles in id order, in batches, and the newest news.

A sitemap of 50,000 URLs is never held in memory: ``url_batch`` reads one batch after an
id (keyset pagination on the primary key), and the ``Store`` facade chains batches, each
in its own short read, so a slow client never keeps a transaction open. The start of the
``n``-th URL set is the id ``n - 1`` sets in (``sitemap_start``), one indexed scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, func, select

from dateline.model import Status
from dateline.model.article import article_path
from dateline.store.schema import articles


@dataclass(frozen=True, slots=True)
class SitemapUrl:
    """A published article as a URL set lists it: its path and when it last changed."""

    id: int
    path: str
    lastmod: datetime | None


@dataclass(frozen=True, slots=True)
class NewsItem:
    """A recently published article as the News sitemap lists it."""

    id: int
    path: str
    headline: str
    published_at: datetime
    language: str


_PUBLISHED = articles.c.status == Status.PUBLISHED.value


def _published_in_id_order(conn: Connection) -> ColumnElement[bool]:
    """The published test, written so that the database walks the primary key in id order.

    Given ``status = 'published' AND id > ? ORDER BY id LIMIT n``, SQLite picks the
    (status, published_at) index and sorts every published row for each batch, so a URL
    set cost time in proportion to the archive (measured: benchmarks/sitemaps.py);
    wrapped in ``coalesce`` no index on ``status`` applies and it walks the key instead.
    PostgreSQL needs the bare test: its statistics then tell it that most rows are
    published, and it walks the key and stops after the batch; the wrapped test hides
    that and makes it scan and sort the table.
    """
    if conn.dialect.name == "sqlite":
        return func.coalesce(articles.c.status, "") == Status.PUBLISHED.value
    return _PUBLISHED


def sitemap_start(conn: Connection, number: int, per_sitemap: int) -> int | None:
    """The id after which URL set ``number`` (from 1) starts; ``None`` past the last one."""
    if number <= 1:
        return 0
    query = (
        select(articles.c.id)
        .where(_published_in_id_order(conn))
        .order_by(articles.c.id)
        .offset((number - 1) * per_sitemap - 1)
        .limit(1)
    )
    found = conn.execute(query).scalar_one_or_none()
    return int(found) if found is not None else None


def url_batch(conn: Connection, after_id: int, limit: int) -> list[SitemapUrl]:
    """Up to ``limit`` published articles with an id above ``after_id``, in id order."""
    query = (
        select(
            articles.c.id,
            articles.c.slug,
            articles.c.published_at,
            articles.c.version_at,
            articles.c.updated_at,
        )
        .where(_published_in_id_order(conn), articles.c.id > after_id)
        .order_by(articles.c.id)
        .limit(limit)
    )
    found = []
    for row in conn.execute(query).mappings():
        times = [t for t in (row["published_at"], row["updated_at"]) if t is not None]
        found.append(
            SitemapUrl(
                id=row["id"],
                path=article_path(row["slug"], row["published_at"] or row["version_at"]),
                lastmod=max(times) if times else None,
            )
        )
    return found


def recent_news(conn: Connection, since: datetime, until: datetime, limit: int) -> list[NewsItem]:
    """Articles published in ``[since, until]``, newest first, at most ``limit``."""
    query = (
        select(
            articles.c.id,
            articles.c.slug,
            articles.c.headline,
            articles.c.published_at,
            articles.c.language,
        )
        .where(
            _PUBLISHED,
            articles.c.published_at >= since,
            articles.c.published_at <= until,
        )
        .order_by(articles.c.published_at.desc(), articles.c.id.desc())
        .limit(limit)
    )
    return [
        NewsItem(
            id=row["id"],
            path=article_path(row["slug"], row["published_at"]),
            headline=row["headline"],
            published_at=row["published_at"],
            language=row["language"],
        )
        for row in conn.execute(query).mappings()
    ]
