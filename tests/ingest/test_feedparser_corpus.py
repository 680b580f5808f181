"""feedparser's own test corpus through ``parse_feed``: nothing crashes, nothing unsafe is kept.

The 1,769 files under ../shared/fixtures/feeds/feedparser (its ``wellformed/`` and
``illformed/`` suites, the license beside them included) are read at run time, one test per
folder. Each file either gives a ``ParsedFeed`` or raises ``InvalidItem``; any other
exception fails. Every article made from them is then searched for anything a page must
never carry: script, frames and embedded objects, event handlers, ``style`` and
``javascript:``/``vbscript:``/``data:`` URLs. Body HTML is parsed with lxml and its
elements and attributes inspected; the plain-text fields are searched as stored.
"""

from __future__ import annotations

import re
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html
import pytest

from dateline.ingest.formats.syndication import parse_feed
from dateline.model import Article, BlockKind, InvalidItem
from tests.conftest import SHARED, shared_path

CORPUS = SHARED / "fixtures" / "feeds" / "feedparser"
BASE_URL = "http://127.0.0.1:8097/"
FORBIDDEN_TAGS = frozenset({"script", "iframe", "object", "embed", "style", "frame", "applet"})
URL_ATTRIBUTES = frozenset({"href", "src"})
SAFE_SCHEMES = ("http://", "https://", "mailto:")
UNSAFE_TEXT = re.compile(
    r"<\s*(?:script|iframe|object|embed)\b|\bon[a-z]+\s*=|\bstyle\s*=|(?:javascript|vbscript|data):",
    re.IGNORECASE,
)


@dataclass
class Tally:
    files: int = 0
    items: int = 0
    invalid: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)


def folders() -> list[str]:
    if not CORPUS.is_dir():
        return ["(../shared is absent)"]
    names = {str(p.parent.relative_to(CORPUS)) for p in CORPUS.rglob("*") if p.is_file()}
    return sorted(names)


def html_problems(fragment: str) -> list[str]:
    """What is unsafe in a stored HTML fragment, found by parsing it."""
    if not fragment.strip():
        return []
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    found: list[str] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            found.append(f"a {type(element).__name__} node")
            continue
        if element.tag in FORBIDDEN_TAGS:
            found.append(f"<{element.tag}>")
        for name, value in element.attrib.items():
            if name.lower().startswith("on") or name.lower() == "style":
                found.append(f"attribute {name}")
            if name in URL_ATTRIBUTES and not value.strip().lower().startswith(SAFE_SCHEMES):
                found.append(f"{name}={value!r}")
    if UNSAFE_TEXT.search(fragment):
        found.append(f"text matching {UNSAFE_TEXT.search(fragment)!r}")
    return found


def article_problems(article: Article) -> list[str]:
    found: list[str] = []
    for text_field in (article.headline, article.deck, article.dateline, article.credit_line):
        if UNSAFE_TEXT.search(text_field):
            found.append(f"plain field {text_field[:60]!r}")
    for url in (article.canonical_url, article.source.url):
        if url and not url.startswith(("http://", "https://")):
            found.append(f"url {url!r}")
    for block in article.body:
        for fragment in (block.html, block.caption, *block.items):
            found.extend(html_problems(fragment))
        if block.kind is BlockKind.IMAGE and not block.src.startswith(("http://", "https://")):
            found.append(f"image src {block.src!r}")
        if UNSAFE_TEXT.search(block.alt) or UNSAFE_TEXT.search(block.credit):
            found.append(f"image text {block.alt!r} {block.credit!r}")
    return found


def run_folder(folder: Path) -> Tally:
    tally = Tally()
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        tally.files += 1
        name = str(path.relative_to(CORPUS))
        try:
            parsed = parse_feed(path.read_bytes(), url=BASE_URL + name)
        except InvalidItem:
            tally.invalid += 1
            continue
        except Exception as exc:  # the point of the test: report every crash, not the first
            tally.problems.append(f"{name}: crashed with {type(exc).__name__}: {exc}")
            continue
        tally.items += len(parsed.items)
        tally.skipped += len(parsed.skipped)
        for item in parsed.items:
            tally.problems.extend(f"{name}: {p}" for p in article_problems(item.article))
    return tally


@pytest.mark.parametrize("folder", folders())
def test_every_file_parses_or_is_refused_and_nothing_unsafe_survives(folder: str) -> None:
    corpus = shared_path("fixtures", "feeds", "feedparser")
    tally = run_folder(corpus / folder)
    assert tally.files > 0
    assert tally.problems == []


def test_the_whole_corpus_in_numbers(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """All 1,769 files: how many give items, how many are refused, how fast; no fetching."""
    corpus = shared_path("fixtures", "feeds", "feedparser")
    connections: list[str] = []

    def refuse(self: socket.socket, address: object) -> None:
        connections.append(repr(address))
        raise OSError("the network is off in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    started = time.perf_counter()
    total = Tally()
    for folder in folders():
        tally = run_folder(corpus / folder)
        total.files += tally.files
        total.items += tally.items
        total.invalid += tally.invalid
        total.skipped += tally.skipped
        total.problems.extend(tally.problems)
    seconds = time.perf_counter() - started
    with capsys.disabled():
        print(
            f"\nfeedparser corpus: {total.files} files, {total.items} items, "
            f"{total.invalid} refused as InvalidItem, {total.skipped} entries skipped, "
            f"{seconds:.1f} s"
        )
    assert total.files == 1769
    assert connections == []
    assert total.problems == []
    assert total.invalid <= 5  # the license, the empty document: not feeds
    assert total.items > 400
    assert seconds < 60


def test_the_sanitizer_cases_give_articles() -> None:
    """The 745 sanitizer cases are real input: many must come through as articles."""
    folder = shared_path("fixtures", "feeds", "feedparser", "wellformed", "sanitize")
    tally = run_folder(folder)
    assert tally.files == 745
    assert tally.problems == []
    assert tally.items > 200


def test_the_checks_find_what_they_look_for() -> None:
    """The corpus finding nothing means something only if the checks can find it."""
    assert html_problems('<p onclick="steal()">a</p>')
    assert html_problems('<p style="color: red">a</p>')
    assert html_problems("<p>a<script>alert(1)</script></p>")
    assert html_problems('<iframe src="https://example.com/"></iframe>')
    assert html_problems('<a href="javascript:alert(1)">a</a>')
    assert html_problems('<a href=" VBScript:x">a</a>')
    assert html_problems('<img src="data:image/png;base64,AAAA">')
    assert not html_problems('<a href="https://example.com/" rel="noopener noreferrer">a</a>')
    assert not html_problems("<em>Common</em> sense = one two")
