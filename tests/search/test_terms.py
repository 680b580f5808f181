"""Reading a reader's text as search terms, and making snippets safe: pure rules."""

from __future__ import annotations

import pytest

from dateline.model.search import MARK_END, MARK_START, MAX_TERMS, parse_terms, snippet_html
from dateline.store.search import fts5_query, websearch_text


def test_words_phrases_alternatives_and_exclusions() -> None:
    terms = parse_terms('gaza "cease fire" hamas OR israel -rafah -"red sea"')
    assert terms.required == ((("gaza",),), (("cease", "fire"),), (("hamas",), ("israel",)))
    assert terms.excluded == (("rafah",), ("red", "sea"))
    assert fts5_query(terms) == (
        '(("gaza" AND "cease fire" AND ("hamas" OR "israel")) NOT "rafah") NOT "red sea"'
    )
    assert websearch_text(terms) == '"gaza" "cease fire" "hamas" or "israel" -"rafah" -"red sea"'


@pytest.mark.parametrize(
    ("text", "required"),
    [
        ('"unclosed', ((("unclosed",),),)),
        ("AND OR NOT", ((("and",), ("not",)),)),
        ("NEAR(gaza, 3)", ((("near", "gaza"),), (("3",),))),
        ("e-mail", ((("e", "mail"),),)),
        ("col:umn", ((("col", "umn"),),)),
        ("OR gaza OR", ((("gaza",),),)),
        ("Café", ((("café",),),)),
    ],
)
def test_operators_and_punctuation_are_read_as_words(
    text: str, required: tuple[tuple[tuple[str, ...], ...], ...]
) -> None:
    terms = parse_terms(text)
    assert terms.required == required
    assert '"' not in "".join(w for g in terms.required for p in g for w in p)


@pytest.mark.parametrize("text", ["", "   ", "*", "(", ")", "-", ":", '"', "😀🎉", "-gaza", "^"])
def test_text_without_words_to_find_is_empty(text: str) -> None:
    assert parse_terms(text).empty


def test_a_long_text_keeps_only_the_first_terms() -> None:
    terms = parse_terms(" ".join(f"word{i}" for i in range(500)))
    assert len(terms.required) == MAX_TERMS
    assert terms.required[0] == (("word0",),)


def test_snippets_are_escaped_and_marks_are_balanced() -> None:
    raw = f"<script>alert(1)</script> {MARK_START}gaza{MARK_END} & {MARK_END}{MARK_START}x"
    assert snippet_html(raw) == (
        "&lt;script&gt;alert(1)&lt;/script&gt; <mark>gaza</mark> &amp; <mark>x</mark>"
    )
