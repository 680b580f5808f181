"""The deck's check that a summary merely opens the content reads only the content's start."""

from __future__ import annotations

import random

from dateline.ingest.formats.entry import _text_begins_with
from dateline.model.text import strip_tags

PIECES = [
    "<p>",
    "</p>",
    "<em>",
    "</em>",
    '<a href="x>y">',
    "</a>",
    "<img alt='a<b' src=x>",
    "<br>",
    "<",
    ">",
    "<>",
    "&",
    "&amp;",
    "&amp",
    "&#233;",
    "&#x41",
    "&nbsp;",
    "&lt;",
    " ",
    "  ",
    "\n",
    "\xa0",
    "word",
    "Ünïcode",
    "ß",
    "ΣΑΣ",
    "İ",
    "x" * 70,
]


def test_it_answers_as_the_whole_texts_beginning_would() -> None:
    rng = random.Random(5)
    for _ in range(20_000):
        clean = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 40)))
        whole = strip_tags(clean).casefold()
        if whole and rng.random() < 0.6:
            opening = whole[: rng.randint(1, len(whole))]
            if rng.random() < 0.3:
                opening = opening[:-1] + "q"
        else:
            drawn = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 10)))
            opening = strip_tags(drawn).casefold() or "a"
        assert _text_begins_with(clean, opening) == whole.startswith(opening), (clean, opening)
