"""Feeds and wire formats into feed items: RSS, Atom, RSS 1.0, JSON Feed, ninjs, NewsML.

Small documents written here check the mapping field by field; the Business Wire NewsML
samples beside the IPTC ninjs examples are read from ../shared at run time.
"""

from __future__ import annotations

import io
import json
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser  # type: ignore[import-untyped]
import pytest

from dateline.ingest.formats.entry import (
    FeedEntry,
    entry_article,
    entry_uid,
    http_url,
    normalise_language,
    shorten,
)
from dateline.ingest.formats.syndication import ParsedFeed, parse_feed
from dateline.ingest.formats.webpage import extract_main_html
from dateline.model import Author, BlockKind, InvalidItem, Source, Status, Topic
from dateline.model.limits import MAX_DECK, MAX_HEADLINE
from tests.conftest import shared_path

FEED_URL = "https://feeds.example.com/world.xml"

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">
<channel>
  <title>The Example Times</title>
  <link>https://www.example.com/</link>
  <language>en-US</language>
  <item>
    <title>Ministers meet &lt;em&gt;again&lt;/em&gt; in Geneva</title>
    <link>https://www.example.com/2024/03/01/geneva</link>
    <guid isPermaLink="false">4711</guid>
    <description>Talks resume after a week of delays.</description>
    <content:encoded><![CDATA[
      <p>GENEVA (Reuters) - Ministers met again on Friday, <a href="/topics/talks">officials</a>
         said.<script>alert(1)</script></p>
      <p onclick="steal()">The talks will go on.</p>
      <p>Jane Roe in Bern contributed to this report.</p>
    ]]></content:encoded>
    <pubDate>Fri, 01 Mar 2024 10:30:00 +0100</pubDate>
    <dc:creator>By Anna Berg and Tom Lund</dc:creator>
    <category>World</category>
    <category>Diplomacy</category>
    <category>world</category>
    <category> </category>
    <enclosure url="https://cdn.example.com/geneva.jpg" type="image/jpeg" length="1234"/>
  </item>
  <item>
    <title>Short item</title>
    <link>https://www.example.com/short</link>
    <description>Only a &lt;b&gt;summary&lt;/b&gt; here.</description>
    <enclosure url="https://cdn.example.com/clip.mp3" type="audio/mpeg" length="1"/>
    <media:content url="https://cdn.example.com/short.jpg" medium="image"/>
  </item>
  <item>
    <description></description>
  </item>
</channel>
</rss>
"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de-DE" xml:base="https://blog.example.org/">
  <title type="html">Das &lt;b&gt;Blog&lt;/b&gt;</title>
  <id>tag:blog.example.org,2024:feed</id>
  <updated>2024-03-02T12:00:00+01:00</updated>
  <entry xml:base="posts/">
    <id>tag:blog.example.org,2024:1</id>
    <title type="text">5 &lt; 6 &amp; other &lt;truths&gt;</title>
    <link rel="enclosure" type="image/png" href="cover.png"/>
    <link rel="alternate" type="text/html" href="first.html"/>
    <published>2024-03-01T09:00:00+01:00</published>
    <updated>2024-03-02T11:00:00+01:00</updated>
    <author><name>Erika Muster</name></author>
    <category term="politik" label="Politik"/>
    <summary type="text">Eine &lt;kurze&gt; Zusammenfassung.</summary>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">
      <p>Ein <a href="../about.html">Link</a> und <img src="img/a.jpg" alt="A"/></p>
    </div></content>
  </entry>
  <entry>
    <id>local-2</id>
    <title>Plain text content</title>
    <content type="text">Line one &lt;b&gt;not bold&lt;/b&gt;

Line two</content>
    <updated>2024-03-03T00:00:00Z</updated>
  </entry>
</feed>
"""

RSS10 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://rdf.example.net/">
    <title>RDF News</title>
    <link>https://rdf.example.net/</link>
    <description>News in RDF</description>
    <dc:language>fr</dc:language>
  </channel>
  <item rdf:about="https://rdf.example.net/items/1">
    <title>Premier article</title>
    <link>https://rdf.example.net/items/1</link>
    <description>Un texte.</description>
    <dc:date>2024-03-01T08:00:00+00:00</dc:date>
    <dc:creator>Jean Dupont</dc:creator>
    <dc:subject>Culture</dc:subject>
  </item>
</rdf:RDF>
"""

NEWSML_G2 = b"""<?xml version="1.0" encoding="UTF-8"?>
<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/">
  <header><sent>2024-03-01T10:00:00Z</sent><sender>wire.example.com</sender></header>
  <itemSet>
    <newsItem guid="urn:newsml:wire.example.com:20240301:abc" version="3"
              standard="NewsML-G2" standardversion="2.29" xml:lang="en-GB">
      <itemMeta>
        <itemClass qcode="ninat:text"/>
        <provider qcode="nprov:WIRE"><name>Example Wire</name></provider>
        <versionCreated>2024-03-01T11:15:00+01:00</versionCreated>
        <firstCreated>2024-03-01T08:00:00Z</firstCreated>
        <pubStatus qcode="stat:usable"/>
        <link rel="irel:alternate" href="https://wire.example.com/stories/abc"/>
      </itemMeta>
      <contentMeta>
        <located qcode="city:london"><name>London</name></located>
        <creator qcode="staff:1"><name>Jane Doe</name></creator>
        <language tag="en-GB"/>
        <subject qcode="medtop:11000000"><name xml:lang="en">Politics</name></subject>
        <keyword>election</keyword>
        <slugline>BRITAIN-ELECTION/</slugline>
        <headline role="hld:sub">A subtitle</headline>
        <headline role="hld:main">Britain goes to the polls</headline>
        <dateline>LONDON, March 1 (Example Wire)</dateline>
        <by>By Jane Doe and John Smith</by>
        <description role="drol:summary">Voters choose a new parliament.</description>
        <description role="drol:caption">Not a deck</description>
      </contentMeta>
      <contentSet>
        <inlineXML contenttype="application/xhtml+xml">
          <html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head>
          <body><p>Polling stations opened at 7 a.m. <a href="https://example.com/x"
             onmouseover="x()">Results</a> come overnight.</p><p style="color:red">More.</p>
          <p>John Smith reported from Manchester.</p></body></html>
        </inlineXML>
      </contentSet>
    </newsItem>
    <newsItem guid="urn:newsml:wire.example.com:20240301:pic" version="1"
              standard="NewsML-G2" standardversion="2.29">
      <itemMeta><itemClass qcode="ninat:picture"/></itemMeta>
      <contentMeta><headline>A picture</headline></contentMeta>
    </newsItem>
    <newsItem guid="urn:newsml:wire.example.com:20240301:txt" version="1"
              standard="NewsML-G2" standardversion="2.29">
      <itemMeta><itemClass uri="http://cv.iptc.org/newscodes/ninature/text"/></itemMeta>
      <contentMeta><headline>Plain wire text</headline></contentMeta>
      <contentSet><inlineData contenttype="text/plain">BERLIN -- First &lt;line&gt;.

Second paragraph.</inlineData></contentSet>
    </newsItem>
    <packageItem guid="urn:newsml:wire.example.com:pkg" version="1"/>
  </itemSet>
</newsMessage>
"""


def parse(data: bytes, **kwargs: Any) -> ParsedFeed:
    return parse_feed(data, url=kwargs.pop("url", FEED_URL), **kwargs)


def json_bytes(document: object) -> bytes:
    return json.dumps(document).encode()


def entry(**fields: Any) -> FeedEntry:
    values: dict[str, Any] = {
        "id": "",
        "link": "",
        "title": "A title",
        "summary_html": "",
        "content_html": "<p>Text.</p>",
        "published": None,
        "updated": None,
        "authors": (),
        "categories": (),
        "language": "",
        "base_url": "",
    }
    values.update(fields)
    return FeedEntry(**values)


# RSS 2.0


def test_rss_item_field_by_field() -> None:
    parsed = parse(RSS, section="world")
    assert (parsed.format, parsed.title, parsed.link) == (
        "rss20",
        "The Example Times",
        "https://www.example.com/",
    )
    assert parsed.language == "en-us"
    first = parsed.items[0]
    article = first.article
    assert article.uid == f"{FEED_URL}#4711"  # a guid that is not a URL is not unique alone
    assert article.headline == "Ministers meet again in Geneva"
    assert article.slug == "ministers-meet-again-in-geneva"
    assert article.status is Status.DRAFT
    assert article.section.slug == "world"
    assert article.deck == "Talks resume after a week of delays."
    assert article.dateline == "GENEVA"
    assert article.credit_line == "Jane Roe in Bern contributed to this report."
    assert article.bylines == (Author("anna-berg", "Anna Berg"), Author("tom-lund", "Tom Lund"))
    assert article.topics == (Topic("world", "World"), Topic("diplomacy", "Diplomacy"))
    assert first.categories == ("World", "Diplomacy", "world")
    assert article.published_at == datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
    assert article.version_at == article.updated_at == article.published_at
    assert article.language == "en-us"
    assert article.source == Source(
        kind="syndicated",
        publisher="The Example Times",
        url="https://www.example.com/2024/03/01/geneva",
        item_id="4711",
    )
    assert article.canonical_url == "https://www.example.com/2024/03/01/geneva"
    assert first.summary_only is False


def test_rss_body_is_sanitized_and_resolved_against_the_item_link() -> None:
    article = parse(RSS).items[0].article
    image, opening, middle = article.body
    assert (image.kind, image.src) == (BlockKind.IMAGE, "https://cdn.example.com/geneva.jpg")
    assert opening.html == (
        'Ministers met again on Friday, <a href="https://www.example.com/topics/talks" '
        'rel="noopener noreferrer">officials</a> said.'
    )
    assert middle.html == "The talks will go on."


def test_rss_summary_only_item_with_media_image() -> None:
    parsed = parse(RSS)
    short = parsed.items[1]
    assert short.summary_only is True
    assert short.article.deck == ""  # the summary is the body, not also a deck
    assert [b.kind for b in short.article.body] == [BlockKind.IMAGE, BlockKind.PARAGRAPH]
    assert short.article.body[0].src == "https://cdn.example.com/short.jpg"  # not the mp3
    assert short.article.body[1].html == "Only a <b>summary</b> here."
    assert short.article.uid == "https://www.example.com/short"  # no guid: the link


def test_an_entry_without_title_or_text_is_skipped_and_the_rest_kept() -> None:
    parsed = parse(RSS)
    assert len(parsed.items) == 2
    assert parsed.skipped == ("entry 2: no title or text (field 'title')",)


# Atom 1.0


def test_atom_entry_field_by_field() -> None:
    parsed = parse(ATOM)
    assert parsed.format == "atom10"
    assert parsed.title == "Das Blog"
    article = parsed.items[0].article
    assert article.uid == "tag:blog.example.org,2024:1"
    assert article.headline == "5 < 6 & other <truths>"  # plain text, kept as written
    assert article.canonical_url == "https://blog.example.org/posts/first.html"
    assert article.published_at == datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
    assert article.version_at == datetime(2024, 3, 2, 10, 0, tzinfo=UTC)
    assert article.updated_at == article.version_at
    assert article.language == "de-de"
    assert article.bylines == (Author("erika-muster", "Erika Muster"),)
    assert article.topics == (Topic("politik", "Politik"),)
    assert article.deck == "Eine <kurze> Zusammenfassung."
    assert article.source.publisher == "Das Blog"


def test_atom_relative_urls_resolve_against_xml_base() -> None:
    article = parse(ATOM).items[0].article
    cover, paragraph, picture = article.body
    assert cover.src == "https://blog.example.org/posts/cover.png"
    assert 'href="https://blog.example.org/about.html"' in paragraph.html
    assert picture.src == "https://blog.example.org/posts/img/a.jpg"


def test_atom_plain_text_content_is_escaped_not_read_as_html() -> None:
    article = parse(ATOM).items[1].article
    # feedparser resolves an Atom id against xml:base, which makes it a URL
    assert article.uid == "https://blog.example.org/local-2"
    assert [b.html for b in article.body] == ["Line one &lt;b&gt;not bold&lt;/b&gt;", "Line two"]
    assert article.published_at == article.version_at == datetime(2024, 3, 3, tzinfo=UTC)


# RSS 1.0


def test_rss10_item() -> None:
    parsed = parse(RSS10)
    assert parsed.format == "rss10"
    (item,) = parsed.items
    article = item.article
    assert article.uid == "https://rdf.example.net/items/1"
    assert article.headline == "Premier article"
    assert article.language == "fr"
    assert article.bylines == (Author("jean-dupont", "Jean Dupont"),)
    assert item.categories == ("Culture",)
    assert article.published_at == datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
    assert item.summary_only is True


# JSON Feed


def json_feed(version: str, items: list[Any], **feed: Any) -> bytes:
    document = {"version": version, "title": "JSON Times", "items": items}
    document.update(feed)
    return json_bytes(document)


def test_json_feed_11_item_field_by_field() -> None:
    data = json_feed(
        "https://jsonfeed.org/version/1.1",
        [
            {
                "id": "https://json.example.com/a",
                "url": "https://json.example.com/a",
                "title": "Hello",
                "content_html": '<p>See <a href="/more">more</a>.</p>',
                "summary": "A short summary.",
                "image": "/img/a.jpg",
                "date_published": "2024-03-01T10:00:00+02:00",
                "date_modified": "2024-03-01T12:00:00Z",
                "authors": [{"name": "Ada Lovelace"}, {"url": "https://x"}],
                "tags": ["Science", "science", ""],
                "language": "en-GB",
            }
        ],
        home_page_url="https://json.example.com/",
        language="en",
    )
    parsed = parse(data, url="https://json.example.com/feed.json")
    assert (parsed.format, parsed.title, parsed.link) == (
        "jsonfeed11",
        "JSON Times",
        "https://json.example.com/",
    )
    (item,) = parsed.items
    article = item.article
    assert article.uid == "https://json.example.com/a"
    assert article.deck == "A short summary."
    assert article.body[0].src == "https://json.example.com/img/a.jpg"
    assert 'href="https://json.example.com/more"' in article.body[1].html
    assert article.published_at == datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
    assert article.version_at == datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
    assert article.bylines == (Author("ada-lovelace", "Ada Lovelace"),)
    assert article.topics == (Topic("science", "Science"),)
    assert article.language == "en-gb"
    assert article.source.publisher == "JSON Times"
    assert item.summary_only is False


def test_json_feed_10_with_author_text_and_numeric_id() -> None:
    data = json_feed(
        "https://jsonfeed.org/version/1",
        [{"id": 42, "content_text": "LISBON — Rain <fell>.\n\nIt stopped.", "title": "Rain"}],
        author={"name": "Feed Author"},
    )
    parsed = parse(data)
    assert parsed.format == "jsonfeed10"
    article = parsed.items[0].article
    assert article.uid == f"{FEED_URL}#42"
    assert article.dateline == "LISBON"
    assert [b.html for b in article.body] == ["Rain &lt;fell&gt;.", "It stopped."]
    assert article.bylines == (Author("feed-author", "Feed Author"),)
    assert article.language == "en"


def test_one_bad_json_feed_item_is_skipped_with_its_field() -> None:
    data = json_feed(
        "https://jsonfeed.org/version/1.1",
        [
            {"id": "1", "title": "Good", "content_text": "Fine."},
            {"id": "2", "title": 7, "content_text": "Bad title."},
            "not an object",
            {"id": "4", "title": "Bad tags", "tags": "news"},
            {"id": "5", "title": "Also good", "date_published": "yesterday"},
        ],
    )
    parsed = parse(data)
    assert [i.article.headline for i in parsed.items] == ["Good", "Also good"]
    assert parsed.skipped == (
        "entry 1: field 'title' must be a string, not a number",
        "entry 2: must be an object, not a string",
        "entry 3: field 'tags' must be a list of strings, not a string",
    )
    assert parsed.items[1].article.published_at is None
    assert any("date_published" in w for w in parsed.warnings)


# ninjs


def test_ninjs_items_become_feed_items_in_the_section() -> None:
    items = [
        {
            "uri": "urn:n:1",
            "type": "text",
            "headline": "One",
            "body_html": "<p>Text.</p>",
            "subject": [{"name": "Sport"}],
        },
        {"uri": "urn:n:2", "type": "picture", "headline": "A picture"},
        {"uri": "urn:n:3", "type": "text"},
    ]
    parsed = parse(json_bytes(items), section="sport")
    assert parsed.format == "ninjs"
    (item,) = parsed.items
    assert item.article.uid == "urn:n:1"
    assert item.article.section.slug == "sport"
    assert item.categories == ("Sport",)
    assert item.summary_only is False
    assert len(parsed.skipped) == 2
    assert parsed.skipped[0].startswith("entry 1: ") and "picture" in parsed.skipped[0]
    assert parsed.skipped[1].startswith("entry 2: ") and "'headline'" in parsed.skipped[1]


def test_a_single_ninjs_item() -> None:
    item = {"uri": "urn:n:9", "headline": "Alone", "body_text": "Just text."}
    (feed_item,) = parse(json_bytes(item)).items
    assert feed_item.article.headline == "Alone"


# NewsML-G2


def test_newsml_g2_message_field_by_field() -> None:
    parsed = parse(NEWSML_G2, url="https://wire.example.com/messages/1.xml")
    assert parsed.format == "newsml-g2"
    first, plain = parsed.items
    article = first.article
    assert article.uid == "urn:newsml:wire.example.com:20240301:abc"
    assert article.headline == "Britain goes to the polls"
    assert article.deck == "Voters choose a new parliament."
    assert article.dateline == "LONDON"  # the printed dateline's place
    assert article.credit_line == "John Smith reported from Manchester."
    assert article.bylines == (Author("jane-doe", "Jane Doe"), Author("john-smith", "John Smith"))
    assert first.categories == ("Politics", "election")
    assert article.published_at == datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
    assert article.version_at == datetime(2024, 3, 1, 10, 15, tzinfo=UTC)
    assert article.language == "en-gb"
    assert article.source.publisher == "Example Wire"
    assert article.canonical_url == "https://wire.example.com/stories/abc"
    assert [b.html for b in article.body] == [
        'Polling stations opened at 7 a.m. <a href="https://example.com/x" '
        'rel="noopener noreferrer">Results</a> come overnight.',
        "More.",
    ]
    assert plain.article.dateline == "BERLIN"
    assert [b.html for b in plain.article.body] == ["First &lt;line&gt;.", "Second paragraph."]
    assert plain.article.source.publisher == "wire.example.com"  # the message's sender
    assert len(parsed.skipped) == 2
    assert "a picture" in parsed.skipped[0] and parsed.skipped[0].startswith("entry 1: ")
    assert "packageItem" in parsed.skipped[1]


def test_a_bare_newsml_g2_news_item() -> None:
    start = NEWSML_G2.index(b"<newsItem")
    end = NEWSML_G2.index(b"</newsItem>") + len(b"</newsItem>")
    item = NEWSML_G2[start:end].replace(
        b"<newsItem ", b'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" ', 1
    )
    (feed_item,) = parse(item).items
    assert feed_item.article.headline == "Britain goes to the polls"


def test_newsml_with_entity_declarations_is_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE newsItem [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:x:1">'
        b"<contentMeta><headline>&b;</headline></contentMeta></newsItem>"
    )
    with pytest.raises(InvalidItem, match="DTD"):
        parse(bomb)


@pytest.mark.parametrize(
    "name",
    [
        "businesswire-newsml-20130515006361.xml",
        "businesswire-newsml-20130605006126.xml",
        "businesswire-newsml-20130612006110.xml",
        "businesswire-newsml-20130731006140.xml",
    ],
)
def test_business_wire_newsml_samples(name: str) -> None:
    path = shared_path("fixtures", "ninjs", "examples", "NewsML", name)
    parsed = parse(path.read_bytes(), url=f"https://wire.example.com/{name}")
    assert parsed.format == "newsml-1"
    assert parsed.skipped == ()
    (item,) = parsed.items
    article = item.article
    assert article.uid.startswith("urn:newsml:businesswire.com:")
    assert article.headline and article.body and article.dateline
    assert article.source.publisher == "Business Wire"
    assert article.published_at is not None and article.published_at.tzinfo is UTC
    assert article.language in ("en", "zh")
    assert item.categories  # the Business Wire keywords


def test_business_wire_sample_mapping() -> None:
    path = shared_path(
        "fixtures", "ninjs", "examples", "NewsML", "businesswire-newsml-20130731006140.xml"
    )
    article = parse(path.read_bytes()).items[0].article
    assert article.headline.startswith("Lunch Taking a Toll?")
    assert article.dateline == "KANSAS CITY, Mo."
    assert article.deck.startswith("With a Year’s Worth of Lunch Combos")
    assert article.published_at == datetime(2013, 7, 31, 15, 32, tzinfo=UTC)
    assert Topic("restaurant-bar", "Restaurant/Bar") in article.topics


# Not feeds


@pytest.mark.parametrize(
    ("data", "content_type", "message"),
    [
        (b"", "", "is empty"),
        (b"  \n\t ", "application/rss+xml", "is empty"),
        (b"<!DOCTYPE html><html><head><title>Hi</title></head><body>x</body></html>", "", "HTML"),
        (b"<html><body><p>Hello</p></body></html>", "application/xml", "HTML"),
        (b"<div>Hello</div>", "text/html; charset=utf-8", "HTML"),
        (b'{"hello": "world"}', "application/json", "neither a JSON Feed nor IPTC ninjs"),
        (b"[1, 2, 3]", "", "neither a JSON Feed nor IPTC ninjs"),
        (b'{"version": "https://jsonfeed.org/version/1.1"}', "", "'items'"),
        (b"{not json", "", "is not valid JSON"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "", "is not a feed"),
        (b"just some words", "text/plain", "is not a feed"),
        (b"<?xml version='1.0'?><inventory><shelf/></inventory>", "", "is not a feed"),
    ],
)
def test_what_is_not_a_feed_is_refused_in_one_line(
    data: bytes, content_type: str, message: str
) -> None:
    with pytest.raises(InvalidItem, match=message) as raised:
        parse_feed(data, url="https://example.com/x", content_type=content_type)
    assert raised.value.source == "https://example.com/x"
    assert "\n" not in str(raised.value)


def test_a_feed_with_no_entries_is_an_empty_feed() -> None:
    data = b'<rss version="2.0"><channel><title>Quiet</title></channel></rss>'
    parsed = parse(data)
    assert (parsed.format, parsed.title, parsed.items, parsed.skipped) == ("rss20", "Quiet", (), ())


def test_a_truncated_feed_is_an_empty_feed_with_a_warning() -> None:
    parsed = parse(b"<?xml version='1.0'?><rss version='2.0'><channel>")
    assert (parsed.format, parsed.items) == ("rss20", ())
    assert parsed.warnings and "SAXParseException" in parsed.warnings[0]


def test_a_broken_feed_that_still_gives_entries_is_read_with_a_warning() -> None:
    data = b'<rss version="2.0"><channel><item><title>Kept &amp; read</title></item>'
    parsed = parse(data)
    assert [i.article.headline for i in parsed.items] == ["Kept & read"]
    assert len(parsed.warnings) == 1 and "\n" not in parsed.warnings[0]


def test_feedparser_never_reads_a_local_file_named_by_the_bytes(tmp_path: Path) -> None:
    """Bare bytes that name a file would be opened by feedparser.parse: we hand it a stream."""
    local = tmp_path / "local.xml"
    local.write_bytes(b'<rss version="2.0"><channel><title>Local</title></channel></rss>')
    with pytest.raises(InvalidItem, match="is not a feed"):
        parse_feed(str(local).encode(), url="https://example.com/x")


def test_external_entities_are_neither_fetched_nor_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts: list[str] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(repr(address))
        raise OSError("the network is off in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    data = (
        '<?xml version="1.0"?><!DOCTYPE rss ['
        f'<!ENTITY file SYSTEM "file://{secret}">'
        '<!ENTITY web SYSTEM "http://127.0.0.1:9/entity">'
        '<!ENTITY % pe SYSTEM "http://127.0.0.1:9/pe"> %pe;]>'
        '<rss version="2.0"><channel><title>T</title><item><title>A &file; &web;</title>'
        "<description>D &file;</description></item></channel></rss>"
    ).encode()
    parsed = parse(data)
    article = parsed.items[0].article
    assert "TOPSECRET" not in article.headline + article.plain_text
    assert attempts == []
    external_dtd = b'<!DOCTYPE newsMessage SYSTEM "http://127.0.0.1:9/d.dtd"><newsMessage'
    assert parse(NEWSML_G2.replace(b"<newsMessage", external_dtd, 1)).items  # never loaded
    assert attempts == []


# The entry rules


def test_uid_rules() -> None:
    published = datetime(2024, 1, 1, tzinfo=UTC)
    assert entry_uid(entry(id="https://a.example/1"), FEED_URL) == "https://a.example/1"
    assert entry_uid(entry(id="urn:uuid:1"), FEED_URL) == "urn:uuid:1"
    assert entry_uid(entry(id="tag:a.example,2024:1"), FEED_URL) == "tag:a.example,2024:1"
    assert entry_uid(entry(id="17"), FEED_URL) == f"{FEED_URL}#17"
    assert entry_uid(entry(link="https://a.example/p"), FEED_URL) == "https://a.example/p"
    hashed = entry_uid(entry(title="T", published=published), FEED_URL)
    assert hashed.startswith(f"{FEED_URL}#sha256-")
    assert hashed == entry_uid(entry(title="T", published=published), FEED_URL)
    assert hashed != entry_uid(entry(title="U", published=published), FEED_URL)
    assert entry_uid(entry(link="javascript:alert(1)", title="T"), FEED_URL).startswith(
        f"{FEED_URL}#sha256-"
    )


def test_a_title_less_entry_takes_its_first_words() -> None:
    words = "word " * 200
    article = entry_article(
        entry(title="", content_html=f"<p>{words}</p>"), feed_url=FEED_URL, section="news"
    )
    assert len(article.headline) <= MAX_HEADLINE
    assert article.headline.startswith("word word") and article.headline.endswith("…")


def test_no_title_and_no_text_names_the_entry_and_field() -> None:
    with pytest.raises(InvalidItem) as raised:
        entry_article(
            entry(id="urn:x:1", title="", content_html='<img src="https://a/b.jpg">'),
            feed_url=FEED_URL,
            section="news",
        )
    assert (raised.value.source, raised.value.field) == ("urn:x:1", "title")


def test_a_title_with_no_body_is_an_article() -> None:
    article = entry_article(entry(content_html=""), feed_url=FEED_URL, section="news")
    assert article.body == ()


def test_limits_cut_rather_than_fail() -> None:
    article = entry_article(
        entry(title="long " * 100, summary_html="deck " * 300, content_html="<p>Body.</p>"),
        feed_url=FEED_URL,
        section="news",
    )
    assert len(article.headline) <= MAX_HEADLINE
    assert len(article.deck) <= MAX_DECK and article.deck.endswith("…")


def test_a_summary_that_only_opens_the_content_is_no_deck() -> None:
    article = entry_article(
        entry(summary_html="The talks went on [...]", content_html="<p>The talks went on.</p>"),
        feed_url=FEED_URL,
        section="news",
    )
    assert article.deck == ""


def test_lead_image_rules() -> None:
    def body_of(**fields: Any) -> list[str]:
        article = entry_article(entry(**fields), feed_url=FEED_URL, section="news")
        return [b.src for b in article.body if b.kind is BlockKind.IMAGE]

    shown = '<p>Text.</p><img src="https://a.example/p.jpg">'
    assert body_of(image_url="https://a.example/p.jpg", content_html=shown) == [
        "https://a.example/p.jpg"
    ]
    assert body_of(image_url="javascript:alert(1)") == []
    assert body_of(image_url="data:image/png;base64,AAAA") == []
    assert body_of(image_url="/p.jpg", base_url="https://b.example/x/") == [
        "https://b.example/p.jpg"
    ]
    captioned = entry_article(
        entry(image_url="https://a.example/c.jpg", image_caption="A <b> caption"),
        feed_url=FEED_URL,
        section="news",
    )
    assert captioned.body[0].caption == "A &lt;b&gt; caption"


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("en", "en"),
        ("en-US", "en-us"),
        ("pt_BR", "pt-br"),
        ("DE", "de"),
        ("zh-Hant-TW", "zh-tw"),
        ("sr-Latn", "sr"),
        ("es-419", "es-419"),
        ("x-klingon", ""),
        ("English", ""),
        ("", ""),
    ],
)
def test_language_normalisation(tag: str, expected: str) -> None:
    assert normalise_language(tag) == expected


def test_shorten_cuts_at_a_word() -> None:
    assert shorten("short", 10) == "short"
    assert shorten("one two three four", 12) == "one two…"


# Full text of a page


def test_extract_main_html_finds_the_article() -> None:
    paragraph = "The council voted on Tuesday to rebuild the old bridge over the river. " * 4
    page = (
        "<html><head><title>Bridge</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>Bridge vote</h1><p>{paragraph}</p><p>{paragraph}</p>"
        "<p>Work starts in <a href='/2025'>spring</a>.</p></article>"
        "<footer>© Example</footer></body></html>"
    ).encode()
    html = extract_main_html(page, url="https://news.example.com/bridge")
    assert "rebuild the old bridge" in html
    assert 'href="https://news.example.com/2025"' in html
    assert "Home" not in html
    assert not html.startswith("<html")  # a fragment, not trafilatura's whole document


def test_extract_main_html_honours_the_declared_charset() -> None:
    text = "Zürich feiert die neue Brücke über die Limmat mit einem Fest am Ufer. " * 5
    page = f"<html><body><article><p>{text}</p><p>{text}</p></article></body></html>"
    html = extract_main_html(page.encode("latin-1"), url="https://z.example/", charset="latin-1")
    assert "Zürich feiert die neue Brücke" in html


def test_extract_main_html_gives_empty_for_nothing() -> None:
    assert extract_main_html(b"", url="https://x.example/") == ""
    assert extract_main_html(b"<html><body></body></html>", url="https://x.example/") == ""
    assert extract_main_html(b"\xff\xfe\x00garbage", url="", charset="no-such-charset") == ""


# relative URLs with no base attribute and no enclosure: feedparser is not told the feed's
# URL, and the links are joined with it here (formats/feed.py)
RELATIVE_RSS = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Relative</title><link>/news/</link>
<item><title>One</title><guid>/news/1.html</guid><description>One, words.</description></item>
<item><title>Two</title><link>../two.html</link><guid isPermaLink="false">two</guid>
  <description>Two.</description></item>
<item><title>Three</title><link>http:///odd.example/three</link><description>3</description></item>
</channel></rss>
"""
RELATIVE_ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Relative</title><link href="home.html"/>
<id>tag:relative.example,2026:feed</id>
<entry><id>local-1</id><title>One</title><link rel="alternate" href="one.html"/>
  <content type="html">&lt;p&gt;One.&lt;/p&gt;</content></entry>
<entry><id>tag:relative.example,2026:2</id><title>Two</title><link href="/two"/>
  <summary>Two.</summary></entry>
</feed>
"""


@pytest.mark.parametrize("document", [RELATIVE_RSS, RELATIVE_ATOM, ATOM, RSS10])
def test_urls_are_absolute_as_feedparser_makes_them_with_the_feeds_url(document: bytes) -> None:
    """Told the feed's URL or not (formats/feed.py), the links, permalink ids and the
    feed's link come out as feedparser makes them when told."""
    told = feedparser.parse(
        io.BytesIO(document),
        response_headers={"content-location": FEED_URL, "content-type": "application/xml"},
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    parsed = parse_feed(document, url=FEED_URL, content_type="application/xml", section="world")
    assert parsed.link == told.feed.get("link", "")
    assert len(parsed.items) == len(told.entries)
    for item, entry in zip(parsed.items, told.entries, strict=True):
        assert item.article.canonical_url == http_url(entry.get("link", ""), FEED_URL)
        if entry.get("guidislink"):
            assert item.article.uid == entry["id"]
