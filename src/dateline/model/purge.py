"""``PagePurge``: one change to what the site shows, as the page caches hear of it.

The store writes one in the transaction that changes an article, its bylines, topics,
corrections or related list, a section, author or topic name, or a weather observation
(migration 0007). Every server process reads them and drops the cached pages they make
wrong; ``Scope`` says how far a change reaches.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Scope(enum.StrEnum):
    LISTING = "listing"  # the article entered or left lists (published, unpublished, moved)
    CONTENT = "content"  # a published article's text or corrections changed
    RELATED = "related"  # its related list changed
    WEATHER = "weather"  # a weather observation changed: every page with the widget
    ALL = "all"  # something every page shows changed (a section, author or topic name)


@dataclass(frozen=True, slots=True)
class PagePurge:
    """``article_id`` is empty for the weather and site-wide scopes."""

    scope: Scope
    article_id: int | None = None


@dataclass(frozen=True, slots=True)
class Listing:
    """Where an article is listed: the slugs of its section, authors and topics."""

    article_id: int
    section: str
    authors: tuple[str, ...]
    topics: tuple[str, ...]
