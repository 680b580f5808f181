"""Markdown articles with YAML front matter, as docs/markdown-format.md describes them."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dateline.ingest.formats.markdown import parse_markdown
from dateline.model import Author, BlockKind, InvalidItem, Section, Source, Topic

DOC = Path(__file__).resolve().parents[2] / "docs" / "markdown-format.md"
BODY = "PORTSMOUTH, N.H. — The city council voted 7-2 on Thursday.\n\nMore text.\n"


def documented_example() -> str:
    match = re.search(r"```markdown\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert match, "docs/markdown-format.md has a ```markdown example"
    return match.group(1)


def article_text(front: str, body: str = BODY) -> str:
    return f"---\n{front.strip()}\n---\n{body}"


def invalid(text: str) -> InvalidItem:
    with pytest.raises(InvalidItem) as caught:
        parse_markdown(text, "story.md")
    return caught.value


def test_the_documented_example() -> None:
    article = parse_markdown(documented_example(), "harbor.md")
    assert article.uid == "harbor-dredging-vote-2026-11-20"
    assert article.headline == "Council approves harbor dredging after a decade of delays"
    assert article.slug == "council-approves-harbor-dredging-after-a-decade-of-delays"
    assert article.deck == "The $48 million project will deepen the main channel to 45 feet."
    assert article.section == Section(slug="local", name="")
    assert article.bylines == (
        Author(slug="maria-lopez", name="Maria Lopez"),
        Author(slug="dev-patel", name="Dev Patel"),
    )
    assert article.topics == (
        Topic(slug="harbor", name="Harbor"),
        Topic(slug="city-council", name="City Council"),
    )
    assert article.published_at == datetime(2026, 11, 20, 14, 30, tzinfo=UTC)
    assert article.updated_at == article.version_at == datetime(2026, 11, 20, 19, 5, tzinfo=UTC)
    assert article.dateline == "PORTSMOUTH, N.H."
    assert article.body[0].html.startswith("The city council voted 7-2 on Thursday")
    assert article.credit_line == (
        "Maria Lopez reported from Portsmouth. Dev Patel contributed to this report."
    )
    assert article.language == "en"
    assert article.source == Source()
    assert article.canonical_url == ""
    image = next(b for b in article.body if b.kind is BlockKind.IMAGE)
    assert image.src == "https://example.org/dredge.jpg"
    assert image.alt == "A dredge at work"
    assert image.caption == "The dredge Essayons in the main channel."
    assert image.credit == "Harbor Authority"


def test_markdown_structures_become_blocks() -> None:
    article = parse_markdown(
        article_text(
            "id: a\nheadline: H",
            "Intro *with* [a link](https://example.org/x).\n\n> Quoted\n> words.\n\n"
            "## Sub\n\n- one\n- two\n\n1. first\n",
        ),
        "a.md",
    )
    assert [b.kind for b in article.body] == [
        BlockKind.PARAGRAPH,
        BlockKind.QUOTE,
        BlockKind.HEADING,
        BlockKind.LIST,
        BlockKind.LIST,
    ]
    assert article.body[0].html == (
        'Intro <em>with</em> <a href="https://example.org/x" rel="noopener noreferrer">a link</a>.'
    )
    assert article.body[1].html == "Quoted words."
    assert article.body[3].items == ("one", "two")
    assert article.body[4].ordered


def test_raw_html_in_markdown_is_sanitized() -> None:
    article = parse_markdown(
        article_text(
            "id: a\nheadline: H",
            "Text.\n\n<script>alert(1)</script>\n\n<p onclick='x()'>Raw <sup>2</sup></p>\n\n"
            "[bad](javascript:alert(1)) ![x](data:image/png;base64,AA)\n",
        ),
        "a.md",
    )
    html = " ".join(b.html for b in article.body)
    assert not any(b.src for b in article.body)  # the data: image is gone
    for gone in ("<script", "alert(1)</", "onclick", 'href="javascript'):
        assert gone not in html
    assert "Raw <sup>2</sup>" in html
    assert "<a" not in html  # markdown-it leaves the javascript: link as text


def test_minimal_article_and_defaults() -> None:
    article = parse_markdown(article_text("id: only-this\nheadline: Just a headline"), "a.md")
    assert article.section == Section(slug="", name="")
    assert article.bylines == () and article.topics == ()
    assert article.published_at is None and article.version_at is None
    assert article.language == "en"


def test_explicit_dateline_and_credit_win_and_leave_the_body() -> None:
    article = parse_markdown(
        article_text(
            "id: a\nheadline: H\ndateline: Portsmouth, N.H.\ncredit_line: Staff report.",
            BODY + "\nStaff report.\n",
        ),
        "a.md",
    )
    assert article.dateline == "Portsmouth, N.H."
    assert article.body[0].html.startswith("The city council voted")
    assert article.credit_line == "Staff report."
    assert [b.html for b in article.body] == [
        "The city council voted 7-2 on Thursday.",
        "More text.",
    ]


def test_authors_as_mappings() -> None:
    article = parse_markdown(
        article_text(
            "id: a\nheadline: H\nauthors:\n  - name: Maria Lopez\n    slug: mlopez\n"
            "    bio: Harbor reporter.\n  - Dev Patel"
        ),
        "a.md",
    )
    assert article.bylines == (
        Author(slug="mlopez", name="Maria Lopez", bio="Harbor reporter."),
        Author(slug="dev-patel", name="Dev Patel"),
    )


def test_syndicated_source_gives_the_canonical_url() -> None:
    article = parse_markdown(
        article_text(
            "id: a\nheadline: H\nsource:\n  publisher: The Wire\n"
            "  url: https://wire.example/story\n  id: w-123"
        ),
        "a.md",
    )
    assert article.source == Source(
        kind="syndicated",
        publisher="The Wire",
        url="https://wire.example/story",
        item_id="w-123",
    )
    assert article.canonical_url == "https://wire.example/story"


def test_an_explicit_canonical_url_wins() -> None:
    article = parse_markdown(
        article_text(
            "id: a\nheadline: H\ncanonical_url: https://own.example/x\n"
            "source: {publisher: W, url: 'https://w.example/y'}"
        ),
        "a.md",
    )
    assert article.canonical_url == "https://own.example/x"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-20T09:30:00-05:00", datetime(2026, 11, 20, 14, 30, tzinfo=UTC)),
        ("'2026-11-20T09:30:00+01:00'", datetime(2026, 11, 20, 8, 30, tzinfo=UTC)),
        ("2026-11-20T09:30:00Z", datetime(2026, 11, 20, 9, 30, tzinfo=UTC)),
        ("2026-11-20", datetime(2026, 11, 20, tzinfo=UTC)),
        ("'2026-11-20'", datetime(2026, 11, 20, tzinfo=UTC)),
    ],
)
def test_published_times(value: str, expected: datetime) -> None:
    article = parse_markdown(article_text(f"id: a\nheadline: H\npublished: {value}"), "a.md")
    assert article.published_at == expected
    assert article.version_at == expected
    assert article.updated_at is None


def test_a_numeric_id_is_text() -> None:
    assert parse_markdown(article_text("id: 2024\nheadline: H"), "a.md").uid == "2024"


def test_a_byte_order_mark_and_crlf_are_fine() -> None:
    text = "\ufeff---\r\nid: a\r\nheadline: H\r\n---\r\nBody.\r\n"
    assert parse_markdown(text, "a.md").body[0].html == "Body."


# Malformed files


@pytest.mark.parametrize(
    "text",
    [
        "Just a body, no front matter.\n",
        "---\nid: a\nheadline: H\nno closing line\n",
        "\n---\nid: a\n---\nBody\n",
    ],
)
def test_front_matter_is_required(text: str) -> None:
    error = invalid(text)
    assert "front matter" in error.message
    assert error.source == "story.md"


def test_bad_yaml_says_where() -> None:
    error = invalid(article_text("id: a\nheadline: [unclosed"))
    assert "not valid YAML" in error.message
    assert "line" in error.message


def test_front_matter_must_be_a_mapping() -> None:
    assert "mapping" in invalid(article_text("- a\n- b")).message


@pytest.mark.parametrize(
    ("front", "field"),
    [
        ("id: a\nheadline: H\nstatus: published", "status"),
        ("id: a\nheadline: H\nheadine: typo", "headine"),
        ("headline: H", "id"),
        ("id: ''\nheadline: H", "id"),
        ("id: [a]\nheadline: H", "id"),
        ("id: a", "headline"),
        ("id: a\nheadline: 42", "headline"),
        ("id: a\nheadline: " + "h" * 301, "headline"),
        ("id: a\nheadline: H\ndeck: " + "d" * 601, "deck"),
        ("id: a\nheadline: H\ndateline: " + "d" * 121, "dateline"),
        ("id: a\nheadline: H\ncredit_line: " + "c" * 1001, "credit_line"),
        ("id: a\nheadline: H\nsection: [a]", "section"),
        ("id: a\nheadline: H\nauthors: Maria Lopez", "authors"),
        ("id: a\nheadline: H\nauthors: [{nam: Maria}]", "authors"),
        ("id: a\nheadline: H\nauthors: [{bio: x}]", "authors"),
        ("id: a\nheadline: H\nauthors: [3]", "authors"),
        ("id: a\nheadline: H\ntopics: Harbor", "topics"),
        ("id: a\nheadline: H\ntopics: [1, 2]", "topics"),
        ("id: a\nheadline: H\npublished: 2026-11-20 09:30:00", "published"),
        ("id: a\nheadline: H\npublished: '2026-11-20T09:30:00'", "published"),
        ("id: a\nheadline: H\npublished: next Tuesday", "published"),
        ("id: a\nheadline: H\nupdated: 5", "updated"),
        ("id: a\nheadline: H\nlanguage: English!", "language"),
        ("id: a\nheadline: H\nsource: The Wire", "source"),
        ("id: a\nheadline: H\nsource: {url: 'https://w.example'}", "source"),
        ("id: a\nheadline: H\nsource: {publisher: W, link: x}", "source"),
        ("id: a\nheadline: H\nsource: {publisher: W, url: 'javascript:alert(1)'}", "source"),
        ("id: a\nheadline: H\ncanonical_url: /relative", "canonical_url"),
    ],
)
def test_malformed_fields_are_named(front: str, field: str) -> None:
    assert invalid(article_text(front)).field == field


def test_a_naive_time_needs_a_utc_offset() -> None:
    error = invalid(article_text("id: a\nheadline: H\npublished: 2026-11-20 09:30:00"))
    assert "needs a UTC offset" in error.message
    assert str(error).startswith("story.md: field 'published': ")


def test_an_empty_body_is_an_error() -> None:
    assert "body is empty" in invalid(article_text("id: a\nheadline: H", "\n  \n")).message
