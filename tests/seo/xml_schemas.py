"""The sitemap XML Schemas of ``tests/seo/schemas/``, loaded with lxml, and a checker."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

SCHEMAS = Path(__file__).parent / "schemas"
NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


@cache
def schema(name: str) -> etree.XMLSchema:
    """``sitemap.xsd``, ``siteindex.xsd`` or ``news-urlset.xsd`` (a URL set with News)."""
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


def valid(body: bytes, name: str) -> etree._Element:
    """The parsed document, after asserting it is valid against the schema ``name``."""
    root = etree.fromstring(body)
    checker = schema(name)
    assert checker.validate(root), checker.error_log
    return root


def texts(root: etree._Element, path: str) -> list[str]:
    """The text results of an XPath over the sitemap namespaces (``s:``, ``news:``)."""
    return [str(t) for t in root.xpath(path, namespaces=NS)]  # type: ignore[union-attr]


def elements(root: etree._Element, path: str) -> list[etree._Element]:
    """The element results of an XPath over the sitemap namespaces."""
    found = root.xpath(path, namespaces=NS)
    assert isinstance(found, list)
    return [e for e in found if isinstance(e, etree._Element)]
