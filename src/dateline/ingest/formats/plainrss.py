"""Plain RSS 2.0 read with lxml, giving exactly what ``feed.read_feed`` gets from feedparser.

Most news feeds are plain RSS 2.0: one channel of items, each a title, a link, a guid, a
date, authors, categories, a description and a ``content:encoded`` body, in UTF-8.
feedparser reads such a feed with a SAX handler written in Python, about 0.8 ms an item,
which is most of what reading a feed costs. This module reads the same documents with
lxml (its C parser) and applies feedparser's own rules for each element, so the
``FeedDocument`` is the one ``feed.read_feed`` builds from feedparser's answer, in a
fraction of the time.

It reads only what it is sure of and says ``None`` for every other document, which then
goes to feedparser as before. A document is read here only when all of these hold:

- it is served as ``application/rss+xml``, ``application/xml`` or ``text/xml`` (or with no
  type), with no charset or ``utf-8``; it starts with no byte order mark, declares no
  encoding but UTF-8, and holds no ``<!DOCTYPE`` or ``<!ENTITY``;
- no base attribute (``xml:base`` or ``base``) anywhere;
- lxml parses it as well-formed XML (nothing recovered);
- the root is ``<rss version="2.0">`` holding one ``<channel>``; the channel holds only the
  elements of ``_CHANNEL`` (and an ``<image>`` of ``_IMAGE`` elements) and items; an item
  holds only the elements of ``_ITEM``;
- every element read carries only its listed attributes, no child element, comment or
  processing instruction, and a singular element appears once per item or channel;
- no author statement holds something feedparser would take for an e-mail address.

What feedparser does to each value is done here the same way:

- surrounding white space stripped; text that is UTF-8 read as Latin-1 repaired, and the
  Windows-1252 control range mapped, as feedparser does for UTF-8 documents;
- a title that looks like HTML (feedparser's own test) marked as HTML;
- links and permalink guids through feedparser's URL fixer, resolved against the feed's
  URL when feedparser would have been told it (``told``: ``feed.needs_base``, for an
  enclosure or a ``base=`` in the text), else joined with it afterwards as
  ``feed.read_feed`` joins them; a link's ``&amp;`` and ``&name;`` undone as feedparser
  undoes them;
- a guid taken as the entry's link when it is a permalink and comes before any
  ``<link>``; a ``content:encoded`` body copied to the summary when there is no
  description;
- dates by feedparser's date parser; categories deduplicated as its tags are;
- the lead picture from the first image enclosure, else the first ``media:content``
  picture, else the first ``media:thumbnail``.

feedparser's small helpers are used directly (its date parser, URL fixer, HTML test and
Windows-1252 table), so the two paths cannot drift apart on them; if a later feedparser
moves them, this module reads nothing and every document goes to feedparser.
``tests/ingest/test_plain_rss.py`` holds the two paths to the same answer on every
document of the feedparser corpus this module accepts, on the benchmark's feeds and on
3,000 random documents of awkward values.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

from lxml import etree

from dateline.ingest.blocks import single_line
from dateline.ingest.formats.entry import FeedDocument, FeedEntry, html_text

try:  # feedparser's own helpers: see the module docstring
    from feedparser.datetimes import _parse_date  # type: ignore[import-untyped]
    from feedparser.html import _cp1252  # type: ignore[import-untyped]
    from feedparser.mixin import _FeedParserMixin  # type: ignore[import-untyped]
    from feedparser.urls import (  # type: ignore[import-untyped]
        _urljoin,
        make_safe_absolute_uri,
    )
except ImportError:  # pragma: no cover - a feedparser without them: feedparser reads all
    _ENABLED = False
else:
    _ENABLED = True
    _looks_like_html = _FeedParserMixin.looks_like_html

_TYPES = frozenset({"", "application/rss+xml", "application/xml", "text/xml"})
_DECLARED = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_FORBIDDEN = (b"<!doctype", b"<!entity")
_C1 = re.compile("[\x80-\x9f]")  # the range feedparser maps as Windows-1252
_BYTE_ORDER_MARKS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_ENTITY_LEFT = re.compile("&([A-Za-z0-9_]+);")
# feedparser's test for an e-mail address inside an author statement (mixin.py)
_EMAIL = re.compile(
    r"(([a-zA-Z0-9\_\-\.\+]+)@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|(([a-zA-Z0-9\-]+\.)+))"
    r"([a-zA-Z]{2,4}|[0-9]{1,3})(\]?))(\?subject=\S+)?"
)
_DC = "{http://purl.org/dc/elements/1.1/}"
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
_ATOM = "{http://www.w3.org/2005/Atom}"
_MEDIA_RSS = ("http://search.yahoo.com/mrss/", "http://search.yahoo.com/mrss")
_NO_ATTRIBUTES: frozenset[str] = frozenset()

# the elements read (or passed over) and the attributes each may carry
_CHANNEL = {
    "title": _NO_ATTRIBUTES,
    "link": _NO_ATTRIBUTES,
    "description": _NO_ATTRIBUTES,
    "language": _NO_ATTRIBUTES,
    "copyright": _NO_ATTRIBUTES,
    "pubDate": _NO_ATTRIBUTES,
    "lastBuildDate": _NO_ATTRIBUTES,
    "generator": _NO_ATTRIBUTES,
    "docs": _NO_ATTRIBUTES,
    "ttl": _NO_ATTRIBUTES,
    "category": frozenset({"domain"}),
    f"{_ATOM}link": frozenset({"href", "rel", "type"}),
}
_IMAGE = {name: _NO_ATTRIBUTES for name in ("url", "title", "link", "width", "height")}
_ITEM = {
    "title": _NO_ATTRIBUTES,
    "link": _NO_ATTRIBUTES,
    "description": _NO_ATTRIBUTES,
    "guid": frozenset({"isPermaLink"}),
    "pubDate": _NO_ATTRIBUTES,
    "comments": _NO_ATTRIBUTES,
    f"{_DC}creator": _NO_ATTRIBUTES,
    "category": frozenset({"domain"}),
    f"{_CONTENT}encoded": _NO_ATTRIBUTES,
}
_MEDIA_CONTENT = frozenset(f"{{{ns}}}content" for ns in _MEDIA_RSS)
_MEDIA_THUMBNAIL = frozenset(f"{{{ns}}}thumbnail" for ns in _MEDIA_RSS)
_MEDIA = frozenset({"enclosure"}) | _MEDIA_CONTENT | _MEDIA_THUMBNAIL
_ITEM.update({"enclosure": frozenset({"url", "length", "type"})})
_ITEM.update(dict.fromkeys(_MEDIA_CONTENT, frozenset({"url", "type", "medium", "width", "height"})))
_ITEM.update(dict.fromkeys(_MEDIA_THUMBNAIL, frozenset({"url", "width", "height"})))
_REPEATABLE = frozenset({"category", f"{_DC}creator", f"{_ATOM}link"}) | _MEDIA


class _NotPlain(Exception):
    """The document holds something this module leaves to feedparser."""


def read_plain_rss(
    data: bytes, *, url: str, content_type: str = "", told: bool = False
) -> FeedDocument | None:
    """The ``FeedDocument`` of a plain RSS 2.0 document, or ``None``: not one (see above).

    ``told``: feedparser would be told the feed's URL for this document (``needs_base``),
    so links are resolved as it resolves them then. ``None`` is no judgement of the
    document: feedparser reads it, as any other.
    """
    if not _ENABLED or not _plain_bytes(data, content_type):
        return None
    try:
        # a parser a call: lxml's parsers are not to be shared between threads
        parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=False)
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    try:
        return _document(root, url, told)
    except _NotPlain:
        return None


def _plain_bytes(data: bytes, content_type: str) -> bool:
    media, _, parameters = content_type.partition(";")
    if media.strip().lower() not in _TYPES:
        return False
    charset = ""
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'").lower()
        elif name.strip():
            return False
    if charset not in ("", "utf-8"):
        return False
    if data.startswith(_BYTE_ORDER_MARKS):
        return False
    declared = _DECLARED.match(data)
    if declared and declared.group(1).lower() != b"utf-8":
        return False
    lowered = data.lower()
    return not any(marker in lowered for marker in _FORBIDDEN)


def _document(root: Any, url: str, told: bool) -> FeedDocument:
    if root.tag != "rss" or dict(root.attrib) != {"version": "2.0"}:
        raise _NotPlain
    _no_text(root)
    channels = _elements(root)
    if len(channels) != 1 or channels[0].tag != "channel" or channels[0].attrib:
        raise _NotPlain
    channel = channels[0]
    _no_text(channel)
    # what feedparser resolves URLs against: nothing, or the feed's URL when told it
    base = (make_safe_absolute_uri(url, url) or url) if told else ""
    title = link = language = ""
    title_html = False
    items = []
    seen: set[str] = set()
    for element in _elements(channel):
        tag = element.tag
        if tag == "item":
            items.append(element)
            continue
        if tag == "image":
            _image(element)
            continue
        _check(element, _CHANNEL, seen)
        if tag == "title":
            raw = _stripped(element)
            title, title_html = _repaired(raw), _looks_like_html(raw)
        elif tag == "link":
            link = _ENTITY_LEFT.sub(r"&\g<1>", _resolved(base, _value(element)))
        elif tag == "language":
            language = _value(element)
    title = _title(title, title_html)
    language = single_line(language)
    entries = tuple(_entry(item, url, base, language, title) for item in items)
    return FeedDocument(
        format="rss20",
        title=title,
        link=link if base else feed_joined(url, link),
        language=language,
        entries=entries,
    )


def _entry(item: Any, url: str, base: str, language: str, publisher: str) -> FeedEntry:
    """One item; ``base``: what feedparser resolved its links against (``""``: nothing,
    and they are joined with ``url`` afterwards, as ``feed.read_feed`` joins them)."""
    if item.attrib:
        raise _NotPlain
    _no_text(item)
    seen: set[str] = set()
    link: str | None = None  # feedparser's entry['link']
    hrefs: list[str] = []  # the hrefs of its entry['links'], from <link> elements
    ident = ""
    guid_is_link = False
    title = ""
    title_html = False
    summary: str | None = None
    content: str | None = None
    published = None
    authors: list[str] = []
    tags: list[tuple[str | None, str | None]] = []  # (term, scheme), as feedparser's tags
    pictures: list[tuple[int, str]] = []  # (rank, URL): enclosure 0, media content 1, thumbnail 2
    for element in _elements(item):
        _check(element, _ITEM, seen)
        tag = element.tag
        if tag == "title":
            raw = _stripped(element)
            title, title_html = _repaired(raw), _looks_like_html(raw)
        elif tag == "link":
            value = _resolved(base, _value(element))
            value = _ENTITY_LEFT.sub(r"&\g<1>", value.replace("&amp;", "&"))
            link = value
            if value:
                hrefs.append(value)
        elif tag == "guid":
            permalink = element.get("isPermaLink", "true") == "true"
            ident = _value(element)
            if permalink:
                ident = _resolved(base, ident)
            guid_is_link = permalink and link is None
            if guid_is_link:
                link = ident
        elif tag == "description":
            summary = _value(element)
        elif tag == f"{_CONTENT}encoded":
            content = _value(element)
            if summary is None:
                summary = content
        elif tag == "pubDate":
            published = utc_datetime(_parse_date(_value(element)))
        elif tag == f"{_DC}creator":
            name = _value(element)
            if _EMAIL.search(name):
                raise _NotPlain
            authors.append(name)
        elif tag in _MEDIA:
            picture = _picture(element)
            if picture is not None:
                pictures.append(picture)
        elif tag == "category":
            _add_tag(tags, None, element.get("domain"))
            value = _value(element)
            if value:
                if tags and not tags[-1][0]:
                    tags[-1] = (value, tags[-1][1])
                else:
                    _add_tag(tags, value, None)
    entry_link = (hrefs[0] if hrefs else link or "").strip()
    if not base:
        entry_link = feed_joined(url, entry_link)
        if guid_is_link:
            ident = feed_joined(url, ident)
    # a description is HTML to feedparser; a content copied in is kept as it is
    summary_html = summary if summary is not None and summary.strip() else ""
    return FeedEntry(
        id=single_line(ident),
        link=entry_link,
        title=_title(title, title_html),
        summary_html=summary_html,
        content_html=content if content is not None and content.strip() else "",
        published=published,
        updated=None,
        authors=tuple(
            name for name in (single_line(a) for a in authors) if name and "@" not in name
        ),
        categories=tuple(label for label in (single_line(t or "") for t, _ in tags) if label),
        language=language,
        base_url=entry_link or url,
        image_url=min(pictures, key=lambda p: p[0])[1] if pictures else "",
        publisher=publisher,
    )


def _resolved(base: str, value: str) -> str:
    """feedparser's ``resolve_uri`` of a link or a permalink (an empty one stays empty)."""
    return str(_urljoin(base, value)) if value else value


def _picture(element: Any) -> tuple[int, str] | None:
    """A picture feedparser's mapping (``feed._image``) would take, with its rank there."""
    if (element.text or "").strip():
        raise _NotPlain  # a thumbnail's URL given as text: feedparser's rules differ
    kind = element.get("type", "").lower()
    address = element.get("url", "")
    if element.tag == "enclosure":
        return (0, address) if kind.startswith("image/") and address else None
    if element.tag in _MEDIA_CONTENT:
        medium = element.get("medium", "").lower()
        wanted = kind.startswith("image/") or (not kind and medium == "image")
        return (1, address) if wanted and address else None
    return (2, address) if address else None


def _add_tag(
    tags: list[tuple[str | None, str | None]], term: str | None, scheme: str | None
) -> None:
    """feedparser's ``_add_tag``: nothing for an empty tag, no tag twice."""
    if not term and not scheme:
        return
    if (term, scheme) not in tags:
        tags.append((term, scheme))


def _image(image: Any) -> None:
    if image.attrib:
        raise _NotPlain
    _no_text(image)
    seen: set[str] = set()
    for element in _elements(image):
        _check(element, _IMAGE, seen)


def _elements(parent: Any) -> list[Any]:
    """The child elements; a processing instruction or an entity anywhere is not plain."""
    children = []
    for child in parent:
        if isinstance(child.tag, str):
            children.append(child)
        elif child.tag is not etree.Comment:
            raise _NotPlain
    return children


def _check(element: Any, allowed: dict[str, frozenset[str]], seen: set[str]) -> None:
    """The element is one of ``allowed``, with only its attributes, text alone, and once."""
    tag = element.tag
    attributes = allowed.get(tag)
    if attributes is None or len(element):  # unknown, or with children (comments too)
        raise _NotPlain
    if any(name not in attributes for name in element.attrib):
        raise _NotPlain
    if tag == f"{_ATOM}link" and element.get("rel") != "self":
        raise _NotPlain
    if tag in seen and tag not in _REPEATABLE:
        raise _NotPlain
    seen.add(tag)


def _no_text(element: Any) -> None:
    """A container holds nothing but white space between its elements."""
    if (element.text or "").strip() or any((child.tail or "").strip() for child in element):
        raise _NotPlain


def _value(element: Any) -> str:
    """An element's text as feedparser gives it for a UTF-8 document."""
    return _repaired(_stripped(element))


def _stripped(element: Any) -> str:
    return str(element.text or "").strip()


def _repaired(value: str) -> str:
    """feedparser's last steps for a UTF-8 document: UTF-8 read as Latin-1 read again,
    the Windows-1252 control range mapped (the same steps, skipped where they change
    nothing: for ASCII text, or text with no character of that range)."""
    if value.isascii():
        return value
    try:
        value = value.encode("iso-8859-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    return str(value.translate(_cp1252)) if _C1.search(value) else value


def _title(value: str, html: bool) -> str:
    return single_line(html_text(value)) if html else single_line(value)


def utc_datetime(parsed: Any) -> datetime | None:
    """feedparser's UTC ``struct_time`` as an aware datetime; ``None`` if absent or odd."""
    if not isinstance(parsed, tuple) or len(parsed) < 6:  # a struct_time is a tuple
        return None
    year, month, day, hour, minute, second = parsed[:6]
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def feed_joined(base: str, url: str) -> str:
    """``url`` joined with ``base`` as feedparser joins a URL with the feed's (``""``
    when ``urljoin`` refuses it); ``""`` stays ``""``."""
    if not url:
        return ""
    try:
        return urljoin(base, url)
    except ValueError:
        return ""
