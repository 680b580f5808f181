"""``plainrss`` reads plain RSS 2.0 exactly as the feedparser path reads it, or not at all.

Three sets of documents go through ``read_feed`` twice, once as served (a plain document
is read by ``plainrss``) and once with ``plain=False`` (feedparser), and the two
``FeedDocument`` values must be equal for every document ``plainrss`` accepts:

- the feedparser corpus under ../shared (under several content types);
- the ingest benchmark's generated feeds;
- 3,000 random documents built from awkward values: pictures (enclosures, Media RSS
  content and thumbnails; some make feedparser be told the feed's URL), escaped and CDATA
  markup, titles that look like HTML, UTF-8 read as Latin-1, Windows-1252 control characters, links
  with ``&amp;`` and odd schemes, relative links, guids that are and are not
  permalinks before and after the link, dates in several formats and none, repeated
  and empty categories, with and without a domain, elements in any order.

Each set must also be mostly accepted, so the equality is never vacuous; and documents
outside the gate (a DOCTYPE, another encoding, an unknown element or attribute, a Media
RSS element with elements inside, ``xml:base``, ``xml:lang``) are left to feedparser.
"""

from __future__ import annotations

import random
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from benchmarks.ingest import Writer, generate_feeds

from dateline.ingest.formats.feed import needs_base, read_feed
from dateline.ingest.formats.plainrss import read_plain_rss
from dateline.model import InvalidItem
from tests.conftest import shared_path

URL = "http://example.org/feeds/world.xml"
CONTENT_TYPES = ("", "application/rss+xml", "text/xml", "application/xml; charset=utf-8")
HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom" '
    'xmlns:media="http://search.yahoo.com/mrss/">'
)

TEXTS = [
    "Plain words",
    "  spaced out  ",
    "",
    "A & B",
    "<b>bold</b> title",
    "x <script>alert(1)</script> y",
    "Caf\u00c3\u00a9 society",  # UTF-8 read as Latin-1
    "Price \u0080 5 \u0093quoted\u0094",  # the Windows-1252 range
    "Ünïcödé ✓ 東京",
    "&nbsp; entity left as text",
    "one\nline\ttwo",
    "<p>A paragraph</p><p>Another <a href='/rel'>link</a></p>",
    "5 < 6 and 7 > 3",
    "&lt;p&gt;double escaped&lt;/p&gt;",
    "the database = main, told",  # makes feedparser be told the feed's URL
]
LINKS = [
    "http://example.com/a?x=1&y=2",
    "/relative/path.html",
    "relative.html",
    "http:///triple/slash",
    "https://example.com/&amp;z",
    "https://example.com/q?a=1&b;=2",
    "",
    "  http://example.com/spaced  ",
    "javascript:alert(1)",
    "http://[bad",
    "https://example.com/ünï",
]
IDS = ["tag:example.org,2026:1", "12345", "http://example.com/permalink/1", "/local/7", ""]
DATES = [
    "Tue, 24 Nov 2026 10:00:00 GMT",
    "Tue, 24 Nov 2026 10:00:00 +0200",
    "2026-11-24T10:00:00Z",
    "24 Nov 2026",
    "not a date",
    "",
    "Mon, 31 Feb 2026 10:00:00 GMT",
]
PICTURES = [
    '<enclosure url="http://example.com/a.jpg" length="100" type="image/jpeg"/>',
    '<enclosure url="/relative/b.PNG" type="IMAGE/PNG"/>',
    '<enclosure url="http://example.com/c.mp3" length="9" type="audio/mpeg"/>',
    '<enclosure url="" type="image/jpeg"/>',
    '<media:content url="http://example.com/d.jpg" medium="image" width="640"/>',
    '<media:content url="http://example.com/e.jpg" type="image/jpeg"/>',
    '<media:content url="http://example.com/f.mp4" type="video/mp4" medium="video"/>',
    '<media:content url="http://example.com/g.jpg" medium="Image"/>',
    '<media:content url="http://example.com/i.mp4" type="video/mp4" medium="image"/>',
    '<media:thumbnail url="http://example.com/h.jpg" width="120" height="80"/>',
    '<media:thumbnail url="  " />',
]
PEOPLE = ["Jane Doe", "", "A. Reporter and B. Writer", "  Sam  ", "Rédaction"]
LANGUAGES = ["en", "en_US", "fr-CA", "", "  de  "]


def _text(rng: random.Random, value: str) -> str:
    """``value`` as element content: escaped, or in CDATA."""
    if "]]>" not in value and rng.random() < 0.4:
        return f"<![CDATA[{value}]]>"
    return escape(value)


def _element(rng: random.Random, name: str, value: str, attributes: str = "") -> str:
    return f"<{name}{attributes}>{_text(rng, value)}</{name}>"


def random_item(rng: random.Random) -> str:
    parts: list[str] = []
    if rng.random() < 0.9:
        parts.append(_element(rng, "title", rng.choice(TEXTS)))
    if rng.random() < 0.8:
        parts.append(_element(rng, "link", rng.choice(LINKS)))
    if rng.random() < 0.8:
        permalink = rng.choice(
            ["", ' isPermaLink="true"', ' isPermaLink="false"', ' isPermaLink="True"']
        )
        parts.append(_element(rng, "guid", rng.choice(IDS + LINKS), permalink))
    if rng.random() < 0.8:
        parts.append(_element(rng, "pubDate", rng.choice(DATES)))
    for _ in range(rng.choice([0, 1, 1, 2])):
        parts.append(_element(rng, "dc:creator", rng.choice(PEOPLE)))
    for _ in range(rng.choice([0, 1, 2, 3])):
        domain = rng.choice(["", "", ' domain="http://example.com/tax"', ' domain=""'])
        parts.append(
            _element(rng, "category", rng.choice(["World", "World", "", "Économie", "a/b"]), domain)
        )
    if rng.random() < 0.8:
        parts.append(_element(rng, "description", rng.choice(TEXTS)))
    if rng.random() < 0.7:
        parts.append(_element(rng, "content:encoded", rng.choice(TEXTS)))
    if rng.random() < 0.2:
        parts.append(_element(rng, "comments", rng.choice(LINKS)))
    for _ in range(rng.choice([0, 0, 1, 2])):
        parts.append(rng.choice(PICTURES))
    rng.shuffle(parts)
    spacing = rng.choice(["", "\n", "\n  "])
    return "<item>" + spacing + spacing.join(parts) + "</item>"


def random_document(rng: random.Random) -> bytes:
    channel: list[str] = []
    if rng.random() < 0.9:
        channel.append(_element(rng, "title", rng.choice(TEXTS)))
    if rng.random() < 0.8:
        channel.append(_element(rng, "link", rng.choice(LINKS)))
    if rng.random() < 0.7:
        channel.append(_element(rng, "description", rng.choice(TEXTS)))
    if rng.random() < 0.6:
        channel.append(_element(rng, "language", rng.choice(LANGUAGES)))
    if rng.random() < 0.5:
        channel.append(_element(rng, "lastBuildDate", rng.choice(DATES)))
    if rng.random() < 0.3:
        channel.append(f'<atom:link href="{URL}" rel="self" type="application/rss+xml"/>')
    if rng.random() < 0.3:
        channel.append(
            "<image>"
            + _element(rng, "url", "http://example.org/logo.png")
            + _element(rng, "title", rng.choice(TEXTS))
            + _element(rng, "link", rng.choice(LINKS))
            + "</image>"
        )
    if rng.random() < 0.2:
        channel.append("<!-- a comment between elements -->")
    items = [random_item(rng) for _ in range(rng.randint(0, 5))]
    everything = channel + items
    if rng.random() < 0.5:  # the channel's own elements need not come first
        rng.shuffle(everything)
    return (HEAD + "<channel>" + "\n".join(everything) + "</channel></rss>").encode("utf-8")


def assert_same(data: bytes, content_type: str = "application/rss+xml") -> bool:
    """Whether ``plainrss`` took the document; when it did, both paths must agree."""
    told = needs_base(data)
    if read_plain_rss(data, url=URL, content_type=content_type, told=told) is None:
        return False
    fast = read_feed(data, url=URL, content_type=content_type)
    slow = read_feed(data, url=URL, content_type=content_type, plain=False)
    assert fast == slow, data.decode("utf-8", "replace")[:2000]
    return True


def test_random_documents_read_the_same_by_both_paths() -> None:
    rng = random.Random(20261127)
    taken = sum(assert_same(random_document(rng)) for _ in range(3000))
    assert taken > 2000  # the e-mail-like authors and nothing else are left out


def test_the_benchmark_feeds_are_plain_and_read_the_same() -> None:
    feeds = generate_feeds(Writer(random.Random(7)), 1000, 50, 0.05)
    for path, body in feeds.documents.items():
        assert assert_same(body, "application/rss+xml; charset=utf-8"), path


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_the_feedparser_corpus_reads_the_same(content_type: str) -> None:
    corpus = shared_path("fixtures", "feeds", "feedparser")
    taken = 0
    for path in sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix != ""):
        data = path.read_bytes()
        try:
            read_feed(data, url=URL, content_type=content_type, plain=False)
        except InvalidItem:
            continue
        taken += assert_same(data, content_type)
    assert taken > 150, taken


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            ("<item>", '<item><enclosure url="http://e.org/a.jpg" bad="1"/>'), id="enclosure"
        ),
        pytest.param(
            ("<item>", '<item><media:content url="x"><media:title>T</media:title></media:content>'),
            id="media inside",
        ),
        pytest.param(("<item>", '<item xml:base="http://e.org/">'), id="xml:base"),
        pytest.param(
            ('<?xml version="1.0" encoding="utf-8"?>', '<?xml version="1.0"?><!DOCTYPE rss>'),
            id="doctype",
        ),
        pytest.param(('encoding="utf-8"', 'encoding="iso-8859-1"'), id="encoding"),
        pytest.param(
            (
                "<item>",
                "<item><slash:comments xmlns:slash='http://purl.org/rss/1.0/modules/slash/'>3</slash:comments>",
            ),
            id="unknown element",
        ),
        pytest.param(("<item>", '<item xml:lang="fr">'), id="xml:lang"),
        pytest.param(("<title>Item", '<title type="html">Item'), id="attribute"),
        pytest.param(("<item>", "<item><title>Second</title>"), id="twice"),
        pytest.param(
            ("<dc:creator>Jane</dc:creator>", "<dc:creator>jane@example.org (Jane)</dc:creator>"),
            id="e-mail author",
        ),
        pytest.param(('<rss version="2.0"', '<rss version="0.92"'), id="another version"),
        pytest.param(
            ("<title>Item one</title>", "<title>Item <b>one</b></title>"), id="markup inside"
        ),
    ],
)
def test_other_documents_are_left_to_feedparser(change: tuple[str, str]) -> None:
    base = (
        HEAD + "<channel><title>Wire</title><link>http://example.org/</link>"
        "<item><title>Item one</title><link>http://example.org/1</link>"
        "<dc:creator>Jane</dc:creator><description>One</description></item></channel></rss>"
    )
    assert read_plain_rss(base.encode(), url=URL, content_type="application/rss+xml") is not None
    changed = base.replace(*change).encode("utf-8")
    assert changed != base.encode()
    assert read_plain_rss(changed, url=URL, content_type="application/rss+xml") is None
    assert read_feed(changed, url=URL, content_type="application/rss+xml").entries  # feedparser's


@pytest.mark.parametrize(
    "content_type", ["text/html", "application/rss+xml; charset=iso-8859-1", "text/plain"]
)
def test_other_content_types_are_left_to_feedparser(content_type: str, tmp_path: Path) -> None:
    data = (
        HEAD + "<channel><title>Wire</title><item><title>One</title></item></channel></rss>"
    ).encode()
    assert read_plain_rss(data, url=URL, content_type=content_type) is None
