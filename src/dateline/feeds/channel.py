"""``Channel``: what a feed says about itself, whatever its format.

A view builds one per request (site-wide, or one section, author or topic) from the
settings and the subject; the renderers only read it. Every URL here is absolute.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin, urlsplit

GENERATOR = "dateline"
MAX_ITEMS = 50  # a feed lists the newest fifty articles


class ContentMode(enum.StrEnum):
    """What an item carries: the whole body as HTML, or only a plain-text summary."""

    FULL = "full"
    SUMMARY = "summary"


@dataclass(frozen=True, slots=True)
class FeedUrls:
    """The absolute URLs of one feed in each format: each names itself and the others."""

    rss: str
    atom: str
    json: str

    @classmethod
    def under(cls, base: str) -> FeedUrls:
        """The three feeds under ``base`` (``https://host`` or ``https://host/section/x``)."""
        root = base.rstrip("/")
        return cls(rss=f"{root}/rss.xml", atom=f"{root}/atom.xml", json=f"{root}/feed.json")


@dataclass(frozen=True, slots=True)
class Channel:
    """A feed's own metadata.

    ``site_url`` is the public base URL (no trailing slash) that article paths and any
    relative URL in a body are resolved against; ``home_url`` is the HTML page the feed
    follows (the front page, or the section, author or topic page). ``updated`` is the
    newest change among the items (or the time of the request for an empty feed).
    """

    title: str
    description: str
    site_name: str
    site_url: str
    home_url: str
    urls: FeedUrls
    updated: datetime
    language: str = "en"
    content: ContentMode = ContentMode.FULL

    @property
    def host(self) -> str:
        """The site's host name (no port): the authority of every ``tag:`` id."""
        return (urlsplit(self.site_url).hostname or "localhost").lower()

    def absolute(self, path_or_url: str) -> str:
        """``path_or_url`` made absolute against the site (absolute URLs pass unchanged)."""
        return urljoin(f"{self.site_url.rstrip('/')}/", path_or_url)
