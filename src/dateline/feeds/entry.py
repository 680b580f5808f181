"""``Entry``: what every feed format says about one article, worked out once.

The id is a ``tag:`` URI (RFC 4151) built from the site's host, the day the article was
first published and the store's id of the article: none of those changes when an editor
rewrites the headline, the body or the slug, so a feed reader never sees an edited
article as a new one. (The ``uid`` is not used: it changes when a syndicated copy is
replaced by its original.)
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from dateline.feeds.channel import Channel, ContentMode
from dateline.feeds.content import body_html, summary_text, xml_safe
from dateline.model import Article, BlockKind


@dataclass(frozen=True, slots=True)
class Person:
    """A byline: the author's name and the absolute URL of their page."""

    name: str
    url: str


@dataclass(frozen=True, slots=True)
class Category:
    """A section or topic: ``term`` is its slug, ``label`` its name, ``scheme`` its kind's URL."""

    term: str
    label: str
    scheme: str


@dataclass(frozen=True, slots=True)
class Image:
    """The lead image (the body's first image): absolute URL and media type if known."""

    url: str
    media_type: str
    alt: str = ""


@dataclass(frozen=True, slots=True)
class Entry:
    """One article as a feed item; every URL absolute, every date aware and in UTC.

    ``content_html`` is empty in summary mode.
    """

    id: str
    url: str
    title: str
    summary: str
    content_html: str
    published: datetime
    updated: datetime
    language: str
    authors: tuple[Person, ...]
    categories: tuple[Category, ...]
    image: Image | None = None
    external_url: str = ""


def entry_id(host: str, article_id: int, published: datetime) -> str:
    """The stable id of an article's feed entry: ``tag:host,yyyy-mm-dd:article:id``."""
    return f"tag:{host},{published.astimezone(UTC):%Y-%m-%d}:article:{article_id}"


def _lead_image(article: Article, channel: Channel) -> Image | None:
    for block in article.body:
        if block.kind is BlockKind.IMAGE and block.src:
            url = channel.absolute(xml_safe(block.src.strip()))
            if urlsplit(url).scheme not in ("http", "https"):
                return None
            media_type, _ = mimetypes.guess_type(urlsplit(url).path)
            image_type = media_type if media_type and media_type.startswith("image/") else ""
            return Image(url=url, media_type=image_type, alt=xml_safe(block.alt))
    return None


def _external_url(article: Article) -> str:
    """The original publisher's page of a syndicated article (http or https only)."""
    url = article.source.url.strip()
    if article.source.syndicated and urlsplit(url).scheme in ("http", "https"):
        return xml_safe(url)
    return ""


def to_entry(article: Article, channel: Channel) -> Entry | None:
    """``article`` as a feed entry, or None when it was never published or never stored."""
    if article.id is None or article.published_at is None:
        return None
    published = article.published_at.astimezone(UTC)
    updated = published
    if article.updated_at is not None and article.updated_at > published:
        updated = article.updated_at.astimezone(UTC)
    site = channel.site_url.rstrip("/")
    categories = [Category(article.section.slug, article.section.name, f"{site}/section/")]
    categories.extend(Category(t.slug, t.name, f"{site}/topic/") for t in article.topics)
    full = channel.content is ContentMode.FULL
    return Entry(
        id=entry_id(channel.host, article.id, published),
        url=channel.absolute(article.path),
        title=xml_safe(article.headline),
        summary=summary_text(article),
        content_html=body_html(article, site) if full else "",
        published=published,
        updated=updated,
        language=article.language or channel.language,
        authors=tuple(Person(xml_safe(a.name), f"{site}/author/{a.slug}") for a in article.bylines),
        categories=tuple(
            Category(xml_safe(c.term), xml_safe(c.label or c.term), c.scheme) for c in categories
        ),
        image=_lead_image(article, channel),
        external_url=_external_url(article),
    )


def to_entries(articles: Iterable[Article], channel: Channel) -> list[Entry]:
    """The feed entries of ``articles``, in their order, skipping any never published."""
    return [e for e in (to_entry(a, channel) for a in articles) if e is not None]


def rfc3339(when: datetime) -> str:
    """``when`` as an RFC 3339 timestamp in UTC, to the second: ``2026-11-26T04:05:06Z``."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
