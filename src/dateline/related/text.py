"""Words of an article for the related ranking: tokens, fields, sentences.

Terms are lower-cased words without stop words and one-letter words. An article is read as
fields of different weight: the headline names the story, the deck and the lead (first
paragraph) say what happened, the rest of the body adds context. Each field's counts are
multiplied by its weight and summed; ``term_counts`` returns those weighted counts, which
the vector space turns into sublinear TF-IDF.

Numbers are terms too (``#2013``, ``#4.6``): years, tolls, magnitudes, scores and sums
identify an event as much as its names do, and two events of the same kind rarely share
them. ``number_counts`` gives them alone, for a signal of their own.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W_]|[^\W\d_]", re.UNICODE)
NUMBER = re.compile(r"(?<![\w.,-])\d+(?:[.,]\d+)*(?![\w])")
SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+|\n+")
NEWS_WORDS = frozenset(
    """said says say told according reported report reports news mr mrs ms new year years
    week weeks day days time times just like including also people percent""".split()
)
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | NEWS_WORDS

HEADLINE_WEIGHT = 2.0
DECK_WEIGHT = 1.5
LEAD_WEIGHT = 1.5
BODY_WEIGHT = 1.0


@lru_cache(maxsize=1 << 14)  # words recur: most calls are hits
def normalise(word: str) -> str:
    """Lower-case, curly apostrophes straightened, possessive ``'s`` dropped."""
    word = word.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    return word.strip("'-")


def terms(text: str) -> list[str]:
    """Lower-cased words of ``text`` without stop words and one-letter words."""
    kept = (_term(w) for w in WORD.findall(text))
    return [w for w in kept if w is not None]


@lru_cache(maxsize=1 << 14)
def _term(word: str) -> str | None:
    """The term a word gives, or None for a stop word or a one-letter word."""
    word = normalise(word)
    return word if len(word) > 1 and word not in STOP_WORDS else None


def numbers(text: str) -> list[str]:
    """Numbers of ``text`` as terms: ``#`` and the digits, thousands separators dropped."""
    return ["#" + m.group(0).replace(",", "") for m in NUMBER.finditer(text)]


def sentences(text: str) -> Iterator[str]:
    """Sentences of ``text``: split after end punctuation and at line breaks."""
    for part in SENTENCE_END.split(text):
        part = part.strip()
        if part:
            yield part


def split_lead(body: str) -> tuple[str, str]:
    """The first non-empty paragraph of ``body`` and the rest."""
    paragraphs = [p for p in body.split("\n") if p.strip()]
    if not paragraphs:
        return "", ""
    return paragraphs[0], "\n".join(paragraphs[1:])


def _fields(headline: str, deck: str, body: str) -> list[tuple[str, float]]:
    """The article's fields with their weights; a lead that repeats the headline is dropped."""
    lead, rest = split_lead(body)
    fields = [(headline, HEADLINE_WEIGHT), (deck, DECK_WEIGHT), (rest, BODY_WEIGHT)]
    if lead.strip() != headline.strip():
        fields.append((lead, LEAD_WEIGHT))
    return fields


def number_counts(headline: str, deck: str, body: str) -> Counter[str]:
    """Field-weighted counts of the numbers an article gives."""
    counts: Counter[str] = Counter()  # float weights in a Counter
    for text, weight in _fields(headline, deck, body):
        for term in numbers(text):
            counts[term] += weight  # type: ignore[assignment]
    return counts


def term_counts(headline: str, deck: str, body: str) -> Counter[str]:
    """Field-weighted counts of an article's words and numbers.

    When the headline repeats the lead (wire copy without a headline), the lead is not
    counted twice over.
    """
    counts: Counter[str] = Counter()  # float weights in a Counter
    for text, weight in _fields(headline, deck, body):
        # a field's counts times its weight: the same (small multiples of a half, exact)
        # as adding the weight once a word, and the terms keep their first-seen order
        for term, n in Counter(terms(text) + numbers(text)).items():
            counts[term] += weight * n  # type: ignore[assignment]
    return counts
