"""RSS 0.9x/1.0/2.0, Atom 0.3/1.0, CDF and the rest of what feedparser reads, into entries.

A plain RSS 2.0 document (the common case, defined in ``plainrss``) is read by
``plainrss`` with lxml, which gives the same ``FeedDocument`` as the mapping below gives
from feedparser, about four times faster; every other document goes to feedparser.

feedparser is given the bytes in a stream (never a URL, and never bare bytes: it would
try bare bytes as a local file name first), so it never fetches anything. Its own
sanitizer and relative-URI resolver are turned off (``sanitize_html=False``,
``resolve_relative_uris=False``): the HTML stays raw and our sanitizer
(``ingest.sanitize``, run by ``html_to_blocks``) is the single one. feedparser still makes
the links of an entry absolute against ``xml:base`` and the feed's URL.

It is told the feed's URL (as ``Content-Location``) only when the document holds a base
attribute (``xml:base``, or ``base``, which it honours too) or an enclosure: given a URL,
it joins every element's base with it (an ``urljoin`` for each element, about a tenth of
reading a feed), and only those two make what it resolves differ from a join with the
feed's URL (a relative base inside another; an Atom enclosure link, which it makes
absolute where it leaves an RSS enclosure as written). Otherwise the few URLs it would
have resolved are joined with the feed's URL here as it would join them (``feed_joined``):
the feed's link, an entry's links, and an RSS ``guid`` or Atom ``id`` it takes for a
permalink.

The mapping, per entry:

- ``id`` (Atom ``id``, RSS ``guid``, RDF ``rdf:about``) and the ``rel="alternate"`` link;
- the title as plain text (an HTML title is sanitized and its text kept);
- the summary (RSS ``description``, Atom ``summary``) and the content (Atom ``content``,
  ``content:encoded``, ``xhtml:body``): an HTML or XHTML content is preferred over a
  plain-text one, and plain text is escaped into paragraphs, never read as HTML;
- ``published``/``updated`` from feedparser's UTC ``*_parsed`` times;
- the authors' names (an author given only as an e-mail address is no name), the tags'
  labels (else terms) as categories, the language of the content, title or summary
  (``xml:lang``) else the feed's ``language``;
- the first picture among the ``image/*`` enclosures, ``media:content`` (``image/*`` or
  ``medium="image"``) and ``media:thumbnail`` as the lead image;
- the base URL is an explicit ``xml:base`` of the content (or summary), else the entry's
  link, else the feed's URL; the publisher is the entry's ``source`` title, else the feed's.

A document in which feedparser finds no entries, no feed version and nothing at feed level
(no title, link, description...) is not a feed: ``InvalidItem``. A bozo (not well-formed)
document that still gave something is read, with the parser's complaint as a warning.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import feedparser  # type: ignore[import-untyped]

from dateline.ingest.blocks import single_line
from dateline.ingest.formats.entry import FeedDocument, FeedEntry, html_text, text_html
from dateline.ingest.formats.plainrss import feed_joined, read_plain_rss, utc_datetime
from dateline.model import InvalidItem

_HTML_TYPES = ("html", "xhtml")
_HTML_PAGE = re.compile(rb"<!doctype\s+html|<html[\s>]", re.IGNORECASE)
_MAX_WARNING = 300
# what makes feedparser need the feed's URL (see the module docstring): a base attribute
# (``base``, spaces, ``=``) or an enclosure, in any case
_BASE_ATTRIBUTE = re.compile(rb"base\s*=")


def needs_base(data: bytes) -> bool:
    """Whether ``data`` holds ``base\\s*=`` or ``enclosure``, ASCII case ignored.

    The same answer as one case-ignoring regular expression over the document, found
    by ``bytes.find`` over its lower-cased copy: a dozen times cheaper (an alternation
    that ignores case is tried at every byte, about 6 ms for a 220 kB feed here).
    """
    lowered = data.lower()  # ASCII letters only, as ``re.IGNORECASE`` does for bytes
    if b"enclosure" in lowered:
        return True
    start = lowered.find(b"base")
    while start >= 0:
        if _BASE_ATTRIBUTE.match(lowered, start):
            return True
        start = lowered.find(b"base", start + 4)
    return False


def read_feed(data: bytes, *, url: str, content_type: str = "", plain: bool = True) -> FeedDocument:
    """The entries of an RSS, Atom or other feedparser-readable document.

    A plain RSS 2.0 document is read by ``plainrss`` (the same answer, faster), unless
    ``plain`` is false; every other goes to feedparser. Raises ``InvalidItem`` when
    feedparser finds no feed in the bytes.
    """
    told = needs_base(data)  # see the module docstring
    if plain:
        document = read_plain_rss(data, url=url, content_type=content_type, told=told)
        if document is not None:
            return document
    # without a type feedparser complains of one missing; the sniffing already saw markup
    headers = {"content-type": content_type or "application/xml"}
    if told:
        headers["content-location"] = url
    parsed = feedparser.parse(
        io.BytesIO(data),
        response_headers=headers,
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    feed: Mapping[str, Any] = _get(parsed, "feed") or {}
    raw_entries = _get(parsed, "entries") or []
    version = str(_get(parsed, "version") or "")
    title = _title(feed)
    if not raw_entries and not version and not feed:
        if _HTML_PAGE.search(data[:4096]):
            raise InvalidItem(url, "is an HTML page, not a feed")
        reason = _complaint(parsed) or "no RSS, Atom or other feed element"
        raise InvalidItem(url, f"is not a feed: {reason}")
    language = single_line(str(_get(feed, "language") or ""))
    publisher = title
    entries: list[FeedEntry | str] = []
    for raw in raw_entries:
        try:
            entry = _entry(raw, url=url, language=language, publisher=publisher, join=not told)
            entries.append(entry)
        except Exception as exc:  # feedparser's output is loosely typed: one entry, one failure
            entries.append(f"could not be read ({type(exc).__name__}: {exc})")
    complaint = _complaint(parsed)
    link = str(_get(feed, "link") or "")
    return FeedDocument(
        format=version or "feed",
        title=title,
        link=feed_joined(url, link) if not told else link,
        language=language,
        entries=tuple(entries),
        warnings=(complaint,) if complaint else (),
    )


def _entry(
    raw: Mapping[str, Any], *, url: str, language: str, publisher: str, join: bool
) -> FeedEntry:
    """``join``: feedparser was not told the feed's URL, so the links are joined with it."""
    link = _alternate_link(raw)
    if join:
        link = feed_joined(url, link)
    ident = str(_get(raw, "id") or "")
    if join and _get(raw, "guidislink"):
        ident = feed_joined(url, ident)
    content, content_detail = _content(raw)
    summary_detail: Mapping[str, Any] = _get(raw, "summary_detail") or {}
    # feedparser lets media:description overwrite summary_detail's value, not the summary
    summary = _as_html(str(_get(raw, "summary") or ""), str(_get(summary_detail, "type") or ""))
    explicit_base = ""
    for detail in (content_detail, summary_detail):
        base = str(_get(detail, "base") or "")
        if base and base != url:
            explicit_base = base
            break
    source: Mapping[str, Any] = _get(raw, "source") or {}
    image_url = _image(raw)
    return FeedEntry(
        id=single_line(ident),
        link=link,
        title=_title(raw),
        summary_html=summary,
        content_html=content,
        published=_when(raw, "published_parsed"),
        updated=_when(raw, "updated_parsed"),
        authors=_authors(raw),
        categories=_categories(raw),
        language=_language(raw, content_detail, summary_detail) or language,
        base_url=explicit_base or link or url,
        image_url=image_url,
        publisher=_title(source) or publisher,
    )


def _get(mapping: Mapping[str, Any] | None, key: str) -> Any:
    """A key of a feedparser dict read directly, without its aliases and their warnings."""
    if not isinstance(mapping, dict):
        return None
    return dict.get(mapping, key)


def _title(mapping: Mapping[str, Any]) -> str:
    detail: Mapping[str, Any] = _get(mapping, "title_detail") or {}
    value = str(_get(mapping, "title") or "")
    if _is_html(str(_get(detail, "type") or "")):
        return single_line(html_text(value))
    return single_line(value)


def _is_html(content_type: str) -> bool:
    return any(kind in content_type.lower() for kind in _HTML_TYPES)


def _as_html(value: str, content_type: str) -> str:
    """A text construct's value as raw HTML: plain text escaped, other types ignored."""
    if not value.strip():
        return ""
    content_type = content_type.lower()
    if _is_html(content_type) or not content_type:
        return value
    if content_type.startswith("text/") or content_type == "text":
        return text_html(value)
    return ""


def _content(raw: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
    """The best content of an entry as HTML, with its detail dict (HTML wins over text)."""
    contents = [c for c in _get(raw, "content") or [] if isinstance(c, dict)]
    ranked = sorted(contents, key=lambda c: not _is_html(str(_get(c, "type") or "")))
    for detail in ranked:
        html = _as_html(str(_get(detail, "value") or ""), str(_get(detail, "type") or ""))
        if html.strip():
            return html, detail
    return "", {}


def _alternate_link(raw: Mapping[str, Any]) -> str:
    links = [link for link in _get(raw, "links") or [] if isinstance(link, dict)]
    for link in links:
        if _get(link, "rel") == "alternate" and _get(link, "href"):
            return str(_get(link, "href")).strip()
    return str(_get(raw, "link") or "").strip()


def _when(raw: Mapping[str, Any], key: str) -> datetime | None:
    """feedparser's UTC ``struct_time`` as an aware datetime; ``None`` if absent or odd."""
    return utc_datetime(_get(raw, key))


def _authors(raw: Mapping[str, Any]) -> tuple[str, ...]:
    names: list[str] = []
    for author in _get(raw, "authors") or []:
        name = single_line(str(_get(author, "name") or ""))
        if name and "@" not in name:
            names.append(name)
    if not names:
        detail = _get(raw, "author_detail")
        name = single_line(str(_get(detail, "name") or _get(raw, "author") or ""))
        if name and "@" not in name:
            names.append(name)
    return tuple(names)


def _categories(raw: Mapping[str, Any]) -> tuple[str, ...]:
    labels: list[str] = []
    for tag in _get(raw, "tags") or []:
        label = single_line(str(_get(tag, "label") or _get(tag, "term") or ""))
        if label:
            labels.append(label)
    return tuple(labels)


def _language(raw: Mapping[str, Any], *details: Mapping[str, Any]) -> str:
    for detail in (*details, _get(raw, "title_detail")):
        language = _get(detail, "language")
        if isinstance(language, str) and language.strip():
            return language.strip()
    return ""


def _image(raw: Mapping[str, Any]) -> str:
    """The first picture of the entry: an image enclosure, else media content or thumbnail."""
    for link in _get(raw, "links") or []:
        kind = str(_get(link, "type") or "").lower()
        if _get(link, "rel") == "enclosure" and kind.startswith("image/") and _get(link, "href"):
            return str(_get(link, "href"))
    for media in _get(raw, "media_content") or []:
        kind = str(_get(media, "type") or "").lower()
        medium = str(_get(media, "medium") or "").lower()
        if (kind.startswith("image/") or (not kind and medium == "image")) and _get(media, "url"):
            return str(_get(media, "url"))
    for thumbnail in _get(raw, "media_thumbnail") or []:
        if _get(thumbnail, "url"):
            return str(_get(thumbnail, "url"))
    return ""


def _complaint(parsed: Mapping[str, Any]) -> str:
    """feedparser's bozo exception as one short line, ``""`` when it had none."""
    if not _get(parsed, "bozo"):
        return ""
    exc = _get(parsed, "bozo_exception")
    if exc is None:
        return "the document is not well-formed"
    text = single_line(f"{type(exc).__name__}: {exc}")
    return text if len(text) <= _MAX_WARNING else text[: _MAX_WARNING - 1] + "…"
