"""The one entry point for syndicated bytes: detect the format, read it, make feed items.

``parse_feed`` sniffs the content (the first non-whitespace bytes, then the JSON keys or
the XML root element), with the HTTP content type only as a hint:

- JSON whose ``version`` names jsonfeed.org is a JSON Feed (``jsonfeed``);
- JSON with a ``uri`` (or a list, or an ``items`` list, of objects with one) is IPTC
  ninjs, read item by item with ``parse_ninjs`` so that one bad item fails only itself;
- XML whose root is a NewsML-G2 ``newsItem``/``newsMessage`` (or a NewsML 1.x ``NewsML``)
  goes to ``newsml``;
- an HTML page (an ``html`` root or doctype, or an HTML content type with no feed root) is
  refused: ``InvalidItem`` "is an HTML page, not a feed";
- anything else goes to feedparser (``feed``): RSS, Atom, RDF, CDF...

The bytes that are no feed at all (empty, an HTML page, JSON of neither kind, XML with no
feed in it) raise ``InvalidItem(url, message)``. Entries are independent: an entry that is
not an article, or is malformed, is listed in ``skipped`` as ``entry N: message`` (``N``
counted from 0, in document order), and no other exception escapes for any input.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass, replace
from typing import Any

from dateline.ingest.blocks import single_line
from dateline.ingest.formats.entry import (
    FeedDocument,
    FeedItem,
    feed_item,
    normalise_language,
)
from dateline.ingest.formats.feed import read_feed
from dateline.ingest.formats.jsonfeed import is_json_feed, read_json_feed
from dateline.ingest.formats.newsml import G2_ROOTS, NAR, read_newsml
from dateline.ingest.formats.ninjs import parse_ninjs
from dateline.model import InvalidItem, Section
from dateline.model.pickling import by_fields

__all__ = ["FeedItem", "ParsedFeed", "parse_feed"]

_SNIFF = 4096
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_PROLOG = re.compile(
    r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^>\[]|\[.*?\])*>)", re.DOTALL | re.IGNORECASE
)
_ROOT = re.compile(r"<([A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)")
_HTML_DOCTYPE = re.compile(r"\s*<!DOCTYPE\s+html", re.IGNORECASE)
_HTML_ROOTS = frozenset({"html", "head", "body"})
_FEED_ROOTS = frozenset({"rss", "feed", "rdf", "channel", "newsml"}) | {
    name.lower() for name in G2_ROOTS
}


@by_fields  # pickled back from the feed reader processes: see model.pickling
@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A feed's items, with the entries not taken and the document's warnings.

    ``language`` is the feed's own (normalised like an article's; ``""`` when not stated).

    ``format`` is feedparser's ``version`` (``rss20``, ``atom10``, ``rss10``, ``cdf``...)
    or ``jsonfeed10``/``jsonfeed11``, ``ninjs``, ``newsml-g2``, ``newsml-1``.
    """

    format: str
    title: str
    link: str
    language: str
    items: tuple[FeedItem, ...]
    skipped: tuple[str, ...]
    warnings: tuple[str, ...]


def parse_feed(
    data: bytes, *, url: str, content_type: str = "", section: str = "news"
) -> ParsedFeed:
    """The feed items in a document's bytes; ``url`` is where it came from.

    Items are drafts in ``section``. Raises ``InvalidItem`` when the bytes are no feed.
    """
    try:
        return _parse(data, url, content_type, section)
    except InvalidItem:
        raise
    except Exception as exc:  # a library failing on input it should have reported
        message = single_line(f"could not be read ({type(exc).__name__}: {exc})")[:300]
        raise InvalidItem(url, message) from exc


def _parse(data: bytes, url: str, content_type: str, section: str) -> ParsedFeed:
    head = _head(data)
    if not head.strip():
        raise InvalidItem(url, "is empty, not a feed")
    if head.lstrip()[:1] in ("{", "["):
        return _parse_json(data, url, section)
    root = _root_name(head)
    local = root.rpartition(":")[2]
    if local.lower() in _HTML_ROOTS or _HTML_DOCTYPE.match(head):
        raise InvalidItem(url, "is an HTML page, not a feed")
    if "html" in content_type.lower() and "xml" not in content_type.lower():
        if local.lower() not in _FEED_ROOTS:
            raise InvalidItem(url, "is an HTML page, not a feed")
    if (local in G2_ROOTS and NAR in head) or local == "NewsML":
        return _from_document(read_newsml(data, url=url), url, section)
    return _from_document(read_feed(data, url=url, content_type=content_type), url, section)


def _head(data: bytes) -> str:
    """The first bytes as text, enough to sniff: a BOM or UTF-16 zero bytes are honoured."""
    start = data[:_SNIFF]
    for bom, codec in _BOMS:
        if start.startswith(bom):
            return start[len(bom) :].decode(codec, errors="replace")
    if start[:2] == b"\x00<":
        return start.decode("utf-16-be", errors="replace")
    if start[:2] == b"<\x00":
        return start.decode("utf-16-le", errors="replace")
    return start.decode("latin-1")


def _root_name(head: str) -> str:
    """The name of the first element after the prolog (declaration, comments, doctype)."""
    position = 0
    while (found := _PROLOG.match(head, position)) and found.end() > position:
        position = found.end()
    root = _ROOT.match(head[position:].lstrip())
    return root.group(1) if root else ""


def _from_document(document: FeedDocument, url: str, section: str) -> ParsedFeed:
    items: list[FeedItem] = []
    skipped: list[str] = []
    for position, entry in enumerate(document.entries):
        if isinstance(entry, str):
            skipped.append(f"entry {position}: {entry}")
            continue
        try:
            items.append(feed_item(entry, feed_url=url, section=section))
        except InvalidItem as exc:
            skipped.append(f"entry {position}: {_reason(exc)}")
        except Exception as exc:  # one entry's failure never fails the feed
            skipped.append(f"entry {position}: could not be read ({type(exc).__name__}: {exc})")
    return ParsedFeed(
        format=document.format,
        title=document.title,
        link=document.link,
        language=normalise_language(document.language),
        items=tuple(items),
        skipped=tuple(skipped),
        warnings=document.warnings,
    )


def _parse_json(data: bytes, url: str, section: str) -> ParsedFeed:
    try:
        document = json.loads(data)
    except UnicodeDecodeError as exc:
        raise InvalidItem(url, f"is not UTF-8 text (byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise InvalidItem(
            url, f"is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from exc
    except RecursionError as exc:
        raise InvalidItem(url, "is not usable JSON: nested too deeply") from exc
    if is_json_feed(document):
        return _from_document(read_json_feed(document, url=url), url, section)
    items = _ninjs_items(document)
    if items is None:
        raise InvalidItem(url, "is JSON, but neither a JSON Feed nor IPTC ninjs")
    return _from_ninjs(items, url, section)


def _ninjs_items(document: Any) -> list[Any] | None:
    """The items of a ninjs document (one item, a list, or ``items``), ``None`` if not ninjs."""
    if isinstance(document, dict) and not _has_uri(document):
        document = document.get("items")
    items = document if isinstance(document, list) else [document]
    if not items or not any(isinstance(item, dict) and _has_uri(item) for item in items):
        return None
    return items


def _has_uri(item: dict[str, Any]) -> bool:
    return any(key.lower() == "uri" for key in item)


def _from_ninjs(items: list[Any], url: str, section: str) -> ParsedFeed:
    taken: list[FeedItem] = []
    skipped: list[str] = []
    for position, item in enumerate(items):
        try:
            result = parse_ninjs(json.dumps(item).encode(), url)
        except InvalidItem as exc:
            skipped.append(f"entry {position}: {_reason(exc)}")
            continue
        except Exception as exc:  # one item's failure never fails the file
            skipped.append(f"entry {position}: could not be read ({type(exc).__name__}: {exc})")
            continue
        skipped.extend(f"entry {position}: {message}" for message in result.skipped)
        for article in result.articles:
            article = replace(article, section=Section(slug=section, name=""))
            labels = tuple(topic.name for topic in article.topics)
            taken.append(FeedItem(article=article, categories=labels, summary_only=False))
    return ParsedFeed(
        format="ninjs",
        title="",
        link="",
        language="",
        items=tuple(taken),
        skipped=tuple(skipped),
        warnings=(),
    )


def _reason(exc: InvalidItem) -> str:
    return f"{exc.message} (field '{exc.field}')" if exc.field else exc.message
