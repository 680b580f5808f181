"""Pure related-article ranking: TF-IDF cosine similarity with a preference for closeness in time.

Each document is its headline (counted twice: it names the story), deck and body. Terms
are lower-cased words without stop words, weighted by sublinear term frequency times
smoothed inverse document frequency, and vectors are L2-normalised. Candidates come from an
inverted index, so scoring one article touches only documents that share a term with it.
The text score is then multiplied by a time factor: 1 for articles published the same day,
falling towards ``TIME_FLOOR`` for articles far apart; undated articles get a neutral
``UNDATED_FACTOR`` so they still rank on their text.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W_]|[^\W\d_]", re.UNICODE)
STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own said same says she should so some such than that the
    their theirs them themselves then there these they this those through to too under until
    up very was we were what when where which while who whom why will with would you your
    yours yourself yourselves mr mrs ms one two new year years told would week""".split()
)
HEADLINE_WEIGHT = 2
TIME_HALF_LIFE_DAYS = 21.0
TIME_FLOOR = 0.6
UNDATED_FACTOR = 0.8
MIN_SCORE = 0.04


@dataclass(frozen=True, slots=True)
class Document:
    """What the ranking reads of an article."""

    id: int
    headline: str
    text: str
    published_at: datetime | None = None


def terms(text: str) -> list[str]:
    """Lower-cased words of ``text`` without stop words and one-letter words."""
    words = (m.group(0).lower().replace("’", "'") for m in WORD.finditer(text))
    return [w for w in words if len(w) > 1 and w not in STOP_WORDS]


def time_factor(a: datetime | None, b: datetime | None) -> float:
    """How much closeness in time keeps of a text score: 1 the same day, towards the floor."""
    if a is None or b is None:
        return UNDATED_FACTOR
    days = abs((a - b).total_seconds()) / 86400
    decay: float = 0.5 ** (days / TIME_HALF_LIFE_DAYS)
    return TIME_FLOOR + (1 - TIME_FLOOR) * decay


class RelatedIndex:
    """TF-IDF vectors and an inverted index over a set of documents."""

    def __init__(self, documents: Iterable[Document]) -> None:
        counts: dict[int, Counter[str]] = {}
        self.dates: dict[int, datetime | None] = {}
        for doc in documents:
            bag = Counter(terms(doc.text))
            for word in terms(doc.headline):
                bag[word] += HEADLINE_WEIGHT
            counts[doc.id] = bag
            self.dates[doc.id] = doc.published_at
        n = len(counts)
        df: Counter[str] = Counter()
        for bag in counts.values():
            df.update(bag.keys())
        self.idf = {t: math.log((1 + n) / (1 + d)) + 1 for t, d in df.items()}
        self.vectors: dict[int, dict[str, float]] = {}
        self.postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for doc_id, bag in counts.items():
            vector = {t: (1 + math.log(c)) * self.idf[t] for t, c in bag.items()}
            norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
            vector = {t: w / norm for t, w in vector.items()}
            self.vectors[doc_id] = vector
            for t, w in vector.items():
                self.postings[t].append((doc_id, w))

    def __len__(self) -> int:
        return len(self.vectors)

    def similar(
        self, doc_id: int, limit: int, exclude: Sequence[int] = ()
    ) -> list[tuple[int, float]]:
        """The ``limit`` best other documents for ``doc_id``, as (id, score), best first."""
        vector = self.vectors.get(doc_id)
        if vector is None:
            return []
        cosine: dict[int, float] = defaultdict(float)
        for t, w in vector.items():
            for other, ow in self.postings[t]:
                cosine[other] += w * ow
        skip = {doc_id, *exclude}
        when = self.dates[doc_id]
        scored = [
            (other, round(c * time_factor(when, self.dates[other]), 6))
            for other, c in cosine.items()
            if other not in skip
        ]
        scored = [s for s in scored if s[1] >= MIN_SCORE]
        scored.sort(key=lambda s: (-s[1], s[0]))
        return scored[:limit]
