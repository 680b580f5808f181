"""Full text: the main content of an article's web page, as HTML, for a summary-only feed.

``extract_main_html`` hands the page to trafilatura's ``extract`` (HTML output, images
and links kept, precision favoured over recall, comments left out). trafilatura parses
the bytes it is given and fetches nothing; it detects the encoding itself unless the
caller knows the charset (from the ``Content-Type`` header). The result is outside HTML:
the caller sanitizes it, through ``html_to_blocks`` like any feed content. The page's own
``h1`` (the headline) is part of what trafilatura returns.
"""

from __future__ import annotations

import codecs
from html import escape

import lxml.html
import trafilatura


def extract_main_html(page: bytes, *, url: str, charset: str = "") -> str:
    """The article's main content in ``page`` as an HTML fragment; ``""`` when none is found.

    ``url`` is the page's address (for trafilatura's site-specific rules and relative
    links); ``charset`` the declared encoding, if any. Never raises for odd input.
    """
    if not page.strip():
        return ""
    document: bytes | str = page
    if charset:
        try:
            document = page.decode(codecs.lookup(charset.strip()).name, errors="replace")
        except LookupError:
            document = page
    try:
        html = trafilatura.extract(
            document,
            url=url or None,
            output_format="html",
            include_images=True,
            include_links=True,
            include_comments=False,
            favor_precision=True,
        )
    except Exception:  # trafilatura's parsers can fail on broken pages: no content then
        return ""
    return _body_of(html) if html else ""


def _body_of(document: str) -> str:
    """The inside of trafilatura's ``<html><body>`` wrapper, as a fragment."""
    body = lxml.html.document_fromstring(document).find("body")
    if body is None:
        return document
    parts = [escape(body.text or "", quote=False)]
    parts.extend(str(lxml.html.tostring(child, encoding="unicode")) for child in body)
    return "".join(parts).strip()
