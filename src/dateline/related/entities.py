"""Named entities recognised locally: proper-noun words, no model.

A word is taken as part of a name (a person, place or organisation) when it is
capitalised where an ordinary word would not be: inside a sentence. A capitalised word at
the start of a sentence counts only when the same article also capitalises it inside a
sentence. Stop words, calendar words (weekdays, months) and words of a Title Case
headline are ignored, except that headline words the body names as entities count.
Entities come out as lower-cased words (``Tara Reid`` gives ``tara`` and ``reid``), so a
later ``Reid`` alone still matches; rarity weighting happens in the vector space.
"""

from __future__ import annotations

import re
from collections import Counter

from dateline.related.text import (
    DECK_WEIGHT,
    HEADLINE_WEIGHT,
    LEAD_WEIGHT,
    STOP_WORDS,
    WORD,
    normalise,
    sentences,
    split_lead,
)

CALENDAR = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december today yesterday tomorrow""".split()
)
TITLE_CASE_SHARE = 0.6
_ACRONYM = re.compile(r"^[A-Z][A-Z.&-]+$")


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _keep(word: str) -> bool:
    return len(word) > 1 and word not in STOP_WORDS and word not in CALENDAR


def _mentions(text: str) -> tuple[list[str], set[str]]:
    """Capitalised words inside sentences, and capitalised sentence-initial words."""
    inside: list[str] = []
    initial: set[str] = set()
    for sentence in sentences(text):
        for position, match in enumerate(WORD.finditer(sentence)):
            word = match.group(0)
            if not _capitalised(word):
                continue
            if position == 0 and not _ACRONYM.match(word):
                initial.add(normalise(word))
            else:
                inside.append(normalise(word))
    return inside, initial


def _text_entities(text: str, known: Counter[str] | None = None) -> Counter[str]:
    inside, initial = _mentions(text)
    found = Counter(w for w in inside if _keep(w))
    for word in initial:
        if word in found or (known is not None and word in known):
            found[word] += 1
    return found


def is_title_case(headline: str) -> bool:
    """Whether most content words of ``headline`` are capitalised (a headline style)."""
    words = [w for w in WORD.findall(headline) if normalise(w) not in STOP_WORDS]
    if len(words) < 3:
        return False
    return sum(_capitalised(w) for w in words) >= TITLE_CASE_SHARE * len(words)


def entity_counts(headline: str, deck: str, body: str) -> Counter[str]:
    """Field-weighted counts of the entity words an article names."""
    lead, rest = split_lead(body)
    counts: Counter[str] = Counter()
    for text, weight in ((deck, DECK_WEIGHT), (lead, LEAD_WEIGHT), (rest, 1.0)):
        for word, n in _text_entities(text).items():
            counts[word] += weight * n  # type: ignore[assignment]
    if lead.strip() == headline.strip():
        return counts
    if is_title_case(headline):
        head = Counter(w for w in map(normalise, WORD.findall(headline)) if w in counts)
    else:
        head = _text_entities(headline, counts)
    for word, n in head.items():
        counts[word] += HEADLINE_WEIGHT * n  # type: ignore[assignment]
    return counts
