"""Articles for the search tests, saved and published through the one publish path."""

from __future__ import annotations

from datetime import UTC, datetime

from dateline import publish
from dateline.model import Article, Block, BlockKind, Section
from dateline.model.slug import slugify
from dateline.store import Store

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def section(store: Store, slug: str) -> Section:
    return store.section(slug) or store.save_section(Section(slug, slug.title(), 1))


def add(
    store: Store,
    headline: str,
    body: str = "Nothing else of note was said.",
    *,
    deck: str = "",
    in_section: str = "world",
    when: datetime = NOW,
    published: bool = True,
    uid: str | None = None,
) -> int:
    """Save one article (published unless told not to); returns its id."""
    article = Article(
        uid=uid or f"search-test:{slugify(headline)}",
        slug=slugify(headline),
        headline=headline,
        deck=deck,
        section=section(store, in_section),
        body=(Block(BlockKind.PARAGRAPH, html=body),),
        published_at=when,
        version_at=when,
    )
    [saved] = store.save_articles([article])
    if published:
        publish.publish(store, [saved.article_id], when)
    return saved.article_id
