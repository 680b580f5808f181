"""Atom 1.0 (RFC 4287), built as an lxml tree.

The feed's id is the absolute URL of the page it follows; each entry's id is its stable
``tag:`` URI. Dates are RFC 3339 in UTC. An entry has its bylines as ``author`` (the
site stands as the feed's author for entries without a byline), its section and topics
as ``category``, the summary, and in full-content mode the body as ``content
type="html"``; the lead image is a ``link rel="enclosure"``.
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from dateline.feeds.channel import GENERATOR, Channel
from dateline.feeds.entry import Entry, Person, rfc3339

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
HTML = "text/html"


def _text(parent: etree._Element, tag: str, text: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ATOM}}}{tag}")
    element.text = text
    return element


def _link(parent: etree._Element, rel: str, href: str, media_type: str) -> etree._Element:
    link = etree.SubElement(parent, f"{{{ATOM}}}link")
    link.set("rel", rel)
    link.set("type", media_type)
    link.set("href", href)
    return link


def _person(parent: etree._Element, person: Person) -> None:
    author = etree.SubElement(parent, f"{{{ATOM}}}author")
    _text(author, "name", person.name)
    _text(author, "uri", person.url)


def _entry(feed: etree._Element, entry: Entry) -> None:
    element = etree.SubElement(feed, f"{{{ATOM}}}entry")
    element.set(XML_LANG, entry.language)
    _text(element, "id", entry.id)
    _text(element, "title", entry.title).set("type", "text")
    _link(element, "alternate", entry.url, HTML)
    if entry.external_url:
        _link(element, "via", entry.external_url, HTML)
    _text(element, "published", rfc3339(entry.published))
    _text(element, "updated", rfc3339(entry.updated))
    for person in entry.authors:
        _person(element, person)
    for category in entry.categories:
        tag = etree.SubElement(element, f"{{{ATOM}}}category")
        tag.set("term", category.term)
        tag.set("scheme", category.scheme)
        tag.set("label", category.label)
    if entry.summary:
        _text(element, "summary", entry.summary).set("type", "text")
    if entry.content_html:
        _text(element, "content", entry.content_html).set("type", "html")
    if entry.image is not None and entry.image.media_type:
        _link(element, "enclosure", entry.image.url, entry.image.media_type)


def render(channel: Channel, entries: Sequence[Entry]) -> bytes:
    """The Atom document of ``entries`` (newest first), UTF-8 encoded."""
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})  # type: ignore[dict-item]
    feed.set(XML_LANG, channel.language)
    _text(feed, "id", channel.home_url)
    _text(feed, "title", channel.title).set("type", "text")
    _text(feed, "subtitle", channel.description).set("type", "text")
    _link(feed, "self", channel.urls.atom, MEDIA_TYPE.split(";")[0])
    _link(feed, "alternate", channel.home_url, HTML)
    _text(feed, "updated", rfc3339(channel.updated))
    _person(feed, Person(channel.site_name, channel.site_url.rstrip("/") + "/"))
    _text(feed, "generator", GENERATOR)
    for entry in entries:
        _entry(feed, entry)
    return etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)
