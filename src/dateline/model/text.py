"""Plain text out of the sanitized inline HTML that blocks hold."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dateline.model.article import Block

# a tag, as ``strip_tags`` removes it (the ingest code that must agree with it uses it too)
TAG = re.compile(r"<[^>]+>")


def strip_tags(fragment: str) -> str:
    """Text of an already sanitized HTML fragment, entities decoded, spaces collapsed."""
    return collapse_spaces(html.unescape(TAG.sub(" ", fragment)))


def collapse_spaces(text: str) -> str:
    r"""``text`` with every run of whitespace made one space and none at either end.

    The same as ``re.sub(r"\s+", " ", text).strip()`` at a third of the cost: ``str.split``
    cuts at the runs of what ``\s`` matches and ``str.strip`` strips (all three ask
    ``str.isspace``), and joining the words puts one space where each run was.
    """
    return " ".join(text.split())


def blocks_text(blocks: Iterable[Block]) -> str:
    """The readable text of body blocks, one paragraph a line."""
    lines: list[str] = []
    for block in blocks:
        if block.items:
            lines.extend(strip_tags(item) for item in block.items)
        elif block.html:
            lines.append(strip_tags(block.html))
        elif block.caption:
            lines.append(strip_tags(block.caption))
    return "\n".join(line for line in lines if line)
