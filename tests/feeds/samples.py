"""Articles and channels built by hand for the feed tests (no store needed)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from dateline.feeds import atom, jsonfeed, rss
from dateline.feeds.channel import Channel, ContentMode, FeedUrls
from dateline.feeds.entry import to_entries
from dateline.model import Article, Author, Block, BlockKind, Section, Status, Topic

SITE = "https://news.example.org"
PUBLISHED = datetime(2026, 3, 1, 14, 30, 5, tzinfo=UTC)  # a Sunday
UPDATED = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)


def channel(content: ContentMode = ContentMode.FULL, **changes: Any) -> Channel:
    base = Channel(
        title="The Test Dateline",
        description="The newest articles from The Test Dateline",
        site_name="The Test Dateline",
        site_url=SITE,
        home_url=f"{SITE}/",
        urls=FeedUrls.under(SITE),
        updated=UPDATED,
        language="en",
        content=content,
    )
    return replace(base, **changes)


def article(**changes: Any) -> Article:
    """A published article with a dateline, two paragraphs, an image, bylines and topics."""
    base = Article(
        id=42,
        uid="fixture:harbour",
        slug="harbour-reopens",
        headline="Harbour reopens after the storm",
        deck="Ferries run again & the fish market opens on Monday.",
        dateline="PORTLAND, Maine",
        section=Section("local", "Local", id=1),
        body=(
            Block(BlockKind.PARAGRAPH, html='The harbour <a href="/section/local">reopened</a>.'),
            Block(
                BlockKind.IMAGE,
                src="/media/harbour.jpg",
                alt="Boats in the harbour",
                caption="Boats <em>return</em>",
                credit="Ana Lima",
            ),
            Block(BlockKind.PARAGRAPH, html="Crews cleared <strong>debris</strong> overnight."),
            Block(BlockKind.LIST, items=("one", "two"), ordered=True),
            Block(BlockKind.QUOTE, html="We are open."),
            Block(BlockKind.HEADING, html="What next", level=3),
        ),
        credit_line="Ana Lima reported from Portland.",
        bylines=(Author("ana-lima", "Ana Lima", id=7), Author("tom-reyes", "Tom Reyes", id=8)),
        topics=(Topic("harbours", "Harbours", id=3), Topic("storms", "Storms", id=4)),
        status=Status.PUBLISHED,
        published_at=PUBLISHED,
        updated_at=UPDATED,
        version_at=UPDATED,
        language="en",
    )
    return replace(base, **changes)


def documents(
    articles: list[Article] | None = None, content: ContentMode = ContentMode.FULL
) -> dict[str, bytes]:
    """The three formats of a feed of ``articles`` (one sample article by default)."""
    chan = channel(content)
    entries = to_entries(articles if articles is not None else [article()], chan)
    return {
        "rss": rss.render(chan, entries),
        "atom": atom.render(chan, entries),
        "json": jsonfeed.render(chan, entries),
    }
