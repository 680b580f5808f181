"""RSS 2.0 (https://www.rssboard.org/rss-specification), built as an lxml tree.

Each item has a ``guid`` that is not a permalink (the stable ``tag:`` id), an RFC 822
``pubDate``, the summary as ``description`` and, in full-content mode, the body HTML as
``content:encoded``; bylines are ``dc:creator``; the section and topics are ``category``
elements; the lead image is an ``enclosure``. The channel names itself with
``atom:link rel="self"``, as the RSS Advisory Board recommends.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import format_datetime

from lxml import etree

from dateline.feeds.channel import GENERATOR, Channel
from dateline.feeds.entry import Entry

ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
NSMAP = {"atom": ATOM, "content": CONTENT, "dc": DC}
MEDIA_TYPE = "application/rss+xml; charset=utf-8"


def _text(parent: etree._Element, tag: str, text: str) -> etree._Element:
    element = etree.SubElement(parent, tag)
    element.text = text
    return element


def rfc822(when: datetime) -> str:
    """``when`` as an RFC 822 date in GMT: ``Thu, 26 Nov 2026 04:05:06 GMT``."""
    return format_datetime(when.astimezone(UTC).replace(microsecond=0), usegmt=True)


def _item(channel_element: etree._Element, entry: Entry) -> None:
    item = etree.SubElement(channel_element, "item")
    _text(item, "title", entry.title)
    _text(item, "link", entry.url)
    _text(item, "description", entry.summary or entry.title)
    if entry.content_html:
        _text(item, f"{{{CONTENT}}}encoded", entry.content_html)
    for person in entry.authors:
        _text(item, f"{{{DC}}}creator", person.name)
    for category in entry.categories:
        _text(item, "category", category.label).set("domain", category.scheme)
    guid = _text(item, "guid", entry.id)
    guid.set("isPermaLink", "false")
    _text(item, "pubDate", rfc822(entry.published))
    if entry.image is not None and entry.image.media_type:
        enclosure = etree.SubElement(item, "enclosure")
        enclosure.set("url", entry.image.url)
        enclosure.set("length", "0")  # unknown size: the RSS Board's advice is 0
        enclosure.set("type", entry.image.media_type)


def render(channel: Channel, entries: Sequence[Entry]) -> bytes:
    """The RSS 2.0 document of ``entries`` (newest first), UTF-8 encoded."""
    rss = etree.Element("rss", nsmap=NSMAP)
    rss.set("version", "2.0")
    element = etree.SubElement(rss, "channel")
    _text(element, "title", channel.title)
    _text(element, "link", channel.home_url)
    _text(element, "description", channel.description)
    self_link = etree.SubElement(element, f"{{{ATOM}}}link")
    self_link.set("href", channel.urls.rss)
    self_link.set("rel", "self")
    self_link.set("type", MEDIA_TYPE.split(";")[0])
    _text(element, "language", channel.language)
    _text(element, "lastBuildDate", rfc822(channel.updated))
    _text(element, "generator", GENERATOR)
    _text(element, "docs", "https://www.rssboard.org/rss-specification")
    for entry in entries:
        _item(element, entry)
    return etree.tostring(rss, xml_declaration=True, encoding="utf-8", pretty_print=True)
