"""The HTML allowlist: what survives, what goes, and how URLs are treated."""

from __future__ import annotations

import pytest

from dateline.ingest.sanitize import sanitize_html


@pytest.mark.parametrize(
    ("hostile", "gone"),
    [
        ("<p>a</p><script>alert('x')</script>", "alert"),
        ("<p>a<script src='https://evil.example/x.js'></script></p>", "evil"),
        ('<img src="https://example.org/a.jpg" onerror="alert(1)">', "onerror"),
        ('<p onclick="steal()">a</p>', "onclick"),
        ('<a href="javascript:alert(1)">x</a>', "javascript"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "alert"),
        ('<a href="java&#x09;script:alert(1)">x</a>', "alert"),
        ('<a href="vbscript:msgbox(1)">x</a>', "vbscript"),
        ('<iframe src="https://evil.example/"></iframe><p>a</p>', "iframe"),
        ("<iframe>inside text</iframe><p>a</p>", "inside text"),
        ("<style>p { color: red }</style><p>a</p>", "color"),
        ('<p style="position:fixed">a</p>', "style"),
        ('<img src="data:image/png;base64,iVBORw0KGgo=">', "data:"),
        ('<a href="data:text/html,<script>alert(1)</script>">x</a>', "data:"),
        ("<object data='x.swf'>fallback</object><p>a</p>", "fallback"),
        ("<svg><script>alert(1)</script></svg><p>a</p>", "svg"),
        ("<form action='/x'><input name='q'></form><p>a</p>", "form"),
        ("<p>a<!-- a comment --></p>", "comment"),
        ('<p id="x" class="y">a</p>', "id="),
        ("<noscript><img src='https://t.example/pixel'></noscript><p>a</p>", "pixel"),
    ],
)
def test_hostile_markup_is_removed(hostile: str, gone: str) -> None:
    assert gone not in sanitize_html(hostile)


def test_event_handlers_never_survive_on_allowed_tags() -> None:
    cleaned = sanitize_html(
        '<a href="https://example.org" onmouseover="x()">a</a>'
        '<img src="https://example.org/a.jpg" onload="x()">'
        '<blockquote onfocus="x()">q</blockquote>'
    )
    assert " on" not in cleaned
    assert 'href="https://example.org"' in cleaned
    assert 'src="https://example.org/a.jpg"' in cleaned


def test_the_allowed_body_markup_is_kept() -> None:
    fragment = (
        "<h2>Sub</h2><p><em>e</em> <strong>s</strong> <i>i</i> <b>b</b> <q>q</q> "
        "<cite>c</cite> <code>k</code> <sub>2</sub> <sup>3</sup> <s>x</s> <small>m</small> "
        '<abbr title="North Atlantic Treaty Organization">NATO</abbr><br></p>'
        "<blockquote><p>quoted</p></blockquote><ul><li>one</li></ul><ol><li>two</li></ol>"
        '<figure><img src="https://example.org/a.jpg" alt="A" title="T">'
        "<figcaption>cap</figcaption></figure><pre>pre</pre>"
    )
    assert sanitize_html(fragment) == fragment


def test_links_get_rel_noopener_noreferrer() -> None:
    cleaned = sanitize_html('<a href="https://example.org/" title="t" target="_blank">x</a>')
    assert cleaned == ('<a href="https://example.org/" title="t" rel="noopener noreferrer">x</a>')


def test_mailto_links_are_allowed() -> None:
    assert 'href="mailto:desk@example.org"' in sanitize_html(
        '<a href="mailto:desk@example.org">desk</a>'
    )


def test_relative_urls_resolve_against_the_base() -> None:
    cleaned = sanitize_html(
        '<a href="/world/story">s</a><img src="pics/a.jpg"><a href="#note">n</a>',
        base_url="https://wire.example.com/news/item.html",
    )
    assert 'href="https://wire.example.com/world/story"' in cleaned
    assert 'src="https://wire.example.com/news/pics/a.jpg"' in cleaned
    assert 'href="https://wire.example.com/news/item.html#note"' in cleaned


def test_scheme_relative_urls_take_the_base_scheme() -> None:
    cleaned = sanitize_html('<img src="//cdn.example.com/a.jpg">', base_url="https://x.example/")
    assert 'src="https://cdn.example.com/a.jpg"' in cleaned


def test_relative_urls_are_kept_without_a_base() -> None:
    assert 'href="/2024/03/22/other"' in sanitize_html('<a href="/2024/03/22/other">o</a>')


def test_absolute_urls_are_not_touched_by_the_base() -> None:
    cleaned = sanitize_html(
        '<a href="https://other.example/x">o</a>', base_url="https://b.example/"
    )
    assert 'href="https://other.example/x"' in cleaned


def test_unknown_tags_are_unwrapped_keeping_their_text() -> None:
    assert sanitize_html("<p><font color=red>kept</font> <u>too</u></p>") == "<p>kept too</p>"


def test_wrappers_are_kept_bare() -> None:
    assert sanitize_html('<div class="x" id="y"><section lang="en">t</section></div>') == (
        "<div><section>t</section></div>"
    )


def test_only_the_credit_classes_survive() -> None:
    cleaned = sanitize_html('<div class="credit big">c</div><span class="byline red">b</span>')
    assert cleaned == '<div class="credit">c</div><span class="byline">b</span>'


def test_a_whole_html_document_loses_its_head() -> None:
    cleaned = sanitize_html(
        "<html><head><title>Title text</title><meta charset=utf-8></head>"
        "<body><p>Body</p></body></html>"
    )
    assert cleaned == "<p>Body</p>"


@pytest.mark.parametrize("blank", ["", "   ", "\n\t"])
def test_blank_input_gives_an_empty_fragment(blank: str) -> None:
    assert sanitize_html(blank) == ""
