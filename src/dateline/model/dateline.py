"""The dateline as printed: the place a story was filed from, at the start of its body.

Wire style prints the city in capitals and the region, if any, as written:
``Tel Aviv`` prints as ``TEL AVIV``, ``Portsmouth, N.H.`` as ``PORTSMOUTH, N.H.``.
"""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")


def display_dateline(place: str) -> str:
    """``place`` as printed: its first comma-separated part in capitals, the rest as written.

    Whitespace is collapsed; an empty or blank place gives ``""``.
    """
    text = _SPACE.sub(" ", place).strip()
    if not text:
        return ""
    city, comma, rest = text.partition(",")
    if not comma:
        return city.upper()
    return f"{city.strip().upper()},{rest}"
