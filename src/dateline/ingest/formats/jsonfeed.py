"""JSON Feed 1.0 and 1.1 (``https://jsonfeed.org/version/1`` and ``/1.1``) into entries.

The mapping, per item of ``items``:

- ``id`` (a number is turned into a string, as the specification asks readers to do);
- ``url`` (else ``external_url``) is the link, resolved against the feed's URL;
- ``title``; ``content_html`` (else ``content_text``, escaped into paragraphs) is the
  content; ``summary`` (plain text) the summary;
- ``image`` (else ``banner_image``) is the lead image;
- ``date_published``/``date_modified`` (RFC 3339; a time without an offset is taken as
  UTC, and an unreadable one is dropped with a warning);
- the names of 1.1 ``authors`` or 1.0 ``author``, else the feed's own; ``tags`` are the
  categories; the item's ``language`` (1.1), else the feed's;
- relative URLs in the HTML resolve against the item's URL, else the feed's
  ``home_page_url``, else the feed's URL; the feed's ``title`` is the publisher.

A field of the wrong type (a title that is a number, tags that are not a list of strings)
makes that item an ``InvalidItem`` naming its index and the field; the other items are
still read. Feed-level fields of the wrong type are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from dateline.ingest.blocks import single_line
from dateline.ingest.formats.entry import FeedDocument, FeedEntry, http_url, text_html
from dateline.ingest.formats.kinds import json_kind
from dateline.model import InvalidItem

VERSIONS = {
    "https://jsonfeed.org/version/1": "jsonfeed10",
    "https://jsonfeed.org/version/1.1": "jsonfeed11",
}


def is_json_feed(document: object) -> bool:
    """Whether a JSON document declares itself a JSON Feed by its ``version``."""
    if not isinstance(document, dict):
        return False
    version = document.get("version")
    return isinstance(version, str) and "jsonfeed.org/version/" in version


def read_json_feed(document: dict[str, Any], *, url: str) -> FeedDocument:
    """The entries of a parsed JSON Feed document.

    Raises ``InvalidItem`` when ``items`` is missing or not a list.
    """
    items = document.get("items")
    if not isinstance(items, list):
        raise InvalidItem(url, "a JSON Feed needs an 'items' list", "items")
    version = str(document.get("version", "")).replace("http://", "https://").rstrip("/")
    home = http_url(_loose(document, "home_page_url"), url)
    feed = _Feed(
        url=url,
        base_url=home or url,
        title=single_line(_loose(document, "title")),
        language=_loose(document, "language"),
        authors=_feed_authors(document),
    )
    warnings: list[str] = []
    entries: list[FeedEntry | str] = []
    for index, raw in enumerate(items):
        try:
            if not isinstance(raw, dict):
                raise InvalidItem(f"{url} item {index}", f"must be an object, not {json_kind(raw)}")
            entries.append(_entry(_Item(raw, f"{url} item {index}"), feed, warnings))
        except InvalidItem as exc:
            where = f"field '{exc.field}' " if exc.field else ""
            entries.append(f"{where}{exc.message}")
    return FeedDocument(
        format=VERSIONS.get(version, "jsonfeed"),
        title=feed.title,
        link=home,
        language=feed.language,
        entries=tuple(entries),
        warnings=tuple(warnings),
    )


@dataclass(frozen=True, slots=True)
class _Feed:
    """The feed-level facts an item falls back on."""

    url: str
    base_url: str
    title: str
    language: str
    authors: tuple[str, ...]


class _Item:
    """One item: type-checked access to its fields, errors naming the item and the field."""

    def __init__(self, raw: dict[str, Any], source: str) -> None:
        self.raw = raw
        self.source = source

    def error(self, field: str, message: str) -> InvalidItem:
        return InvalidItem(self.source, message, field)

    def text(self, field: str) -> str:
        value = self.raw.get(field)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise self.error(field, f"must be a string, not {json_kind(value)}")
        return value

    def when(self, field: str, warnings: list[str]) -> datetime | None:
        value = self.text(field).strip()
        if not value:
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            warnings.append(f"{self.source}: {field} {value[:40]!r} is not an RFC 3339 time")
            return None
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)


def _entry(item: _Item, feed: _Feed, warnings: list[str]) -> FeedEntry:
    ident = item.raw.get("id")
    if isinstance(ident, int | float) and not isinstance(ident, bool):
        ident = str(ident)
    elif ident is not None and not isinstance(ident, str):
        raise item.error("id", f"must be a string, not {json_kind(ident)}")
    link = http_url(item.text("url"), feed.url) or http_url(item.text("external_url"), feed.url)
    content = item.text("content_html")
    if not content.strip():
        content = text_html(item.text("content_text"))
    summary = item.text("summary")
    return FeedEntry(
        id=single_line(ident or ""),
        link=link,
        title=single_line(item.text("title")),
        summary_html=text_html(summary) if summary.strip() else "",
        content_html=content,
        published=item.when("date_published", warnings),
        updated=item.when("date_modified", warnings),
        authors=_item_authors(item) or feed.authors,
        categories=_tags(item),
        language=item.text("language") or feed.language,
        base_url=http_url(item.text("url"), feed.url) or feed.base_url,
        image_url=item.text("image") or item.text("banner_image"),
        publisher=feed.title,
    )


def _item_authors(item: _Item) -> tuple[str, ...]:
    """Names of 1.1 ``authors``, else of the 1.0 ``author``."""
    field = "authors" if item.raw.get("authors") is not None else "author"
    value = item.raw.get(field)
    if value is None:
        return ()
    entries = value if field == "authors" else [value]
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        wanted = "a list of objects" if field == "authors" else "an object"
        raise item.error(field, f"must be {wanted}, not {json_kind(value)}")
    names: list[str] = []
    for entry in entries:
        name = entry.get("name")
        if name is not None and not isinstance(name, str):
            raise item.error(field, f"'name' must be a string, not {json_kind(name)}")
        if name and name.strip():
            names.append(single_line(name))
    return tuple(names)


def _tags(item: _Item) -> tuple[str, ...]:
    value = item.raw.get("tags")
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
        raise item.error("tags", f"must be a list of strings, not {json_kind(value)}")
    return tuple(tag for tag in value if tag.strip())


def _feed_authors(document: dict[str, Any]) -> tuple[str, ...]:
    value = document.get("authors", document.get("author"))
    entries = value if isinstance(value, list) else [value]
    names = [e.get("name") for e in entries if isinstance(e, dict)]
    return tuple(single_line(n) for n in names if isinstance(n, str) and n.strip())


def _loose(document: dict[str, Any], key: str) -> str:
    """A feed-level string field; any other type counts as absent."""
    value = document.get(key)
    return value if isinstance(value, str) else ""
