"""The feed reader's shortcuts give what the plain code they stand for gives.

Each shortcut (``_join``, ``_joined``, ``collapse_spaces``, ``_has_text``'s first look,
``_may_open_with_city``, ``_outer_html``, ``_MARKED``, ``_holds_blocks``, ``needs_base``) is checked
against the expression it replaces, on random input drawn from the awkward cases: dot
segments, parameters, tabs inside URLs, bases that do not parse, every kind of
whitespace, entities, comments, classes and spans at any depth.
"""

from __future__ import annotations

import html
import random
import re
import sys
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from dateline.ingest.blocks import (
    _INLINE,
    _MARKED,
    _has_text,
    _holds_blocks,
    _normalise,
    _outer_html,
)
from dateline.ingest.formats.entry import _SPACE_OR_CONTROL, _joined, http_url
from dateline.ingest.formats.feed import needs_base
from dateline.ingest.sanitize import _join, sanitize_html
from dateline.ingest.structure import _DATELINE, _may_open_with_city, split_dateline
from dateline.model.text import collapse_spaces, strip_tags

WHITESPACE = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]

BASES = [
    "http://e.example/a/b.html",
    "https://E.example:8080/dir/",
    "http://e.example",
    "HTTP://e.example/x",
    "http://e.example/a/b;p?q=1#f",
    "http://u:p@e.example/",
    "http://[::1]/x",
    "http://[::1/x",  # not a URL: urljoin raises ValueError
    "https://é.example/ü/",
    "mailto:x@e.example",
    "ftp://e.example/d/",
    "//e.example/x",
    "/relative/base",
    "e.example",
]
URL_PIECES = ["/", "//", "a", "b", ".", "..", "./", "../", ";p", "?q", "#f", "\t", "\n", "\r"]
URL_PIECES += [" ", "\x00", "%2e", "ü", ":", "@", "[", "]", "\\", "http:", "HTTP:"]
URL_PIECES += ["https://o.example", ";", "?", "#"]

TEXT_PIECES = ["word", "Ünïcode", "ΣΑΣ", "ß", "<em>", "</em>", "<p>", "<br>", "<", ">", "&"]
TEXT_PIECES += ["&amp;"]
TEXT_PIECES += ["&nbsp;", "&#10;", "&#x1c;", "&lt;b&gt;", "\x00", "\x1b", "\x7f", *WHITESPACE]

CITY_PIECES = ["PARIS", "Paris", "ST.", "O'", "-", " ", ",", " —", " -- ", "(AP)", "Nov. 5"]
CITY_PIECES += ["é", "É"]
CITY_PIECES += ["Ǆ", "ǅ", "ǆ", "²", "½", "Ⅷ", "ⅷ", "の", "1", "_", "'", "’", ".", "The", "A", "x"]

FRAGMENT_PIECES = ["<p>", "</p>", "<div>", "</div>", '<div class="credit">', '<p class="byline x">']
FRAGMENT_PIECES += ["<span>", "</span>", '<span class="credit">', "<figure>", "</figure>", "<em>"]
FRAGMENT_PIECES += ["</em>", '<img src="/i.jpg" alt="a | b">', "<small>", "</small>", "<ul><li>"]
FRAGMENT_PIECES += ["<blockquote>", "</blockquote>", "<!-- note -->", "<h2>", "</h2>", "<br>"]
FRAGMENT_PIECES += ["text"]
FRAGMENT_PIECES += [" ", "\n", "&amp;", "&nbsp;", '<a href="/x" title="&lt;meta&gt;">', "</a>"]


def _draw(rng: random.Random, pieces: list[str], most: int) -> str:
    return "".join(rng.choice(pieces) for _ in range(rng.randint(0, most)))


def _outcome(join: Callable[[str, str], str], base: str, url: str) -> str:
    try:
        return join(base, url)
    except ValueError as exc:
        return f"ValueError: {exc}"


def _trees(rng: random.Random, count: int) -> list[lxml.html.HtmlElement]:
    trees = []
    for _ in range(count):
        fragment = _draw(rng, FRAGMENT_PIECES, 30)
        trees.append(lxml.html.fragment_fromstring(fragment, create_parent="div"))
        clean = sanitize_html(fragment, "http://e.example/a")
        trees.append(lxml.html.fragment_fromstring(clean, create_parent="div"))
    return trees


def test_sanitizer_joins_as_urljoin_does() -> None:
    rng = random.Random(11)
    for _ in range(20_000):
        base = rng.choice(BASES)
        url = "/" + _draw(rng, URL_PIECES, 6) if rng.random() < 0.8 else _draw(rng, URL_PIECES, 6)
        assert _outcome(_join, base, url) == _outcome(urljoin, base, url), (base, url)


def test_sanitizer_takes_plain_paths_without_urljoin() -> None:
    assert _join("https://e.example/2026/story.html", "/topics/x") == "https://e.example/topics/x"
    assert _join("http://e.example/a/b", "/a/../b") == "http://e.example/b"  # urljoin's
    assert sanitize_html('<a href="/topics/x">x</a>', "https://e.example/s.html") == (
        '<a href="https://e.example/topics/x" rel="noopener noreferrer">x</a>'
    )


def _split_after(join: Callable[[str, str], str], base: str, url: str) -> str:
    """What ``http_url`` makes of a join: the URL, or a ValueError of the join or split."""
    try:
        absolute = join(base, url)
        urlsplit(absolute)
    except ValueError:
        return "ValueError"
    return absolute


def test_entry_links_join_as_urljoin_does() -> None:
    rng = random.Random(12)
    for _ in range(20_000):
        base = rng.choice(BASES)
        scheme = rng.choice(["http://", "https://", "HTTP://", "ftp://", ""])
        url = scheme + _draw(rng, URL_PIECES, 6)
        if _SPACE_OR_CONTROL.search(url):  # http_url refuses these before joining
            continue
        joined = _split_after(_joined, base, url)
        assert joined == _split_after(urljoin, base, url), (base, url)
    assert http_url("https://o.example/a/./b", "http://e.example/") == "https://o.example/a/./b"
    assert http_url("http://o.example/a?", "http://e.example/") == "http://o.example/a"  # urljoin's


def test_needs_base_answers_as_the_case_ignoring_expression_does() -> None:
    expression = re.compile(rb"base\s*=|enclosure", re.IGNORECASE)
    pieces = [
        b"base",
        b"BaSe",
        b"bas",
        b"ase",
        b"=",
        b" ",
        b"\t",
        b"\n",
        b"\x0b",
        b"\xa0",
        b"\xc4\xb0",
        b"enclosure",
        b"ENCLOSURE",
        b"enclos",
        b"ure",
        b"xml:",
        b"<a ",
        b'"',
        b"b",
        b"\xdf",
    ]
    rng = random.Random(16)
    for _ in range(20_000):
        data = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        assert needs_base(data) == (expression.search(data) is not None), data
    assert needs_base(b'<feed xml:BASE = "http://e.example/">')
    assert not needs_base(b"<rss><channel><title>base camp</title></channel></rss>")


def test_spaces_collapse_as_the_regular_expression_does() -> None:
    rng = random.Random(13)
    for space in WHITESPACE:
        text = f"{space}a{space}{space}b{space}"
        assert collapse_spaces(text) == re.sub(r"\s+", " ", text).strip() == "a b"
    for _ in range(20_000):
        text = _draw(rng, TEXT_PIECES, 20)
        assert collapse_spaces(text) == re.sub(r"\s+", " ", text).strip(), text
        expected = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text))).strip()
        assert strip_tags(text) == expected, text


def test_has_text_answers_as_strip_tags_would() -> None:
    rng = random.Random(14)
    for _ in range(20_000):
        inline = _draw(rng, TEXT_PIECES, 8)
        assert _has_text(inline) == bool(strip_tags(inline)), inline


def test_whitespace_between_blocks_makes_no_paragraph() -> None:
    rng = random.Random(15)
    for _ in range(2_000):
        run = _draw(rng, WHITESPACE, 6)
        assert not _has_text(_normalise(html.escape(run, quote=False))), run


def test_a_dateline_city_passes_the_first_look() -> None:
    rng = random.Random(16)
    seen = 0
    for _ in range(40_000):
        text = _draw(rng, CITY_PIECES, 8) + " — The story"
        found = _DATELINE.match(text)
        if found is None:
            continue
        letters = [c for c in found.group("city") if c.isalpha()]
        if len(letters) >= 2 and all(c.isupper() for c in letters):
            seen += 1
            assert _may_open_with_city(text), text
    assert seen > 100  # the draw does reach datelines
    assert split_dateline("The PARIS — x") is None
    assert split_dateline("PARIS, France (AP) — The trial") == ("PARIS, France", "The trial")


def test_outer_html_is_lxml_html_tostring() -> None:
    for root in _trees(random.Random(17), 500):
        for element in root.iter(etree.Element):
            expected = lxml.html.tostring(element, encoding="unicode", with_tail=False)
            assert _outer_html(element) == expected


def test_marked_elements_and_block_holders_are_found_as_before() -> None:
    old_marked = etree.XPath("descendant-or-self::*[@class or self::span]")
    for root in _trees(random.Random(18), 500):
        assert _MARKED(root) == old_marked(root)
        for element in root.iter():
            old = any(
                isinstance(d.tag, str) and d.tag not in _INLINE for d in element.iterdescendants()
            )
            assert _holds_blocks(element) == old
    assert "img" not in _INLINE  # so a paragraph holding no blocks holds no image
