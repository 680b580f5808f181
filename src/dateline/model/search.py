"""Search: the question, its answer, and the pure rules that read a reader's text.

``SearchQuery`` is what a reader asked (words, filters, page); ``SearchResults`` is one
page of ``SearchHit`` values, best first. ``parse_terms`` turns any text into
``SearchTerms`` (never an error: quotes, operators and punctuation are read or dropped);
the store renders them for its database. ``snippet_html`` turns a snippet whose matches
are wrapped in ``MARK_START``/``MARK_END`` into escaped HTML with ``<mark>`` tags only.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date

from dateline.model.article import ArticleSummary

MARK_START = "\ue000"
MARK_END = "\ue001"
MAX_TERMS = 32

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """What a reader asked: the words, the optional filters and the page.

    ``section`` is a section slug; ``since`` and ``until`` are publication dates, both
    included (days in UTC); ``page`` counts from 1.
    """

    text: str
    section: str | None = None
    since: date | None = None
    until: date | None = None
    page: int = 1
    per_page: int = 10


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One matching article with the passage that matched and its score (higher is better).

    ``snippet`` is HTML-safe: escaped text with ``<mark>…</mark>`` around the matches.
    """

    article: ArticleSummary
    snippet: str
    rank: float


@dataclass(frozen=True, slots=True)
class SearchResults:
    """One page of results, best first.

    ``total`` counts the matching articles, up to the ranked bound; ``capped`` says that
    more matched than the bound, so only the newest of them were ranked.
    """

    query: SearchQuery
    hits: tuple[SearchHit, ...]
    total: int
    capped: bool


@dataclass(frozen=True, slots=True)
class SearchTerms:
    """A reader's text read as search terms.

    Every article must match each group of ``required`` (any one phrase of the group)
    and none of ``excluded``. A phrase is a tuple of words, matched next to each other.
    """

    required: tuple[tuple[tuple[str, ...], ...], ...]
    excluded: tuple[tuple[str, ...], ...]

    @property
    def empty(self) -> bool:
        """Nothing to look for (only punctuation, only exclusions, or no text)."""
        return not self.required


def parse_terms(text: str) -> SearchTerms:
    """Read ``text`` the way web search engines do; never raises.

    ``word`` must appear; ``"several words"`` must appear together; ``a OR b`` wants
    either; ``-word`` and ``-"a phrase"`` must not appear. Punctuation inside a word
    splits it (``e-mail`` is the phrase ``e mail``); other symbols are dropped. At most
    ``MAX_TERMS`` terms are read.
    """
    required: list[list[tuple[str, ...]]] = []
    excluded: list[tuple[str, ...]] = []
    join_next = False
    count = 0
    for match in _TOKEN.finditer(text):
        if count >= MAX_TERMS:
            break
        negate, quoted, bare = match.group(1) == "-", match.group(2), match.group(3)
        if bare is not None:
            if bare == "OR":
                join_next = bool(required)
                continue
            if bare.startswith("-") and len(bare) > 1:
                negate, bare = True, bare[1:]
        phrase = tuple(w.lower() for w in _WORD.findall(quoted if quoted is not None else bare))
        if not phrase:
            continue
        count += 1
        if negate:
            excluded.append(phrase)
        elif join_next:
            required[-1].append(phrase)
        else:
            required.append([phrase])
        join_next = False
    return SearchTerms(tuple(tuple(g) for g in required), tuple(excluded))


def snippet_html(raw: str) -> str:
    """Escape ``raw`` and turn its match markers into balanced ``<mark>`` tags."""
    out: list[str] = []
    open_mark = False
    for part in re.split(f"([{MARK_START}{MARK_END}])", raw):
        if part == MARK_START:
            if not open_mark:
                out.append("<mark>")
                open_mark = True
        elif part == MARK_END:
            if open_mark:
                out.append("</mark>")
                open_mark = False
        else:
            out.append(html.escape(part, quote=False))
    if open_mark:
        out.append("</mark>")
    return "".join(out)
