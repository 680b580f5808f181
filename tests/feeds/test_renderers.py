"""The pure renderers: ids, dates, URLs, content modes, images and hostile text."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from lxml import etree

from dateline.feeds import atom, jsonfeed, rss
from dateline.feeds.channel import ContentMode, FeedUrls
from dateline.feeds.content import body_html, summary_text
from dateline.feeds.entry import entry_id, to_entries, to_entry
from dateline.model import Block, BlockKind, Source, Status
from tests.feeds import samples
from tests.feeds.validators import (
    ATOM,
    CONTENT,
    DC,
    check_atom,
    check_jsonfeed,
    check_rss,
)

A = f"{{{ATOM}}}"


def _all_valid(docs: dict[str, bytes]) -> None:
    assert check_rss(docs["rss"], f"{samples.SITE}/rss.xml") == []
    assert check_atom(docs["atom"], f"{samples.SITE}/atom.xml") == []
    assert check_jsonfeed(docs["json"], f"{samples.SITE}/feed.json") == []


def test_id_is_a_tag_uri_that_survives_edits_of_headline_slug_and_uid() -> None:
    chan = samples.channel()
    first = to_entry(samples.article(), chan)
    edited = to_entry(
        samples.article(
            headline="Harbour reopens after the worst storm in decades",
            slug="harbour-reopens-after-worst-storm",
            uid="wire:original-item",
            body=(Block(BlockKind.PARAGRAPH, html="Rewritten."),),
            updated_at=samples.UPDATED + timedelta(hours=5),
        ),
        chan,
    )
    assert first is not None and edited is not None
    assert first.id == edited.id == "tag:news.example.org,2026-03-01:article:42"
    assert first.url != edited.url  # the URL follows the slug; the id does not
    assert entry_id("news.example.org", 43, samples.PUBLISHED) != first.id


def test_id_uses_the_host_without_port_and_the_utc_day() -> None:
    chan = samples.channel(site_url="http://127.0.0.1:8000")
    late = datetime(2026, 3, 1, 23, 30, tzinfo=timezone(timedelta(hours=-5)))  # 2 March UTC
    entry = to_entry(samples.article(published_at=late), chan)
    assert entry is not None
    assert entry.id == "tag:127.0.0.1,2026-03-02:article:42"


def test_rss_dates_are_rfc822_and_match_the_article() -> None:
    doc = etree.fromstring(samples.documents()["rss"])
    pub = doc.findtext("channel/item/pubDate")
    assert pub == "Sun, 01 Mar 2026 14:30:05 GMT"
    assert parsedate_to_datetime(pub) == samples.PUBLISHED
    assert doc.findtext("channel/lastBuildDate") == "Mon, 02 Mar 2026 09:00:00 GMT"


def test_atom_and_json_dates_are_rfc3339_with_published_and_updated() -> None:
    docs = samples.documents()
    entry = etree.fromstring(docs["atom"]).find(f"{A}entry")
    assert entry is not None
    assert entry.findtext(f"{A}published") == "2026-03-01T14:30:05Z"
    assert entry.findtext(f"{A}updated") == "2026-03-02T09:00:00Z"
    item = json.loads(docs["json"])["items"][0]
    assert item["date_published"] == "2026-03-01T14:30:05Z"
    assert item["date_modified"] == "2026-03-02T09:00:00Z"


def test_never_updated_article_has_updated_equal_to_published() -> None:
    entry = to_entry(samples.article(updated_at=None), samples.channel())
    assert entry is not None and entry.updated == entry.published == samples.PUBLISHED


def test_every_url_is_absolute() -> None:
    docs = samples.documents()
    channel = etree.fromstring(docs["rss"]).find("channel")
    assert channel is not None
    assert channel.findtext("item/link") == f"{samples.SITE}/2026/03/01/harbour-reopens"
    encoded = channel.findtext(f"item/{{{CONTENT}}}encoded") or ""
    assert f'href="{samples.SITE}/section/local"' in encoded
    assert f'src="{samples.SITE}/media/harbour.jpg"' in encoded
    enclosure = channel.find("item/enclosure")
    assert enclosure is not None
    assert {str(k): str(v) for k, v in enclosure.attrib.items()} == {
        "url": f"{samples.SITE}/media/harbour.jpg",
        "length": "0",
        "type": "image/jpeg",
    }
    _all_valid(docs)


def test_full_content_has_the_body_in_order_with_dateline_and_credit_line() -> None:
    html = body_html(samples.article(), samples.SITE)
    parts = [
        '<p><span class="dateline">PORTLAND, Maine — </span>The harbour <a href=',
        "<figure><img",
        '<figcaption>Boats <em>return</em><span class="credit">Ana Lima</span>',
        "Crews cleared <strong>debris</strong> overnight.",
        "<ol><li>one</li><li>two</li></ol>",
        "<blockquote><p>We are open.</p></blockquote>",
        "<h3>What next</h3>",
        '<p class="credit-line">Ana Lima reported from Portland.</p>',
    ]
    positions = [html.find(p) for p in parts]
    assert -1 not in positions, [p for p, i in zip(parts, positions, strict=True) if i < 0]
    assert positions == sorted(positions)


def test_summary_mode_leaves_the_body_out_of_every_format() -> None:
    docs = samples.documents(content=ContentMode.SUMMARY)
    rss_doc = etree.fromstring(docs["rss"])
    assert rss_doc.find(f"channel/item/{{{CONTENT}}}encoded") is None
    assert rss_doc.findtext("channel/item/description") == samples.article().deck
    atom_entry = etree.fromstring(docs["atom"]).find(f"{A}entry")
    assert atom_entry is not None and atom_entry.find(f"{A}content") is None
    assert atom_entry.findtext(f"{A}summary") == samples.article().deck
    item = json.loads(docs["json"])["items"][0]
    assert "content_html" not in item and item["content_text"] == samples.article().deck
    for doc in docs.values():
        assert b"Crews cleared" not in doc
    _all_valid(docs)


def test_summary_falls_back_to_the_first_paragraph_shortened() -> None:
    long_text = " ".join(["word"] * 200)
    article = samples.article(
        deck="", body=(Block(BlockKind.PARAGRAPH, html=f"<b>{long_text}</b>"),)
    )
    summary = summary_text(article)
    assert summary.startswith("word word") and summary.endswith("…")
    assert len(summary) <= 301 and "<b>" not in summary


def test_bylines_categories_and_language() -> None:
    docs = samples.documents([samples.article(language="fr")])
    item = etree.fromstring(docs["rss"]).find("channel/item")
    assert item is not None
    assert [c.text for c in item.findall(f"{{{DC}}}creator")] == ["Ana Lima", "Tom Reyes"]
    assert [(c.text, c.get("domain")) for c in item.findall("category")] == [
        ("Local", f"{samples.SITE}/section/"),
        ("Harbours", f"{samples.SITE}/topic/"),
        ("Storms", f"{samples.SITE}/topic/"),
    ]
    entry = etree.fromstring(docs["atom"]).find(f"{A}entry")
    assert entry is not None
    assert entry.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    assert [a.findtext(f"{A}uri") for a in entry.findall(f"{A}author")] == [
        f"{samples.SITE}/author/ana-lima",
        f"{samples.SITE}/author/tom-reyes",
    ]
    assert [c.get("term") for c in entry.findall(f"{A}category")] == [
        "local",
        "harbours",
        "storms",
    ]
    item_json = json.loads(docs["json"])["items"][0]
    assert item_json["language"] == "fr"
    assert item_json["tags"] == ["Local", "Harbours", "Storms"]
    _all_valid(docs)


def test_article_without_byline_is_credited_to_the_site_in_atom() -> None:
    docs = samples.documents([samples.article(bylines=())])
    feed = etree.fromstring(docs["atom"])
    assert feed.findtext(f"{A}author/{A}name") == "The Test Dateline"
    assert "authors" not in json.loads(docs["json"])["items"][0]
    _all_valid(docs)


def test_image_of_unknown_type_has_no_enclosure_but_is_the_json_image() -> None:
    image = Block(BlockKind.IMAGE, src="https://cdn.example.net/pictures/12345")
    docs = samples.documents([samples.article(body=(image,))])
    assert etree.fromstring(docs["rss"]).find("channel/item/enclosure") is None
    item = json.loads(docs["json"])["items"][0]
    assert item["image"] == "https://cdn.example.net/pictures/12345"
    assert "attachments" not in item
    _all_valid(docs)


def test_article_without_image_has_no_enclosure() -> None:
    text_only = (Block(BlockKind.PARAGRAPH, html="Just words."),)
    docs = samples.documents([samples.article(body=text_only)])
    assert b"enclosure" not in docs["rss"] and b"enclosure" not in docs["atom"]
    assert "image" not in json.loads(docs["json"])["items"][0]
    _all_valid(docs)


def test_hostile_text_is_escaped_or_dropped() -> None:
    hostile = samples.article(
        headline='<script>alert("h")</script> & Co',
        deck="<img src=x onerror=alert(1)>",
        body=(
            Block(
                BlockKind.PARAGRAPH,
                html='ok <script>alert(1)</script><a href="javascript:x()">x</a>',
            ),
            Block(BlockKind.PARAGRAPH, html='<span onclick="steal()">click</span>\x00\x0b'),
            Block(BlockKind.IMAGE, src="javascript:alert(1)", alt='"><script>'),
        ),
        credit_line="</p><script>alert(2)</script>",
    )
    docs = samples.documents([hostile])
    for name, doc in docs.items():
        parsed_html = _embedded_html(name, doc)
        assert "<script" not in parsed_html.lower(), name
        assert "onclick" not in parsed_html and "javascript:" not in parsed_html, name
    title = etree.fromstring(docs["atom"]).findtext(f"{A}entry/{A}title")
    assert title == '<script>alert("h")</script> & Co'  # text, escaped in the XML
    assert json.loads(docs["json"])["items"][0]["title"] == title


def _embedded_html(name: str, doc: bytes) -> str:
    """The HTML a feed reader would render: the decoded body fields of each format."""
    if name == "json":
        item = json.loads(doc)["items"][0]
        return str(item.get("content_html", ""))
    root = etree.fromstring(doc)
    if name == "rss":
        return "".join(e.text or "" for e in root.iter(f"{{{CONTENT}}}encoded"))
    return "".join(e.text or "" for e in root.iter(f"{A}content"))


def test_xml_forbidden_characters_do_not_break_the_document() -> None:
    article = samples.article(headline="Bell\x07 rings", deck="tab\tok\x1f")
    docs = samples.documents([article])
    assert etree.fromstring(docs["rss"]).findtext("channel/item/title") == "Bell rings"
    _all_valid(docs)


def test_empty_feed_is_valid() -> None:
    _all_valid(samples.documents([]))


def test_unpublished_or_unstored_articles_are_left_out() -> None:
    chan = samples.channel()
    drafts = [
        samples.article(id=None),
        samples.article(id=43, published_at=None, status=Status.DRAFT),
    ]
    assert to_entries(drafts, chan) == []


def test_syndicated_article_links_to_the_original() -> None:
    source = Source(kind="syndicated", publisher="Wire", url="https://wire.example.com/a/1")
    docs = samples.documents([samples.article(source=source)])
    assert json.loads(docs["json"])["items"][0]["external_url"] == "https://wire.example.com/a/1"
    via = etree.fromstring(docs["atom"]).find(f"{A}entry/{A}link[@rel='via']")
    assert via is not None and via.get("href") == "https://wire.example.com/a/1"
    _all_valid(docs)


def test_channel_names_itself_in_each_format() -> None:
    chan = samples.channel(
        home_url=f"{samples.SITE}/section/local",
        urls=FeedUrls.under(f"{samples.SITE}/section/local"),
    )
    entries = to_entries([samples.article()], chan)
    rss_doc = etree.fromstring(rss.render(chan, entries))
    self_link = rss_doc.find(f"channel/{A}link")
    assert (
        self_link is not None and self_link.get("href") == f"{samples.SITE}/section/local/rss.xml"
    )
    atom_doc = etree.fromstring(atom.render(chan, entries))
    assert atom_doc.findtext(f"{A}id") == f"{samples.SITE}/section/local"
    assert json.loads(jsonfeed.render(chan, entries))["feed_url"] == (
        f"{samples.SITE}/section/local/feed.json"
    )


def test_order_is_kept_newest_first() -> None:
    older = samples.article(id=41, published_at=samples.PUBLISHED - timedelta(days=1))
    docs = samples.documents([samples.article(), older])
    ids = [i["id"] for i in json.loads(docs["json"])["items"]]
    assert ids == [
        "tag:news.example.org,2026-03-01:article:42",
        "tag:news.example.org,2026-02-28:article:41",
    ]
    _all_valid(docs)


def test_updated_time_of_channel_is_rendered_in_utc() -> None:
    chan = samples.channel(updated=datetime(2026, 3, 2, 10, 0, tzinfo=timezone(timedelta(hours=1))))
    doc = etree.fromstring(rss.render(chan, []))
    assert doc.findtext("channel/lastBuildDate") == "Mon, 02 Mar 2026 09:00:00 GMT"


def test_lead_image_urls_resolve_like_a_browser_would() -> None:
    chan = samples.channel()
    for src, expected in (
        ("/media/a.png", f"{samples.SITE}/media/a.png"),
        ("media/a.png", f"{samples.SITE}/media/a.png"),
        ("//cdn.example.net/a.png", "https://cdn.example.net/a.png"),
        ("https://cdn.example.net/a.webp", "https://cdn.example.net/a.webp"),
    ):
        entry = to_entry(samples.article(body=(Block(BlockKind.IMAGE, src=src),)), chan)
        assert entry is not None and entry.image is not None, src
        assert entry.image.url == expected and entry.image.media_type.startswith("image/")
