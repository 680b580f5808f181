"""Structure recognition: a body's own dateline and closing credit line, taken out of it.

Wire and newspaper copy prints both inside the text: the first paragraph opens with
``TEL AVIV — `` and the last reads ``Alon Rom in Tel Aviv contributed to this report.``
dateline keeps them as fields of the article, so the page can print them in its own style.

The dateline rule (``split_dateline``). A paragraph opens with a dateline when it starts
with, in this order:

1. a city in capitals: letters (accented ones too), with spaces, dots, apostrophes and
   hyphens inside (``SÃO PAULO``, ``ST. JOHN'S``, ``WINSTON-SALEM``), at least two letters;
2. optionally ``, Region`` starting with a capital (``, Italy``, ``, N.H.``);
3. optionally ``, Month Day`` (``, Nov. 5``);
4. optionally an agency in parentheses (``(AP)``, ``(Reuters)``);
5. a separator: an em dash, an en dash, ``--`` or a hyphen followed by a space;
6. then the sentence itself, which must begin with a capital, a digit or a quote mark.

The part before the separator is at most 60 characters, and the opening may be wrapped in
``<b>``/``<strong>``. Not datelines: anything opening with a quote mark, ordinary
sentences (their first words are not all capitals), a colon instead of a dash
(``BEHAUPTUNG: ...``), an all-capitals opening followed by a lower-case continuation
(``NATO — the alliance said``) and the kicker words in ``KICKERS`` (``BREAKING —``,
``ANALYSIS —``). An all-capitals single word followed by a dash and a capitalised sentence
(``NATO — The alliance said``) cannot be told from ``PARIS — The minister said`` and is
read as a dateline.

The credit rule (``is_credit_line``). A paragraph is a credit line when it is at most 400
characters, holds no quotation marks, and every sentence in it is one of:

- ``Names reported from Place`` (also ``wrote from``/``contributed from``), possibly
  continued with ``and Name from Place``: names and places in capitalised words;
- a sentence ending in ``contributed to this report`` (``story``, ``article``,
  ``coverage``) or ``contributed reporting``/``research`` (``from Place`` may follow);
- a Reuters-style credit opening with ``Reporting by``, ``Additional reporting by``,
  ``Writing by``, ``Editing by``, ``Compiled by``, ``Research by`` (parentheses allowed).
"""

from __future__ import annotations

import html
import re
from dataclasses import replace

from dateline.model import Block, BlockKind
from dateline.model.text import collapse_spaces, strip_tags

MAX_DATELINE_OPENING = 60
MAX_CREDIT_LINE = 400

KICKERS = frozenset(
    {
        "BREAKING",
        "UPDATE",
        "UPDATED",
        "EXCLUSIVE",
        "ANALYSIS",
        "OPINION",
        "EDITORIAL",
        "COMMENTARY",
        "CORRECTION",
        "CLARIFICATION",
        "URGENT",
        "FLASH",
        "ALERT",
        "LIVE",
        "WATCH",
        "LISTEN",
        "FACT CHECK",
        "EDITOR'S NOTE",
        "EDITOR’S NOTE",
    }
)

_L = r"[^\W\d_]"  # a letter, in any script and case
_WORDS = rf"{_L}(?:{_L}|['’.]|[ \-](?={_L}))*"
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_DATE = rf"{_MONTH}\.?[ \xa0]+\d{{1,2}}"
_DATELINE = re.compile(
    rf"""
    (?P<city>{_WORDS})
    (?:,[ \xa0]*(?!{_DATE})(?P<region>{_WORDS}))?
    (?:,[ \xa0]*{_DATE})?
    (?:[ \xa0]*\([^()<>]{{1,40}}\))?
    [ \xa0]*(?:—|–|--|-(?=[ \xa0]))[ \xa0]*
    """,
    re.VERBOSE,
)
_LEADING_BOLD = re.compile(r"<(b|strong|span)>([^<]{1,80})</\1>")
_OPENING_MARKS = frozenset("“\"‘'«„¿¡(")

_QUOTES = re.compile(r"[“”„«»\"]")
_SENTENCE_BREAK = re.compile(r"(?<![ .][A-Z]\.)(?<=[.!?])\s+(?=[A-Z(])")
_NAME_WORD = r"[A-Z][\w'’\-]*\.?"
_NAME = rf"{_NAME_WORD}(?: (?:{_NAME_WORD}|de|da|di|van|von|der|den|al|bin|la|le|du|dos))*"
_NAMES = rf"{_NAME}(?:(?:,? and |, | & ){_NAME})*"
_PLACE = rf"{_NAME_WORD}(?:,? {_NAME_WORD})*"
_PLACES = rf"{_PLACE}(?: and {_PLACE})*"
_FROM = r"(?:reported|wrote|contributed) from"
_REPORTED_FROM = re.compile(
    rf"{_NAMES} {_FROM} {_PLACES}(?:(?:,? and|,|;) {_NAMES} (?:{_FROM}|from) {_PLACES})*\.?"
)
_CONTRIBUTED = re.compile(
    r"\bcontributed (?:additional )?(?:reporting|research"
    rf"|to (?:this|the) (?:report|story|article|coverage))(?: (?:from|in) {_PLACES})?\.?$"
)
_ROLE_BY = re.compile(
    r"\(?(?:additional )?(?:reporting|writing|editing|research|compiled|produced)"
    r"(?: and (?:writing|editing))?(?: was contributed)? by\b",
    re.IGNORECASE,
)


def split_dateline(paragraph_html: str) -> tuple[str, str] | None:
    """``(place, rest of the paragraph's HTML)`` when the paragraph opens with a dateline.

    The place is returned as written, without the agency or date: ``GROSSETO, Italy (AP)
    -- The trial`` gives ``("GROSSETO, Italy", "The trial")``.
    """
    text = paragraph_html.lstrip()
    bold = _LEADING_BOLD.match(text)
    if bold:
        text = bold.group(2) + text[bold.end() :]
    if not _may_open_with_city(text):  # most paragraphs: decided without ``_DATELINE``
        return None
    found = _DATELINE.match(text)
    if found is None:
        return None
    city = found.group("city")
    letters = [c for c in city if c.isalpha()]
    if len(letters) < 2 or not all(c.isupper() for c in letters) or city in KICKERS:
        return None
    region = found.group("region")
    if region is not None and not region[0].isupper():
        return None
    opening = text[: found.end()].rstrip(" \xa0—–-")
    if len(opening) > MAX_DATELINE_OPENING:
        return None
    rest = text[found.end() :].strip()
    if not _opens_sentence(strip_tags(rest)):
        return None
    place_end = found.end("region") if region is not None else found.end("city")
    place = html.unescape(text[found.start("city") : place_end]).strip()
    return place, rest


def _may_open_with_city(text: str) -> bool:
    """False when the first two characters already rule out a city in capitals.

    The city ``_DATELINE`` finds starts the text, and ``split_dateline`` takes it only
    with two letters or more, every one a capital: so it spans the first two characters,
    and a letter among them that is not a capital (the ``Th`` of ``The``) rules it out.
    That saves running ``_DATELINE``, which reads on through the opening words.
    """
    return not any(c.isalpha() and not c.isupper() for c in text[:2])


def _opens_sentence(text: str) -> bool:
    """Whether ``text`` starts like a sentence: a capital, a digit or an opening mark."""
    first = text[:1]
    return bool(first) and (first.isupper() or first.isdigit() or first in _OPENING_MARKS)


def is_credit_line(paragraph_text: str) -> bool:
    """Whether a paragraph's plain text reads as a closing credit line (see the module)."""
    text = collapse_spaces(paragraph_text)
    if not text or len(text) > MAX_CREDIT_LINE or _QUOTES.search(text):
        return False
    return all(_is_credit_sentence(s) for s in _SENTENCE_BREAK.split(text))


def _is_credit_sentence(sentence: str) -> bool:
    sentence = sentence.strip()
    return bool(
        _REPORTED_FROM.fullmatch(sentence)
        or _CONTRIBUTED.search(sentence)
        or _ROLE_BY.match(sentence)
    )


def recognize(
    blocks: tuple[Block, ...], dateline: str = "", credit_line: str = ""
) -> tuple[str, str, tuple[Block, ...]]:
    """``(dateline, credit_line, blocks)`` with the body's own dateline and credit taken out.

    A first paragraph opening with a dateline loses it, and that dateline wins over the
    ``dateline`` passed in (a fallback such as ninjs ``located``). A last paragraph that
    is a credit line is dropped and gives the credit line, unless ``credit_line`` is
    given: then it wins, and the paragraph is dropped only when its text is the same.
    """
    body = list(blocks)
    if body and body[0].kind is BlockKind.PARAGRAPH:
        split = split_dateline(body[0].html)
        if split is not None:
            dateline, rest = split
            body[0] = replace(body[0], html=rest)
    if body and body[-1].kind is BlockKind.PARAGRAPH:
        last = strip_tags(body[-1].html)
        if credit_line:
            if last == collapse_spaces(credit_line):
                body.pop()
        elif is_credit_line(last):
            credit_line = last
            body.pop()
    return dateline, credit_line, tuple(body)
