"""The article and the things it points to, as plain frozen dataclasses."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from dateline.model.pickling import by_fields
from dateline.model.text import blocks_text


class Status(enum.StrEnum):
    """Where an article is in its life; only ``PUBLISHED`` is shown to readers."""

    DRAFT = "draft"
    SUBMITTED = "submitted"  # a contributor's draft, waiting for an editor
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"
    REJECTED = "rejected"  # an ingested item an editor turned down: kept so it stays out


class BlockKind(enum.StrEnum):
    """The kinds of block an article body is made of."""

    PARAGRAPH = "paragraph"
    QUOTE = "quote"
    HEADING = "heading"
    LIST = "list"
    IMAGE = "image"


def article_path(slug: str, when: datetime | None) -> str:
    """The path of an article page: ``/yyyy/mm/dd/slug``, or ``/article/slug`` undated."""
    if when is None:
        return f"/article/{slug}"
    # the fields, not ``{when:%Y/%m/%d}``: strftime cost about a tenth of an uncached
    # article page's store read (a page shows eleven paths); the year unpadded, as glibc's %Y
    return f"/{when.year}/{when.month:02d}/{when.day:02d}/{slug}"


@by_fields
@dataclass(frozen=True, slots=True)
class Block:
    """One block of an article body.

    ``html`` holds sanitized inline HTML (links, emphasis) for paragraphs, quotes and
    headings; ``items`` the sanitized inline HTML of each list item; images use ``src``,
    ``caption`` (inline HTML) and ``credit`` (plain text). ``level`` is the heading level
    (2 to 6) and ``ordered`` tells a numbered list from a bulleted one.
    """

    kind: BlockKind
    html: str = ""
    items: tuple[str, ...] = ()
    level: int = 2
    ordered: bool = False
    src: str = ""
    alt: str = ""
    caption: str = ""
    credit: str = ""


@by_fields
@dataclass(frozen=True, slots=True)
class Author:
    """A person credited in bylines."""

    slug: str
    name: str
    bio: str = ""
    id: int | None = None


@by_fields
@dataclass(frozen=True, slots=True)
class Section:
    """A desk of the site (World, Business, ...); every article belongs to one."""

    slug: str
    name: str
    position: int = 0
    id: int | None = None


@by_fields
@dataclass(frozen=True, slots=True)
class Topic:
    """A subject that cuts across sections (a tag)."""

    slug: str
    name: str
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Correction:
    """A public correction appended to an article."""

    text: str
    created_at: datetime


@by_fields
@dataclass(frozen=True, slots=True)
class Source:
    """Where an article came from: the newsroom itself, or another publisher.

    A syndicated article names the original publisher, the original URL and the
    original item id; ``own`` articles leave those empty.
    """

    kind: str = "own"
    publisher: str = ""
    url: str = ""
    item_id: str = ""

    @property
    def syndicated(self) -> bool:
        return self.kind == "syndicated"


@by_fields
@dataclass(frozen=True, slots=True)
class Article:
    """A news article, as the store keeps it and the pages show it.

    ``uid`` is the stable external identity (an IPTC ninjs ``uri``, a Markdown file's
    ``id``) that makes imports idempotent; ``id`` is the store's own key, ``None`` until
    stored. ``version_at`` is the source's version time, used to tell a newer version of
    an item from an older one.
    """

    uid: str
    slug: str
    headline: str
    section: Section
    body: tuple[Block, ...] = ()
    deck: str = ""
    dateline: str = ""
    credit_line: str = ""
    bylines: tuple[Author, ...] = ()
    topics: tuple[Topic, ...] = ()
    status: Status = Status.DRAFT
    published_at: datetime | None = None
    updated_at: datetime | None = None
    version_at: datetime | None = None
    language: str = "en"
    source: Source = field(default_factory=Source)
    canonical_url: str = ""
    corrections: tuple[Correction, ...] = ()
    id: int | None = None

    @property
    def path(self) -> str:
        """The article page's path: dated by first publication, stable across edits."""
        return article_path(self.slug, self.published_at or self.version_at)

    @property
    def plain_text(self) -> str:
        """Headline-free text of the body, for ranking and search."""
        return blocks_text(self.body)


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """What a list entry needs: enough for a link with headline and date."""

    id: int
    headline: str
    path: str
    published_at: datetime | None
    section_slug: str
    section_name: str
    deck: str = ""


@dataclass(frozen=True, slots=True)
class RelatedLink:
    """One entry of an article's related list, with the score that put it there.

    ``reasons`` holds the parts of the score (text, entities, topics, section, time) or
    ``{"pinned": 1.0}`` for an entry an editor pinned.
    """

    article: ArticleSummary
    score: float
    rank: int
    reasons: dict[str, float] = field(default_factory=dict)
