"""The people and organisations a credit line names, for ``contributor`` in JSON-LD.

The article keeps its credit line as printed (``Article.credit_line``): ingest and the
editor recognise it (``ingest.structure.is_credit_line``) but never split it into names.
This module reads the three sentence shapes that rule accepts:

- ``Names reported from Place``, continued with ``and Name from Place``
  (``DeYoung reported from Washington and Loveluck from London.``);
- ``Names [in Place] contributed to this report`` (``story``, ``article``, ``coverage``)
  or ``contributed reporting``/``research`` (``Alon Rom in Tel Aviv contributed ...``);
- ``Reporting by Names; Editing by Names`` (Reuters style, any of the roles).

A name is kept only when every word of it is capitalised (particles such as ``de`` and
``van`` aside), so ``Staff writers at the United Nations`` names nobody. A name that
reads like a news organisation (``The Associated Press``, ``Reuters``) is an
``Organization``; anything else a ``Person``. Names already in the bylines, by full name
or by surname (wire credit lines use surnames), are left out: they are authors.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

PARTICLES = frozenset({"de", "da", "di", "van", "von", "der", "den", "al", "bin", "la", "le"})
ORGANISATION_WORDS = frozenset(
    {
        "AFP",
        "AP",
        "Agence",
        "Associated",
        "Bloomberg",
        "Bureau",
        "Desk",
        "Media",
        "News",
        "Newsroom",
        "Post",
        "Press",
        "Reuters",
        "Service",
        "Staff",
        "Times",
        "Wire",
    }
)

_SENTENCE_BREAK = re.compile(r"(?<![ .][A-Z]\.)(?<=[.!?])\s+(?=[A-Z(])|;\s*")
_SPACE = re.compile(r"\s+")
_ROLE_BY = re.compile(
    r"^\(?(?:additional )?(?:reporting|writing|editing|research|compiled|produced)"
    r"(?: and (?:writing|editing))?(?: was contributed)? by (?P<names>.+?)\)?\.?$",
    re.IGNORECASE,
)
_CONTRIBUTED = re.compile(
    r"^(?P<names>.+?) contributed (?:additional )?(?:reporting|research"
    r"|to (?:this|the) (?:report|story|article|coverage))\b"
)
_REPORTED_FROM = re.compile(r"^(?P<names>.+?) (?:reported|wrote|contributed) from (?P<rest>.+)$")
_NAME_FROM = re.compile(r"^(?P<name>.+?) from .+$")
_LIST_SEPARATOR = re.compile(r",? and |, | & ")
_PLACE_TAIL = re.compile(r" (?:in|from) .*$")


@dataclass(frozen=True, slots=True)
class Credited:
    """One name of a credit line and whether it is a ``Person`` or an ``Organization``."""

    name: str
    kind: str


def credited(credit_line: str, bylines: Iterable[str] = ()) -> list[Credited]:
    """The names ``credit_line`` credits, in order, without repeats or the ``bylines``."""
    text = _SPACE.sub(" ", credit_line).strip()
    names: list[str] = []
    for sentence in _SENTENCE_BREAK.split(text):
        names.extend(_sentence_names(sentence.strip().rstrip(".").strip()))
    authors = {n.casefold() for n in bylines}
    surnames = {n.split()[-1].casefold() for n in bylines if n.split()}
    found: list[Credited] = []
    seen: set[str] = set()
    for name in names:
        key = name.casefold()
        if key in seen or key in authors or key in surnames or not _is_name(name):
            continue
        seen.add(key)
        found.append(Credited(name, _kind(name)))
    return found


def _sentence_names(sentence: str) -> list[str]:
    role = _ROLE_BY.match(sentence)
    if role:
        return _split(role.group("names"))
    contributed = _CONTRIBUTED.match(sentence)
    if contributed:
        return _split(contributed.group("names"))
    reported = _REPORTED_FROM.match(sentence)
    if reported:
        names = _split(reported.group("names"))
        for piece in _LIST_SEPARATOR.split(reported.group("rest")):
            more = _NAME_FROM.match(piece.strip())
            if more:
                names.append(more.group("name"))
        return names
    return []


def _split(names: str) -> list[str]:
    """``A, B and C in Place`` as ``[A, B, C]``: each name without its place."""
    return [_PLACE_TAIL.sub("", part).strip() for part in _LIST_SEPARATOR.split(names)]


def _is_name(name: str) -> bool:
    words = name.split()
    return bool(words) and all(w[:1].isupper() or w in PARTICLES for w in words)


def _kind(name: str) -> str:
    words = set(name.replace(".", " ").split())
    if words & ORGANISATION_WORDS or name.startswith("The "):
        return "Organization"
    return "Person"
