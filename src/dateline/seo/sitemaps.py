"""Sitemaps as streams of bytes: the index, URL sets, and the Google News sitemap.

Each writer is a generator: it takes an iterable of entries (the store yields them in
batches) and yields UTF-8 chunks of about ``CHUNK`` bytes, so a sitemap of 50,000 URLs
is written in constant memory. The formats:

- a URL set (sitemaps.org 0.9): ``<urlset>`` of ``<url><loc/><lastmod/></url>``, at most
  ``MAX_URLS`` (50,000) URLs per file;
- the index (sitemaps.org 0.9): ``<sitemapindex>`` of ``<sitemap><loc/></sitemap>``,
  one per URL set (``article_sitemap_count`` tells how many);
- the News sitemap (Google, namespace ``sitemap-news/0.9``): the articles published in
  the last ``NEWS_WINDOW`` (48 hours), at most ``MAX_NEWS`` (1,000), each with
  ``news:publication`` (name, language), ``news:publication_date`` and ``news:title``.

Text is XML-escaped, and characters XML 1.0 forbids are dropped, so any headline gives a
well-formed file. Times are W3C datetimes with their zone, to the second.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Protocol
from xml.sax.saxutils import escape

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
MAX_URLS = 50_000
MAX_NEWS = 1_000
NEWS_WINDOW = timedelta(hours=48)
CHUNK = 64 * 1024
MEDIA_TYPE = "application/xml; charset=utf-8"

_XML_HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class UrlEntry(Protocol):
    """A page to list: its path on the site and when it last changed."""

    @property
    def path(self) -> str: ...

    @property
    def lastmod(self) -> datetime | None: ...


class NewsEntry(Protocol):
    """A recent article, as the News sitemap lists it."""

    @property
    def path(self) -> str: ...

    @property
    def headline(self) -> str: ...

    @property
    def published_at(self) -> datetime: ...

    @property
    def language(self) -> str: ...


def article_sitemap_count(published: int, per_sitemap: int = MAX_URLS) -> int:
    """How many article URL sets hold ``published`` articles: none when there are none."""
    if per_sitemap < 1:
        raise ValueError("per_sitemap must be at least 1")
    return -(-published // per_sitemap)


def sitemap_index(site_url: str, paths: Iterable[str]) -> Iterator[bytes]:
    """A sitemap index listing the sitemaps at ``paths`` (site-relative)."""
    base = site_url.rstrip("/")
    out = _Chunks()
    out.write(_XML_HEADER + f'<sitemapindex xmlns="{SITEMAP_NS}">\n')
    for path in paths:
        yield from out.write(f"<sitemap><loc>{_text(base + path)}</loc></sitemap>\n")
    yield from out.write("</sitemapindex>\n")
    yield from out.flush()


def url_set(site_url: str, entries: Iterable[UrlEntry], limit: int = MAX_URLS) -> Iterator[bytes]:
    """A URL set of at most ``limit`` entries, each with its ``lastmod`` when known."""
    base = site_url.rstrip("/")
    out = _Chunks()
    out.write(_XML_HEADER + f'<urlset xmlns="{SITEMAP_NS}">\n')
    for count, entry in enumerate(entries):
        if count >= limit:
            break
        lastmod = f"<lastmod>{w3c(entry.lastmod)}</lastmod>" if entry.lastmod else ""
        yield from out.write(f"<url><loc>{_text(base + entry.path)}</loc>{lastmod}</url>\n")
    yield from out.write("</urlset>\n")
    yield from out.flush()


def news_sitemap(
    site_url: str,
    publication: str,
    entries: Iterable[NewsEntry],
    now: datetime,
    limit: int = MAX_NEWS,
) -> Iterator[bytes]:
    """The Google News sitemap: entries published within 48 hours of ``now``, ≤ ``limit``."""
    base = site_url.rstrip("/")
    since = now - NEWS_WINDOW
    name = _text(publication)
    out = _Chunks()
    out.write(_XML_HEADER + f'<urlset xmlns="{SITEMAP_NS}" xmlns:news="{NEWS_NS}">\n')
    count = 0
    for entry in entries:
        if count >= limit:
            break
        if not since <= entry.published_at <= now:
            continue
        count += 1
        yield from out.write(
            f"<url><loc>{_text(base + entry.path)}</loc><news:news>"
            f"<news:publication><news:name>{name}</news:name>"
            f"<news:language>{news_language(entry.language)}</news:language>"
            "</news:publication>"
            f"<news:publication_date>{w3c(entry.published_at)}</news:publication_date>"
            f"<news:title>{_text(entry.headline)}</news:title>"
            "</news:news></url>\n"
        )
    yield from out.write("</urlset>\n")
    yield from out.flush()


def w3c(when: datetime) -> str:
    """A W3C datetime to the second, with its zone (``2026-11-26T04:05:00+00:00``)."""
    return when.replace(microsecond=0).isoformat()


def news_language(language: str) -> str:
    """The language code Google News asks for: ISO 639 (``en``), or ``zh-cn``/``zh-tw``."""
    code = language.strip().lower().replace("_", "-")
    if code in ("zh-cn", "zh-tw"):
        return code
    if code in ("zh-hans", "zh-hans-cn", "zh-sg"):
        return "zh-cn"
    if code in ("zh-hant", "zh-hant-tw", "zh-hk"):
        return "zh-tw"
    primary = code.split("-", 1)[0]
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else "und"


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("", value))


class _Chunks:
    """Gathers written text and gives it back as UTF-8 chunks of about ``CHUNK`` bytes."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0

    def write(self, text: str) -> list[bytes]:
        """Add ``text``; returns a chunk to send once enough has gathered, else nothing."""
        self.parts.append(text)
        self.size += len(text)
        return self.flush() if self.size >= CHUNK else []

    def flush(self) -> list[bytes]:
        """Everything gathered and not yet sent, as one chunk (or nothing)."""
        chunk = "".join(self.parts).encode("utf-8")
        self.parts = []
        self.size = 0
        return [chunk] if chunk else []
