"""Queries for the page-purge log (migration 0007) that the page caches read.

The rows are written by triggers in the changing transaction; ``note`` writes the ones
no trigger can (a related list, stored many at a time). On SQLite one writer at a time
means ids grow in commit order, so a reader that remembers the last id it saw misses
nothing; on PostgreSQL the rows also go out as ``NOTIFY`` at commit (see
``store.purgefeed``), since ids there are handed out before commit, not in its order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, delete, func, insert, select

from dateline.model import Listing, PagePurge, Scope
from dateline.store.schema import (
    article_authors,
    article_topics,
    articles,
    authors,
    page_purges,
    sections,
    topics,
)

CHANNEL = "dateline_page_purges"


def note(conn: Connection, scope: Scope, article_ids: Iterable[int]) -> None:
    """Record that the pages of ``article_ids`` changed in ``scope``."""
    rows = [{"article_id": i, "scope": scope.value} for i in article_ids]
    if rows:
        conn.execute(insert(page_purges), rows)


def after(conn: Connection, last_id: int, limit: int) -> tuple[list[tuple[int, PagePurge]], int]:
    """Up to ``limit`` purges with ids above ``last_id``, and the lowest id still kept."""
    rows = conn.execute(
        select(page_purges.c.id, page_purges.c.article_id, page_purges.c.scope)
        .where(page_purges.c.id > last_id)
        .order_by(page_purges.c.id)
        .limit(limit)
    ).all()
    lowest = conn.execute(select(func.min(page_purges.c.id))).scalar()
    found = [(r.id, PagePurge(Scope(r.scope), r.article_id)) for r in rows]
    return found, int(lowest or 0)


def latest_id(conn: Connection) -> int:
    return int(conn.execute(select(func.max(page_purges.c.id))).scalar() or 0)


def prune(conn: Connection, keep: int) -> int:
    """Delete all but the newest ``keep`` rows; returns how many went."""
    newest = latest_id(conn)
    if newest <= keep:
        return 0
    result = conn.execute(delete(page_purges).where(page_purges.c.id <= newest - keep))
    return result.rowcount or 0


def listings(conn: Connection, article_ids: Sequence[int]) -> list[Listing]:
    """Where each existing article of ``article_ids`` is listed: three queries in all."""
    if not article_ids:
        return []
    ids = sorted(set(article_ids))
    section_of = dict(
        conn.execute(
            select(articles.c.id, sections.c.slug)
            .join(sections, sections.c.id == articles.c.section_id)
            .where(articles.c.id.in_(ids))
        ).all()
    )
    bylines: dict[int, list[str]] = {}
    for article_id, slug in conn.execute(
        select(article_authors.c.article_id, authors.c.slug)
        .join(authors, authors.c.id == article_authors.c.author_id)
        .where(article_authors.c.article_id.in_(ids))
    ):
        bylines.setdefault(article_id, []).append(slug)
    tagged: dict[int, list[str]] = {}
    for article_id, slug in conn.execute(
        select(article_topics.c.article_id, topics.c.slug)
        .join(topics, topics.c.id == article_topics.c.topic_id)
        .where(article_topics.c.article_id.in_(ids))
    ):
        tagged.setdefault(article_id, []).append(slug)
    return [
        Listing(i, section_of[i], tuple(bylines.get(i, ())), tuple(tagged.get(i, ())))
        for i in ids
        if i in section_of
    ]
