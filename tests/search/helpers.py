"""Articles for the search tests, saved and published through the one publish path."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

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


# PostgreSQL's walk (migration 0008's function) over the whole index, no filters
WALK = text(
    "SELECT found_id, found_score FROM dateline_search_newest("
    "websearch_to_tsquery('english', :q), :wanted, NULL, NULL, NULL,"
    " (SELECT min(article_id) FROM article_search),"
    " (SELECT max(article_id) FROM article_search), :margin, :growth, :row_cost)"
)


def skip_ids(store: Store, gap: int) -> None:
    """PostgreSQL: the next article's id ``gap`` past the highest one (none skipped when
    there is no article yet), to spread articles over the word index's blocks of ids."""
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('articles', 'id'),"
                " (SELECT max(id) FROM articles) + :gap)"
            ),
            {"gap": gap},
        )
