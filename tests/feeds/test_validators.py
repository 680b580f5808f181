"""The validators themselves: a good feed passes, and each rule catches a feed broken on
purpose (so a passing feed test means something)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from lxml import etree

from tests.feeds import samples
from tests.feeds.validators import (
    ATOM,
    CONTENT,
    DC,
    XML_NS,
    check_atom,
    check_jsonfeed,
    check_rss,
    codes,
)

RSS_SELF = f"{samples.SITE}/rss.xml"
ATOM_SELF = f"{samples.SITE}/atom.xml"
JSON_SELF = f"{samples.SITE}/feed.json"
A = f"{{{ATOM}}}"

Edit = Callable[[etree._Element], Any]


def _edited(data: bytes, edit: Edit) -> bytes:
    root = etree.fromstring(data)
    edit(root)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _remove(root: etree._Element, path: str) -> None:
    for element in root.findall(path):
        parent = element.getparent()
        assert parent is not None
        parent.remove(element)


def _set_text(path: str, text: str) -> Edit:
    def edit(root: etree._Element) -> None:
        element = root.find(path)
        assert element is not None, path
        element.text = text

    return edit


def _set_attr(path: str, name: str, value: str | None) -> Edit:
    def edit(root: etree._Element) -> None:
        element = root.find(path)
        assert element is not None, path
        if value is None:
            del element.attrib[name]
        else:
            element.set(name, value)

    return edit


def _append(path: str, tag: str, text: str = "", nsmap: dict[str, str] | None = None) -> Edit:
    def edit(root: etree._Element) -> None:
        parent = root.find(path) if path != "." else root
        assert parent is not None, path
        element = etree.SubElement(parent, tag, nsmap=nsmap)
        element.text = text

    return edit


def _duplicate(path: str) -> Edit:
    def edit(root: etree._Element) -> None:
        element = root.find(path)
        assert element is not None, path
        element.addnext(copy.deepcopy(element))

    return edit


def _remove_paths(*paths: str) -> Edit:
    def edit(root: etree._Element) -> None:
        for path in paths:
            _remove(root, path)

    return edit


def test_good_documents_pass() -> None:
    docs = samples.documents()
    assert check_rss(docs["rss"], RSS_SELF) == []
    assert check_atom(docs["atom"], ATOM_SELF) == []
    assert check_jsonfeed(docs["json"], JSON_SELF) == []


RSS_BREAKS: list[tuple[str, Edit, str]] = [
    ("no channel title", _remove_paths("channel/title"), "MissingElement"),
    ("no channel link", _remove_paths("channel/link"), "MissingElement"),
    ("no channel description", _remove_paths("channel/description"), "MissingElement"),
    ("empty channel title", _set_text("channel/title", " "), "NotBlank"),
    ("relative channel link", _set_text("channel/link", "/"), "InvalidURLElement"),
    ("two channel titles", _duplicate("channel/title"), "DuplicateElement"),
    ("unknown channel element", _append("channel", "updated", "x"), "UndefinedElement"),
    ("old version", _set_attr(".", "version", "0.91"), "InvalidRSSVersion"),
    ("bad language", _set_text("channel/language", "english!"), "InvalidLanguage"),
    ("ISO date", _set_text("channel/lastBuildDate", "2026-03-02T09:00:00Z"), "InvalidRFC2822Date"),
    (
        "wrong day name",
        _set_text("channel/item/pubDate", "Mon, 01 Mar 2026 14:30:05 GMT"),
        "IncorrectDOW",
    ),
    (
        "no such day",
        _set_text("channel/item/pubDate", "Sat, 31 Feb 2026 14:30:05 GMT"),
        "InvalidRFC2822Date",
    ),
    (
        "two-digit year",
        _set_text("channel/item/pubDate", "Sun, 01 Mar 26 14:30:05 GMT"),
        "InvalidRFC2822Date",
    ),
    (
        "unknown zone",
        _set_text("channel/item/pubDate", "Sun, 01 Mar 2026 14:30:05 CET"),
        "InvalidRFC2822Date",
    ),
    ("ttl not a number", _append("channel", "ttl", "soon"), "InvalidInteger"),
    ("no self link", _remove_paths(f"channel/{A}link"), "MissingAtomSelfLink"),
    (
        "relative self link",
        _set_attr(f"channel/{A}link", "href", "/rss.xml"),
        "InvalidURLAttribute",
    ),
    (
        "self of another feed",
        _set_attr(f"channel/{A}link", "href", f"{samples.SITE}/x.xml"),
        "SelfDoesntMatchLocation",
    ),
    (
        "item without title or description",
        _remove_paths("channel/item/title", "channel/item/description"),
        "ItemMustContainTitleOrDescription",
    ),
    ("HTML in a title", _set_text("channel/item/title", "<b>Harbour</b> reopens"), "ContainsHTML"),
    (
        "relative item link",
        _set_text("channel/item/link", "/2026/03/01/harbour"),
        "InvalidURLElement",
    ),
    (
        "tag guid claimed as permalink",
        _set_attr("channel/item/guid", "isPermaLink", None),
        "InvalidHttpGUID",
    ),
    (
        "isPermaLink not a boolean",
        _set_attr("channel/item/guid", "isPermaLink", "yes"),
        "InvalidBooleanAttribute",
    ),
    ("empty guid", _set_text("channel/item/guid", ""), "NotBlank"),
    ("two items, one guid", _duplicate("channel/item"), "DuplicateGuid"),
    (
        "enclosure without length",
        _set_attr("channel/item/enclosure", "length", None),
        "MissingAttribute",
    ),
    (
        "enclosure length not a number",
        _set_attr("channel/item/enclosure", "length", "big"),
        "InvalidIntegerAttribute",
    ),
    (
        "enclosure type not a MIME type",
        _set_attr("channel/item/enclosure", "type", "jpeg"),
        "InvalidMIMEType",
    ),
    (
        "relative enclosure",
        _set_attr("channel/item/enclosure", "url", "/media/x.jpg"),
        "InvalidURLAttribute",
    ),
    (
        "relative link in content",
        _set_text(f"channel/item/{{{CONTENT}}}encoded", '<a href="/x">x</a>'),
        "ContainsRelRef",
    ),
    (
        "relative image in description",
        _set_text("channel/item/description", '<img src="x.jpg">'),
        "ContainsRelRef",
    ),
    (
        "script in description",
        _set_text("channel/item/description", "<script>alert(1)</script>"),
        "SecurityRisk",
    ),
    (
        "event handler in content",
        _set_text(f"channel/item/{{{CONTENT}}}encoded", '<p onclick="x()">x</p>'),
        "SecurityRisk",
    ),
    (
        "javascript link",
        _set_text(f"channel/item/{{{CONTENT}}}encoded", '<a href="javascript:x()">x</a>'),
        "SecurityRisk",
    ),
    (
        "dc prefix on another namespace",
        _append(
            "channel/item", "{http://example.org/dc/}creator", "A", {"dc": "http://example.org/dc/"}
        ),
        "InvalidNamespace",
    ),
    (
        "unknown Dublin Core element",
        _append("channel/item", f"{{{DC}}}author", "A"),
        "UndefinedElement",
    ),
    ("empty dc:creator", _set_text(f"channel/item/{{{DC}}}creator", ""), "NotBlank"),
    ("author not an e-mail", _append("channel/item", "author", "Ana Lima"), "InvalidContact"),
    ("empty category", _set_text("channel/item/category", ""), "NotBlank"),
]


@pytest.mark.parametrize(("case", "edit", "code"), RSS_BREAKS, ids=[c[0] for c in RSS_BREAKS])
def test_rss_rule_catches(case: str, edit: Edit, code: str) -> None:
    broken = _edited(samples.documents()["rss"], edit)
    assert code in codes(check_rss(broken, RSS_SELF)), case


def test_rss_rejects_what_is_not_rss() -> None:
    assert codes(check_rss(b"<rss><channel>")) == {"NotWellFormed"}
    assert codes(check_rss(samples.documents()["atom"])) == {"UndefinedRoot"}
    assert "MissingChannel" in codes(check_rss(b'<rss version="2.0"/>'))


ATOM_BREAKS: list[tuple[str, Edit, str]] = [
    ("no feed id", _remove_paths(f"{A}id"), "SchemaInvalid"),
    ("no feed title", _remove_paths(f"{A}title"), "SchemaInvalid"),
    ("no entry updated", _remove_paths(f"{A}entry/{A}updated"), "SchemaInvalid"),
    ("two feed titles", _duplicate(f"{A}title"), "SchemaInvalid"),
    ("unknown atom element", _append(f"{A}entry", f"{A}modified", "x"), "SchemaInvalid"),
    ("not a date", _set_text(f"{A}updated", "2 March 2026"), "SchemaInvalid"),
    (
        "date without zone",
        _set_text(f"{A}entry/{A}updated", "2026-03-02T09:00:00"),
        "InvalidRFC3339Date",
    ),
    ("relative entry id", _set_text(f"{A}entry/{A}id", "article-42"), "InvalidIRI"),
    (
        "tag id without date",
        _set_text(f"{A}entry/{A}id", "tag:news.example.org:article:42"),
        "InvalidIRI",
    ),
    ("id with a space", _set_text(f"{A}id", "https://news.example.org/a b"), "InvalidIRI"),
    ("no self link", _remove_paths(f"{A}link[@rel='self']"), "MissingSelf"),
    (
        "self of another feed",
        _set_attr(f"{A}link[@rel='self']", "href", f"{samples.SITE}/x.xml"),
        "SelfDoesntMatchLocation",
    ),
    ("no alternate link", _remove_paths(f"{A}link[@rel='alternate']"), "MissingAlternateLink"),
    (
        "two alternates of one type",
        _duplicate(f"{A}entry/{A}link[@rel='alternate']"),
        "DuplicateAtomLink",
    ),
    (
        "relative link",
        _set_attr(f"{A}entry/{A}link[@rel='alternate']", "href", "/2026/03/01/x"),
        "ContainsRelRef",
    ),
    (
        "unregistered rel",
        _set_attr(f"{A}entry/{A}link[@rel='enclosure']", "rel", "picture"),
        "UnregisteredAtomLinkRel",
    ),
    (
        "enclosure length not a number",
        _set_attr(f"{A}entry/{A}link[@rel='enclosure']", "length", "x"),
        "InvalidIntegerAttribute",
    ),
    (
        "enclosure without type",
        _set_attr(f"{A}entry/{A}link[@rel='enclosure']", "type", None),
        "MissingAttribute",
    ),
    ("no author anywhere", _remove_paths(f"{A}author", f"{A}entry/{A}author"), "MissingAuthor"),
    (
        "no content and no alternate",
        _remove_paths(f"{A}entry/{A}content", f"{A}entry/{A}link[@rel='alternate']"),
        "MissingContentOrAlternate",
    ),
    (
        "script in content",
        _set_text(f"{A}entry/{A}content", "<p>x</p><script>alert(1)</script>"),
        "SecurityRisk",
    ),
    (
        "relative image in content",
        _set_text(f"{A}entry/{A}content", '<img src="/media/x.jpg">'),
        "ContainsRelRef",
    ),
    (
        "markup in a text title",
        _set_text(f"{A}entry/{A}title", "<b>Harbour</b>"),
        "ContainsUndeclaredHTML",
    ),
    ("empty title", _set_text(f"{A}entry/{A}title", ""), "NotBlank"),
    ("bad language", _set_attr(".", f"{{{XML_NS}}}lang", "en_US"), "InvalidLanguage"),
    ("xml:base", _set_attr(f"{A}entry", f"{{{XML_NS}}}base", samples.SITE), "UnexpectedBase"),
    (
        "updated before published",
        _set_text(f"{A}entry/{A}updated", "2026-01-01T00:00:00Z"),
        "UpdatedBeforePublished",
    ),
    ("one entry twice", _duplicate(f"{A}entry"), "DuplicateEntries"),
    (
        "relative category scheme",
        _set_attr(f"{A}entry/{A}category", "scheme", "/section/"),
        "InvalidIRI",
    ),
    (
        "relative author uri",
        _set_text(f"{A}entry/{A}author/{A}uri", "/author/ana-lima"),
        "InvalidIRI",
    ),
]


@pytest.mark.parametrize(("case", "edit", "code"), ATOM_BREAKS, ids=[c[0] for c in ATOM_BREAKS])
def test_atom_rule_catches(case: str, edit: Edit, code: str) -> None:
    broken = _edited(samples.documents()["atom"], edit)
    assert code in codes(check_atom(broken, ATOM_SELF)), case


def test_atom_out_of_line_content_needs_a_summary() -> None:
    def edit(root: etree._Element) -> None:
        _remove(root, f"{A}entry/{A}summary")
        content = root.find(f"{A}entry/{A}content")
        assert content is not None
        content.text = None
        content.set("type", "application/pdf")
        content.set("src", f"{samples.SITE}/x.pdf")

    broken = _edited(samples.documents()["atom"], edit)
    assert "MissingSummary" in codes(check_atom(broken, ATOM_SELF))


def test_atom_rejects_what_is_not_atom() -> None:
    assert codes(check_atom(b"<feed")) == {"NotWellFormed"}
    assert "UndefinedRoot" in codes(check_atom(samples.documents()["rss"]))


JsonEdit = Callable[[dict[str, Any]], Any]


def _item(feed: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = feed["items"][0]
    return item


JSON_BREAKS: list[tuple[str, JsonEdit, str]] = [
    ("version 1.0", lambda f: f.update(version="https://jsonfeed.org/version/1"), "InvalidVersion"),
    ("no version", lambda f: f.pop("version"), "SchemaInvalid"),
    ("no title", lambda f: f.pop("title"), "SchemaInvalid"),
    ("no items", lambda f: f.pop("items"), "SchemaInvalid"),
    ("unknown key", lambda f: f.update(updated="2026-03-02"), "SchemaInvalid"),
    ("number id", lambda f: _item(f).update(id=42), "InvalidId"),
    ("no content", lambda f: _item(f).pop("content_html"), "MissingContent"),
    ("relative item url", lambda f: _item(f).update(url="/2026/03/01/x"), "InvalidURL"),
    ("relative feed url", lambda f: f.update(feed_url="/feed.json"), "InvalidURL"),
    ("relative author url", lambda f: _item(f)["authors"][0].update(url="/author/x"), "InvalidURL"),
    ("relative image", lambda f: _item(f).update(image="/media/x.jpg"), "InvalidURL"),
    (
        "feed_url of another feed",
        lambda f: f.update(feed_url=f"{samples.SITE}/x.json"),
        "SelfDoesntMatchLocation",
    ),
    ("not a date", lambda f: _item(f).update(date_published="yesterday"), "InvalidRFC3339Date"),
    (
        "date without zone",
        lambda f: _item(f).update(date_modified="2026-03-02T09:00:00"),
        "InvalidRFC3339Date",
    ),
    (
        "script in content",
        lambda f: _item(f).update(content_html="<script>x()</script>"),
        "SecurityRisk",
    ),
    (
        "relative link in content",
        lambda f: _item(f).update(content_html='<a href="x">x</a>'),
        "ContainsRelRef",
    ),
    ("HTML in a title", lambda f: _item(f).update(title="<i>x</i>"), "ContainsHTML"),
    ("two items, one id", lambda f: f["items"].append(copy.deepcopy(_item(f))), "DuplicateId"),
    (
        "attachment without type",
        lambda f: _item(f)["attachments"][0].pop("mime_type"),
        "SchemaInvalid",
    ),
    ("empty author", lambda f: _item(f).update(authors=[{}]), "SchemaInvalid"),
    ("tags not strings", lambda f: _item(f).update(tags=[1]), "SchemaInvalid"),
    ("bad language", lambda f: f.update(language="en_US"), "SchemaInvalid"),
]


@pytest.mark.parametrize(("case", "edit", "code"), JSON_BREAKS, ids=[c[0] for c in JSON_BREAKS])
def test_jsonfeed_rule_catches(case: str, edit: JsonEdit, code: str) -> None:
    feed = json.loads(samples.documents()["json"])
    edit(feed)
    assert code in codes(check_jsonfeed(json.dumps(feed).encode(), JSON_SELF)), case


def test_jsonfeed_allows_underscore_extensions_only() -> None:
    feed = json.loads(samples.documents()["json"])
    feed["_dateline"] = {"about": "an extension"}
    _item(feed)["_dateline"] = {"section": "local"}
    assert check_jsonfeed(json.dumps(feed).encode(), JSON_SELF) == []
    assert codes(check_jsonfeed(b"{not json")) == {"NotJSON"}
