"""Body blocks out of outside HTML and plain text."""

from __future__ import annotations

import pytest

from dateline.ingest.blocks import html_to_blocks, single_line, text_to_blocks
from dateline.model import Block, BlockKind

P = BlockKind.PARAGRAPH


def kinds(blocks: tuple[Block, ...]) -> list[BlockKind]:
    return [b.kind for b in blocks]


def test_paragraphs_keep_their_inline_html() -> None:
    blocks = html_to_blocks(
        '<p>One <em>two</em> <a href="https://example.org/">three</a>.</p><p>Four</p>'
    )
    assert blocks == (
        Block(
            P,
            html='One <em>two</em> <a href="https://example.org/" '
            'rel="noopener noreferrer">three</a>.',
        ),
        Block(P, html="Four"),
    )


def test_whitespace_is_normalised_and_empty_paragraphs_dropped() -> None:
    blocks = html_to_blocks("<p>  a \n\n  b\t c </p><p> </p><p><br></p><p>&nbsp;</p><p></p>")
    assert blocks == (Block(P, html="a b c"),)


def test_a_no_break_space_inside_text_is_kept() -> None:
    assert html_to_blocks("<p>25&nbsp;000 people</p>")[0].html == "25\xa0000 people"


def test_entities_and_markup_characters_stay_escaped() -> None:
    assert html_to_blocks("<p>AT&amp;T &lt;b&gt; 5 &gt; 4</p>")[0].html == (
        "AT&amp;T &lt;b&gt; 5 &gt; 4"
    )


@pytest.mark.parametrize(
    ("tag", "level"), [("h1", 2), ("h2", 2), ("h3", 3), ("h4", 4), ("h5", 5), ("h6", 6)]
)
def test_headings_keep_their_level_but_h1_becomes_2(tag: str, level: int) -> None:
    assert html_to_blocks(f"<{tag}>Title <em>x</em></{tag}>") == (
        Block(BlockKind.HEADING, html="Title <em>x</em>", level=level),
    )


def test_lists_keep_items_and_order() -> None:
    blocks = html_to_blocks(
        "<ul><li>one</li><li> <b>two</b> </li><li></li></ul><ol><li>x</li></ol>"
    )
    assert blocks == (
        Block(BlockKind.LIST, items=("one", "<b>two</b>")),
        Block(BlockKind.LIST, items=("x",), ordered=True),
    )


def test_list_items_with_paragraphs_and_nested_lists_become_inline() -> None:
    blocks = html_to_blocks("<ul><li><p>a</p><p>b</p></li><li>c<ul><li>d</li></ul></li></ul>")
    assert blocks == (Block(BlockKind.LIST, items=("a<br>b", "c<br>d")),)


def test_an_empty_list_is_dropped() -> None:
    assert html_to_blocks("<ul><li> </li></ul><p>x</p>") == (Block(P, html="x"),)


def test_blockquote_paragraphs_are_joined_into_one_quote() -> None:
    blocks = html_to_blocks("<blockquote><p>First.</p><p>Second <em>it</em>.</p></blockquote>")
    assert blocks == (Block(BlockKind.QUOTE, html="First.<br>Second <em>it</em>."),)


def test_blockquote_of_bare_text() -> None:
    assert html_to_blocks("<blockquote> Said so. </blockquote>") == (
        Block(BlockKind.QUOTE, html="Said so."),
    )


def test_a_bare_image_uses_its_title_as_caption() -> None:
    blocks = html_to_blocks('<img src="https://example.org/a.jpg" alt="A dredge" title="At work">')
    assert blocks == (
        Block(
            BlockKind.IMAGE,
            src="https://example.org/a.jpg",
            alt="A dredge",
            caption="At work",
        ),
    )


def test_a_caption_text_pipe_credit_splits() -> None:
    (image,) = html_to_blocks(
        '<img src="https://example.org/a.jpg" alt="" title="The dredge. | Harbor Authority">'
    )
    assert (image.caption, image.credit) == ("The dredge.", "Harbor Authority")


def test_figure_with_figcaption_and_small_credit() -> None:
    (image,) = html_to_blocks(
        '<figure><img src="https://example.org/a.jpg" alt="Alt">'
        "<figcaption>The <em>Essayons</em> at work. <small>Photo: Jane Roe</small>"
        "</figcaption></figure>"
    )
    assert image == Block(
        BlockKind.IMAGE,
        src="https://example.org/a.jpg",
        alt="Alt",
        caption="The <em>Essayons</em> at work.",
        credit="Photo: Jane Roe",
    )


@pytest.mark.parametrize(
    "marked",
    [
        '<figcaption>Caption. <span class="credit">Jane Roe/TT</span></figcaption>',
        '<div class="byline">Jane Roe/TT</div><figcaption>Caption.</figcaption>',
        '<figcaption>Caption.</figcaption><p class="credit">Jane Roe/TT</p>',
    ],
)
def test_figure_credit_from_a_marked_element(marked: str) -> None:
    (image,) = html_to_blocks(f'<figure><img src="https://example.org/a.jpg">{marked}</figure>')
    assert (image.caption, image.credit) == ("Caption.", "Jane Roe/TT")


def test_figure_caption_pipe_credit() -> None:
    (image,) = html_to_blocks(
        '<figure><img src="https://example.org/a.jpg"><figcaption>Cap | AP</figcaption></figure>'
    )
    assert (image.caption, image.credit) == ("Cap", "AP")


def test_images_without_a_safe_source_are_dropped() -> None:
    blocks = html_to_blocks(
        '<img src="data:image/png;base64,AAAA"><img src="javascript:x()"><img alt="no src">'
        '<figure><img src="data:image/gif;base64,AA"><figcaption>c</figcaption></figure>'
    )
    assert blocks == ()


def test_an_image_inside_a_paragraph_is_lifted_out() -> None:
    leading = html_to_blocks('<p><img src="https://example.org/a.jpg"> Text after.</p>')
    trailing = html_to_blocks('<p>Text before. <img src="https://example.org/a.jpg"></p>')
    assert kinds(leading) == [BlockKind.IMAGE, P]
    assert leading[1].html == "Text after."
    assert kinds(trailing) == [P, BlockKind.IMAGE]
    assert trailing[0].html == "Text before."


def test_wrappers_are_descended_into() -> None:
    blocks = html_to_blocks(
        "<article><section><div><p>a</p><div><h2>b</h2></div></div></section>"
        "<span><p>c</p></span></article>"
    )
    assert blocks == (
        Block(P, html="a"),
        Block(BlockKind.HEADING, html="b", level=2),
        Block(P, html="c"),
    )


def test_divs_used_as_paragraphs_stay_apart() -> None:
    assert html_to_blocks("<div>Line one</div><div>Line <b>two</b></div>") == (
        Block(P, html="Line one"),
        Block(P, html="Line <b>two</b>"),
    )


def test_loose_text_and_inline_elements_become_paragraphs() -> None:
    blocks = html_to_blocks(
        "Loose <em>text</em> here<p>Para</p>tail <a href='https://e.org/'>x</a>"
    )
    assert kinds(blocks) == [P, P, P]
    assert blocks[0].html == "Loose <em>text</em> here"
    assert blocks[2].html.startswith("tail <a href=")


def test_double_line_breaks_split_loose_text() -> None:
    blocks = html_to_blocks("First line<br>same paragraph<br><br>Second<br> <br>Third<br>")
    assert [b.html for b in blocks] == ["First line<br>same paragraph", "Second", "Third"]


def test_spans_and_classes_do_not_reach_stored_html() -> None:
    (block,) = html_to_blocks('<p><span class="credit">a</span> <span>b</span></p>')
    assert block.html == "a b"


def test_block_html_is_sanitized() -> None:
    blocks = html_to_blocks(
        '<p onclick="x()">ok<script>alert(1)</script><a href="javascript:alert(1)">l</a></p>'
        "<iframe src='https://evil.example'></iframe><style>p{}</style>"
    )
    assert blocks == (Block(P, html='ok<a rel="noopener noreferrer">l</a>'),)


def test_relative_urls_resolve_against_the_base() -> None:
    blocks = html_to_blocks(
        '<p><a href="/x">x</a></p><img src="a.jpg">', base_url="https://wire.example/news/"
    )
    assert 'href="https://wire.example/x"' in blocks[0].html
    assert blocks[1].src == "https://wire.example/news/a.jpg"


def test_a_full_html_document_gives_only_its_body() -> None:
    blocks = html_to_blocks(
        "<html><head><title>Headline</title></head><body><article><h1>Headline</h1>"
        "<p>Text.</p></article></body></html>"
    )
    assert blocks == (Block(BlockKind.HEADING, html="Headline"), Block(P, html="Text."))


@pytest.mark.parametrize("empty", ["", "  ", "<p></p>", "<script>x</script>", "<!-- c -->"])
def test_nothing_readable_gives_no_blocks(empty: str) -> None:
    assert html_to_blocks(empty) == ()


def test_text_paragraphs_split_on_blank_lines() -> None:
    text = "First para\nstill first.\n\nSecond <para> & more.\r\n\r\n\n  Third.  \n"
    assert text_to_blocks(text) == (
        Block(P, html="First para still first."),
        Block(P, html="Second &lt;para&gt; &amp; more."),
        Block(P, html="Third."),
    )


def test_text_without_blank_lines_splits_on_each_line() -> None:
    assert text_to_blocks("One.\nTwo.\r\nThree.") == (
        Block(P, html="One."),
        Block(P, html="Two."),
        Block(P, html="Three."),
    )


def test_text_keeps_quotes_unescaped() -> None:
    assert text_to_blocks("“Yes,” she said, 'it's \"fine\"'.")[0].html == (
        "“Yes,” she said, 'it's \"fine\"'."
    )


@pytest.mark.parametrize("blank", ["", "\n\n", "   \n  "])
def test_blank_text_gives_no_blocks(blank: str) -> None:
    assert text_to_blocks(blank) == ()


def test_control_characters_never_get_through() -> None:
    assert html_to_blocks(html="<p>a\x00b\x07c\x1bd</p>") == (Block(P, html="abcd"),)
    assert text_to_blocks("a\x00b\x07c") == (Block(P, html="abc"),)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("  A   headline\n  on two lines ", "A headline on two lines"),
        ("Tab\tand\x0bvertical", "Tab and vertical"),
        ("Bell\x07 gone\x00", "Bell gone"),
        ("", ""),
    ],
)
def test_single_line(text: str, line: str) -> None:
    assert single_line(text) == line


def test_a_bar_inside_markup_does_not_split_the_caption() -> None:
    (image,) = html_to_blocks(
        '<figure><img src="https://example.org/a.jpg">'
        "<figcaption><em>Left | right</em> side</figcaption></figure>"
    )
    assert (image.caption, image.credit) == ("<em>Left | right</em> side", "")
