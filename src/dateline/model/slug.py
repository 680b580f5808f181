"""Slugs: the readable, URL-safe names of articles, authors, sections and topics."""

from __future__ import annotations

import re
import unicodedata

MAX_SLUG = 80
_NOT_WORD = re.compile(r"[^a-z0-9]+")
# Letters that Unicode does not decompose into a base letter and an accent.
_TRANSLITERATE = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "ß": "ss",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "þ": "th",
        "Þ": "Th",
        "œ": "oe",
        "Œ": "OE",
    }
)


def slugify(text: str, max_length: int = MAX_SLUG) -> str:
    """ASCII slug of ``text``: lowercase words joined by hyphens, cut at a word boundary.

    Accents fold to their base letters (``Zürich`` becomes ``zurich``, ``Husø`` becomes
    ``huso``); text with no latin letters or digits at all gives ``"item"``, so a slug is
    never empty.
    """
    folded = (
        unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
        .encode("ascii", "ignore")
        .decode()
    )
    slug = _NOT_WORD.sub("-", folded.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return slug or "item"


def unique_slug(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... the first that is not in ``taken``."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
