"""Article bodies out of outside HTML or plain text: a tuple of ``Block`` values.

``html_to_blocks`` sanitizes first (``sanitize``), then walks the fragment:

- ``p`` gives a paragraph, ``h1``-``h6`` a heading (``h1`` becomes level 2, the page's
  own ``h1`` being the headline), ``ul``/``ol`` a list, ``blockquote`` a quote (its
  paragraphs joined with ``<br>``);
- ``img`` and ``figure`` give an image: ``src``, ``alt``, a caption from the
  ``figcaption`` (or, for a bare ``img``, its ``title``) and a credit from the first
  ``small``, ``.credit`` or ``.byline`` element in the figure, or else from a caption of
  the form ``Text | Credit``; an image inside a paragraph is lifted out of it;
- wrappers (``div``, ``section``, ``article``, an inline element that holds blocks) are
  descended into and bare ``span`` tags unwrapped; text and inline elements lying loose
  between blocks are gathered into paragraphs, two or more ``<br>`` in a row ending one;
- whitespace is collapsed, empty paragraphs, lists and image-less images are dropped.

``text_to_blocks`` turns plain text into escaped paragraphs, and ``single_line`` tidies
the short plain-text fields around a body. Control characters never get through.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import escape

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from dateline.ingest.sanitize import sanitize_html
from dateline.model import Block, BlockKind
from dateline.model.text import TAG, collapse_spaces, strip_tags

_SPACE = re.compile(r"[ \t\n\r\f\v]+")  # not \s: a no-break space is kept
# the runs of ``_SPACE`` that are not already one space: replacing only those gives the
# same text, and most inline HTML has none (one substitution per word cost more)
_SPACE_RUNS = re.compile(r"[ \t\n\r\f\v]{2,}|[\t\n\r\f\v]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_SPACE_AT_BR = re.compile(r"\s*<br>\s*")
_EDGE_BR = re.compile(r"^(?:<br>)+|(?:<br>)+$")
_BLANK_LINE = re.compile(r"\n[ \t\f\v]*\n")
# the elements with a class, and the spans, in document order (a union is sorted so):
# written as ``descendant-or-self::*[@class or self::span]`` it costs libxml2 three times
# as much, on the many bodies where it finds nothing
_MARKED = etree.XPath("descendant-or-self::*/@class/.. | descendant-or-self::span")

_HEADINGS = {"h1": 2, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_WRAPPERS = frozenset({"div", "section", "article"})
_CREDIT_CLASSES = frozenset({"credit", "byline"})
_INLINE = frozenset(
    {"a", "em", "i", "strong", "b", "q", "cite", "code", "sub", "sup", "abbr", "s"}
    | {"small", "span", "br"}
)


def html_to_blocks(html: str, base_url: str = "") -> tuple[Block, ...]:
    """The body blocks of an HTML fragment from outside, sanitized on the way in."""
    return sanitized_to_blocks(sanitize_html(html, base_url))


def sanitized_to_blocks(clean: str) -> tuple[Block, ...]:
    """The body blocks of an HTML fragment that ``sanitize_html`` gave."""
    if not clean.strip():
        return ()
    root = lxml.html.fragment_fromstring(clean, create_parent="div")
    _settle_marks(root)
    return tuple(_walk(root))


def text_to_blocks(text: str) -> tuple[Block, ...]:
    """Paragraphs of plain text, HTML-escaped.

    Paragraphs are separated by blank lines; text without any blank line is taken to put
    one paragraph on each line.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    parts = _BLANK_LINE.split(text) if _BLANK_LINE.search(text) else text.split("\n")
    blocks: list[Block] = []
    for part in parts:
        words = _SPACE.sub(" ", _CONTROL.sub("", part)).strip()
        if words:
            blocks.append(Block(BlockKind.PARAGRAPH, html=escape(words, quote=False)))
    return tuple(blocks)


def _settle_marks(root: HtmlElement) -> None:
    """Turn a figure's credit-marked element into ``small``; drop other classes and spans.

    The sanitizer lets the ``credit``/``byline`` classes through only so that a picture
    credit can be found; stored block HTML carries no classes and no bare ``span``. Only
    the elements concerned are visited (most bodies have none).
    """
    marked: list[HtmlElement] = _MARKED(root)  # type: ignore[assignment]  # elements only
    for element in marked:
        classes = element.get("class")
        if classes is not None:
            del element.attrib["class"]
            if not _CREDIT_CLASSES.isdisjoint(classes.split()) and any(
                a.tag == "figure" for a in element.iterancestors()
            ):
                element.tag = "small"
                continue
        if element.tag == "span":
            element.drop_tag()


def single_line(text: str) -> str:
    """Plain ``text`` as one line: control characters gone, any run of spaces one space.

    For the short text fields around a body (headline, deck, names, dateline).
    """
    return collapse_spaces(_CONTROL.sub("", text))


class _Loose:
    """Text and inline elements lying between blocks, waiting to become a paragraph."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._breaks = 0
        self._blank = True  # only whitespace so far: the line breaks between blocks

    def add_text(self, text: str | None) -> None:
        if text:
            if text.strip():
                self._breaks = 0
                self._blank = False
            self._parts.append(escape(text, quote=False))

    def add_element(self, element: HtmlElement) -> None:
        self._blank = False
        if element.tag == "br":
            self._breaks += 1
            self._parts.append("<br>")
        else:
            self._breaks = 0
            self._parts.append(_outer_html(element))

    @property
    def ends_paragraph(self) -> bool:
        return self._breaks >= 2

    def flush(self) -> Iterator[Block]:
        parts, blank = self._parts, self._blank
        self._parts, self._breaks, self._blank = [], 0, True
        if blank:  # whitespace alone normalises to "", which has no text: no paragraph
            return
        inline = _normalise("".join(parts))
        if _has_text(inline):
            yield Block(BlockKind.PARAGRAPH, html=inline)


def _walk(container: HtmlElement) -> Iterator[Block]:
    """The blocks of ``container``'s children, wrappers descended into."""
    loose = _Loose()
    loose.add_text(container.text)
    for child in container:
        tag = child.tag
        if not isinstance(tag, str):  # a comment or processing instruction
            loose.add_text(child.tail)
            continue
        if tag in _WRAPPERS or (tag in _INLINE and _holds_blocks(child)):
            yield from loose.flush()
            yield from _walk(child)
        elif tag in ("p", "pre"):
            yield from loose.flush()
            yield from _paragraph(child)
        elif tag in _HEADINGS:
            yield from loose.flush()
            inline = _inner_html(child)
            if _has_text(inline):
                yield Block(BlockKind.HEADING, html=inline, level=_HEADINGS[tag])
        elif tag in ("ul", "ol"):
            yield from loose.flush()
            yield from _list(child, ordered=tag == "ol")
        elif tag == "blockquote":
            yield from loose.flush()
            yield from _quote(child)
        elif tag == "figure":
            yield from loose.flush()
            yield from _figure(child)
        elif tag == "img":
            yield from loose.flush()
            yield from _image(child)
        elif tag in ("li", "figcaption"):  # astray outside its list or figure
            yield from loose.flush()
            yield from _walk(child)
        else:
            loose.add_element(child)
            if loose.ends_paragraph:
                yield from loose.flush()
        loose.add_text(child.tail)
    yield from loose.flush()


def _holds_blocks(element: HtmlElement) -> bool:
    """Whether a (normally inline) element holds block elements, so must be descended.

    ``img`` is no inline element: an element that holds no blocks holds no image either.
    """
    return any(d.tag not in _INLINE for d in element.iterdescendants(etree.Element))


def _paragraph(element: HtmlElement) -> Iterator[Block]:
    """A paragraph, any images in it lifted out (before it if they lead, else after)."""
    if not _holds_blocks(element):  # the common case: inline content only, so no image
        inline = _inner_html(element)
        if _has_text(inline):
            yield Block(BlockKind.PARAGRAPH, html=inline)
        return
    images = list(element.iter("img"))
    if not images:  # block structure that slipped into a paragraph
        yield from _walk(element)
        return
    leading = not _has_text(_text_before(element, images[0]))
    image_blocks = [block for img in images for block in _image(img)]
    for img in images:
        img.drop_tree()
    inline = _inner_html(element)
    if leading:
        yield from image_blocks
    if _has_text(inline):
        yield Block(BlockKind.PARAGRAPH, html=inline)
    if not leading:
        yield from image_blocks


def _text_before(root: HtmlElement, target: HtmlElement) -> str:
    """The text of ``root`` that comes before ``target`` in document order."""
    parts: list[str] = [root.text or ""]
    for element in root.iterdescendants():
        if element is target:
            break
        parts.append(element.text or "")
        parts.append(element.tail or "")
    return "".join(parts)


def _list(element: HtmlElement, *, ordered: bool) -> Iterator[Block]:
    items: list[str] = []
    for item in element:
        if item.tag not in ("li", "ul", "ol"):  # a list may sit beside the items it nests in
            continue
        inline = _inline_of(item)
        if _has_text(inline):
            items.append(inline)
    if items:
        yield Block(BlockKind.LIST, items=tuple(items), ordered=ordered)


def _quote(element: HtmlElement) -> Iterator[Block]:
    inline = _inline_of(element)
    if _has_text(inline):
        yield Block(BlockKind.QUOTE, html=inline)


def _inline_of(element: HtmlElement) -> str:
    """The content of ``element`` as one run of inline HTML, its blocks joined by ``<br>``."""
    runs: list[str] = []
    for block in _walk(element):
        if block.kind is BlockKind.LIST:
            runs.extend(block.items)
        elif block.kind is BlockKind.IMAGE:
            continue
        else:
            runs.append(block.html)
    return "<br>".join(run for run in runs if run)


def _figure(element: HtmlElement) -> Iterator[Block]:
    img = next(element.iter("img"), None)
    if img is None:  # a figure without a picture (a pull quote, say): its content
        yield from _walk(element)
        return
    credit = ""
    mark = next(element.iter("small"), None)
    if mark is not None:
        credit = _normalise(mark.text_content())
        mark.drop_tree()
    caption_element = next(element.iter("figcaption"), None)
    caption = _inner_html(caption_element) if caption_element is not None else ""
    yield from _image(img, caption=caption, credit=credit)


def _image(img: HtmlElement, caption: str | None = None, credit: str = "") -> Iterator[Block]:
    """An image block, or nothing when the sanitizer left the picture without a source."""
    src = (img.get("src") or "").strip()
    if not src:
        return
    if caption is None:
        caption = _normalise(escape(img.get("title") or "", quote=False))
    text, bar, after = caption.rpartition("|")
    if not credit and bar and "<" not in after:  # a bar inside markup is no separator
        caption, credit = _normalise(text), strip_tags(after)
    yield Block(
        BlockKind.IMAGE,
        src=src,
        alt=_normalise(img.get("alt") or ""),
        caption=caption,
        credit=credit,
    )


def _inner_html(element: HtmlElement) -> str:
    """The normalised inline HTML inside ``element``."""
    if not len(element):
        return _normalise(escape(element.text or "", quote=False))
    if not element.attrib:
        # the element serialized once, its own tags cut off: the same text as joining its
        # children's serializations, at a fraction of the calls
        whole = _outer_html(element)
        opening, closing = f"<{element.tag}>", f"</{element.tag}>"
        if whole.startswith(opening) and whole.endswith(closing):
            return _normalise(whole[len(opening) : len(whole) - len(closing)])
    parts = [escape(element.text or "", quote=False)]
    parts.extend(_outer_html(child) + escape(child.tail or "", quote=False) for child in element)
    return _normalise("".join(parts))


def _outer_html(element: HtmlElement) -> str:
    """``element`` itself as HTML, tail excluded.

    ``lxml.html.tostring`` is this call plus a scan removing ``<meta http-equiv=
    "Content-Type">`` tags, which sanitized HTML never holds: the sanitizer lets no
    ``meta`` element and no comment through, and the serializer escapes the ``<`` in
    text and attribute values.
    """
    return str(etree.tostring(element, method="html", encoding="unicode", with_tail=False))


def _normalise(inline: str) -> str:
    """Collapsed whitespace, no spaces around ``<br>``, no ``<br>`` at either end."""
    text = _collapsed(_CONTROL.sub("", inline)).strip()
    if "<br>" not in text:
        return text
    text = _SPACE_AT_BR.sub("<br>", text)
    return _EDGE_BR.sub("", text).strip()


def _collapsed(text: str) -> str:
    """``_SPACE.sub(" ", text)``, with no regular expression run when no run needs it."""
    if "  " in text or "\n" in text or "\t" in text or "\r" in text or "\f" in text or "\v" in text:
        return _SPACE_RUNS.sub(" ", text)
    return text


def _has_text(inline: str) -> bool:
    """``bool(strip_tags(inline))``."""
    first = inline[:1]
    if first and first not in "<&" and not first.isspace():
        return True  # a first character that neither tags, entities nor spaces take away
    bare = TAG.sub(" ", inline)
    if "&" not in bare:  # no entity: what strip_tags would give is this, spaces collapsed
        return not bare.isspace() and bool(bare)
    return bool(strip_tags(inline))
