"""An article's body as one HTML fragment for a feed reader, and its plain-text summary.

The blocks hold HTML the store already sanitized; this module rebuilds the page's markup
as an lxml tree (never by pasting strings), resolves every relative ``href`` and ``src``
against the site, and, as a second line of defence, drops scripting a feed reader must
never receive.
"""

from __future__ import annotations

import re

import lxml.html
from lxml.html import HtmlElement

from dateline.model import Article, Block, BlockKind
from dateline.model.dateline import display_dateline
from dateline.model.text import strip_tags

SUMMARY_LENGTH = 300  # characters of the first paragraph used when there is no deck

# Characters XML 1.0 cannot carry at all: C0 controls but tab, LF and CR; the surrogates.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_DROPPED = (
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form",
    "base", "meta", "link",
)  # fmt: skip
_UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (lxml refuses them)."""
    return _NOT_XML.sub("", text)


def _fill(element: HtmlElement, fragment: str) -> None:
    """Append the parsed inline HTML ``fragment`` to ``element``."""
    if not fragment.strip():
        element.text = fragment or None
        return
    parts = lxml.html.fragments_fromstring(xml_safe(fragment))
    if parts and isinstance(parts[0], str):
        element.text = parts.pop(0)
    for part in parts:
        if isinstance(part, str):  # text after an element belongs to that element's tail
            last = element[-1] if len(element) else None
            if last is not None:
                last.tail = (last.tail or "") + part
            else:
                element.text = (element.text or "") + part
        else:
            element.append(part)


def _child(parent: HtmlElement, tag: str, fragment: str = "") -> HtmlElement:
    element: HtmlElement = lxml.html.Element(tag)
    parent.append(element)
    _fill(element, fragment)
    return element


def _block(parent: HtmlElement, block: Block) -> HtmlElement | None:
    """Append ``block``'s markup (as the article page shows it) to ``parent``."""
    if block.kind is BlockKind.PARAGRAPH:
        return _child(parent, "p", block.html)
    if block.kind is BlockKind.QUOTE:
        quote = _child(parent, "blockquote")
        return _child(quote, "p", block.html)
    if block.kind is BlockKind.HEADING:
        return _child(parent, f"h{min(max(block.level, 2), 6)}", block.html)
    if block.kind is BlockKind.LIST:
        listing = _child(parent, "ol" if block.ordered else "ul")
        for item in block.items:
            _child(listing, "li", item)
        return listing
    if block.kind is BlockKind.IMAGE and block.src:
        figure = _child(parent, "figure")
        image = _child(figure, "img")
        image.set("src", xml_safe(block.src))
        image.set("alt", xml_safe(block.alt))
        if block.caption or block.credit:
            caption = _child(figure, "figcaption", block.caption)
            if block.credit:
                credit = _child(caption, "span", "")
                credit.text = xml_safe(block.credit)
                credit.set("class", "credit")
        return figure
    return None


def _defuse(root: HtmlElement) -> None:
    """Drop scripting and event handlers that should never have reached the store."""
    for element in list(root.iter(*_DROPPED)):
        element.drop_tree()
    for element in root.iter():
        for name, value in list(element.attrib.items()):
            lowered = value.strip().lower()
            if name.lower().startswith("on") or (
                name in ("href", "src") and lowered.startswith(_UNSAFE_SCHEMES)
            ):
                del element.attrib[name]


def body_html(article: Article, site_url: str) -> str:
    """The body (dateline first, credit line last) as HTML with absolute URLs."""
    root: HtmlElement = lxml.html.Element("div")
    place = display_dateline(article.dateline)
    for index, block in enumerate(article.body):
        element = _block(root, block)
        if index == 0 and place:
            dateline: HtmlElement = lxml.html.Element("span")
            dateline.set("class", "dateline")
            dateline.text = f"{xml_safe(place)} — "
            if element is not None and block.kind is BlockKind.PARAGRAPH:
                dateline.tail = element.text
                element.text = None
                element.insert(0, dateline)
            else:
                holder: HtmlElement = lxml.html.Element("p")
                holder.append(dateline)
                root.insert(0, holder)
    if article.credit_line:
        credit = _child(root, "p")
        credit.text = xml_safe(article.credit_line)
        credit.set("class", "credit-line")
    _defuse(root)
    root.make_links_absolute(
        site_url.rstrip("/") + "/", resolve_base_href=False, handle_failures="discard"
    )
    return "".join(lxml.html.tostring(child, encoding="unicode", method="html") for child in root)


def summary_text(article: Article) -> str:
    """The deck, or else the start of the first paragraph, as plain text."""
    if article.deck.strip():
        return xml_safe(article.deck.strip())
    for block in article.body:
        if block.kind is BlockKind.PARAGRAPH and block.html:
            text = strip_tags(block.html)
            if len(text) > SUMMARY_LENGTH:
                cut = text[:SUMMARY_LENGTH].rsplit(" ", 1)[0]
                text = f"{cut}…"
            return xml_safe(text)
    return ""
