"""The related ranking: which published articles an editor would put next to this one.

Signals, each a number in 0..1 reported in ``Scored.reasons``:

- ``text``: cosine of field-weighted, sublinear TF-IDF vectors (headline, deck, lead and
  body, words and numbers; see ``text``);
- ``entities``: cosine of IDF-weighted vectors of the names both articles use (people,
  places, organisations; see ``entities``). Two events of the same kind share their
  vocabulary but not their names, so this is what tells them apart;
- ``numbers``: the same for the numbers they give (years, tolls, magnitudes, sums), the
  other thing two look-alike events rarely share;
- ``topics``: Jaccard overlap of the editors' topics, ``section``: 1 for the same desk;
  both only count when both articles carry them;
- ``time``: 1 for articles published the same day, decaying towards ``TIME_FLOOR``;
  undated articles get ``UNDATED_FACTOR``, so they still rank on their text.

The content score is the weighted mean ``TEXT_SHARE * text + ENTITY_SHARE * entities +
NUMBER_SHARE * numbers`` over the signals both articles have (no names or no numbers on
either side: that share drops out and the others are renormalised), times ``time *
(1 + TOPIC_BONUS * topics) * (1 + SECTION_BONUS * section)``.

Neighbourhood expansion (pseudo-relevance feedback on both sides of a pair): each article
has a neighbourhood, its ``NEIGHBOURS`` best others by the direct score above, computed
once (in batches, through one sparse product per block of articles) and kept until an
article that outranks one of them arrives or one of them changes. The reported signals are
cosines of expanded vectors: the article's own plus ``EXPANSION_WEIGHT`` times the
score-weighted mean of its neighbours'. Words, names and numbers of the article's own
event, shared by its neighbours, gain weight; a look-alike event's do not.

A list is built from candidates found through the query's most informative terms, the
``RERANK`` best by direct score scored with expansion, then syndicated copies (see
``duplicates``) are collapsed into one entry, the article's own copies are left out, and
a maximal marginal relevance pass keeps near-identical updates from filling every slot.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from dateline.related.duplicates import DuplicateIndex
from dateline.related.entities import entity_counts
from dateline.related.space import TermSpace
from dateline.related.text import number_counts, term_counts

TEXT_SHARE = 0.5
ENTITY_SHARE = 0.25
NUMBER_SHARE = 0.25
TOPIC_BONUS = 0.15
SECTION_BONUS = 0.05
TIME_HALF_LIFE_DAYS = 14.0
TIME_FLOOR = 0.7
UNDATED_FACTOR = 0.85
MIN_SCORE = 0.05
CANDIDATES = 30
QUERY_TERMS = 40
REDUNDANT_ABOVE = 0.6
REDUNDANCY_PENALTY = 1.0
POOL_PER_SLOT = 4
NEIGHBOURS = 5
RERANK = 15
EXPANSION_WEIGHT = 2.0
SETTLE_BLOCK = 512

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Document:
    """What the ranking reads of an article; ``body`` is plain text, one paragraph a line."""

    id: int
    headline: str
    deck: str = ""
    body: str = ""
    published_at: datetime | None = None
    section: str = ""
    topics: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Scored:
    """One entry of a related list: the score, its parts, and the copies it stands for."""

    id: int
    score: float
    reasons: dict[str, float]
    duplicates: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class _Meta:
    when: float | None
    section: str
    topics: frozenset[str]


def time_factor(a: float | None, b: float | None) -> float:
    """How much of a score closeness in time keeps (timestamps in seconds, or None)."""
    if a is None or b is None:
        return UNDATED_FACTOR
    days = abs(a - b) / 86400
    decay: float = 0.5 ** (days / TIME_HALF_LIFE_DAYS)
    return TIME_FLOOR + (1 - TIME_FLOOR) * decay


Neighbourhood = tuple[list[int], list[float]]


class RelatedIndex:
    """Every published article, ready to be asked for related ones."""

    def __init__(self, documents: Iterable[Document] = ()) -> None:
        self._text = TermSpace()
        self._entities = TermSpace()
        self._numbers = TermSpace()
        self._spaces = (self._text, self._entities, self._numbers)
        self._copies = DuplicateIndex()
        self._meta: dict[int, _Meta] = {}
        self._neighbours: dict[int, Neighbourhood] = {}
        self._versions: dict[int, int] = {}  # id -> hash of the indexed version
        self._dependents: dict[int, set[int]] = {}
        self._pending: set[int] = set()
        for document in documents:
            self.add(document)

    def add(self, document: Document) -> None:
        """Insert ``document``, or replace the indexed version with the same id.

        Cheap: the article's neighbourhood, and the neighbourhoods it now belongs to, are
        settled at the next query, together with those of every article added meanwhile.
        """
        doc_id = document.id
        if self._versions.get(doc_id) == hash(document):
            return
        self._versions[doc_id] = hash(document)
        fields = (document.headline, document.deck, document.body)
        self._text.add(doc_id, term_counts(*fields))
        self._entities.add(doc_id, entity_counts(*fields))
        self._numbers.add(doc_id, number_counts(*fields))
        self._copies.add(doc_id, f"{document.deck}\n{document.body}")
        when = document.published_at.timestamp() if document.published_at else None
        topics = frozenset(t.strip().lower() for t in document.topics if t.strip())
        self._meta[doc_id] = _Meta(when, document.section.strip().lower(), topics)
        self._forget_neighbours(doc_id)
        self._pending.add(doc_id)

    def remove(self, doc_id: int) -> None:
        """Forget the article (no error when absent)."""
        if self._meta.pop(doc_id, None) is None:
            return
        del self._versions[doc_id]
        self._pending.discard(doc_id)
        self._forget_neighbours(doc_id)
        for space in self._spaces:
            space.remove(doc_id)
        self._copies.remove(doc_id)

    def __len__(self) -> int:
        return len(self._meta)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._meta

    def ids(self) -> list[int]:
        """The indexed ids, ascending."""
        return sorted(self._meta)

    def near_duplicates(self, doc_id: int) -> list[int]:
        """Indexed copies of the article's text (syndicated copies), ascending."""
        return sorted(self._copies.copies(doc_id))

    def score_pair(self, a: int, b: int) -> Scored:
        """The same-story score of two indexed articles (symmetric)."""
        if a not in self._meta or b not in self._meta:
            raise KeyError(a if a not in self._meta else b)
        scores, reasons = self._score(a, [b])
        dupes = (b,) if b in self._copies.copies(a) else ()
        return Scored(b, float(scores[0]), reasons[0], dupes)

    def similar(self, doc_id: int, limit: int = 5, exclude: Collection[int] = ()) -> list[Scored]:
        """The ``limit`` articles to show next to ``doc_id``, best first.

        Copies of one story come as one entry (the best-scoring copy, the others in
        ``duplicates``); copies of ``doc_id`` itself and ids in ``exclude`` never appear.
        """
        if doc_id not in self._meta or limit <= 0:
            return []
        own = self._copies.copies(doc_id)
        skip = {doc_id, *exclude, *own}
        found = self._text.search([doc_id], CANDIDATES + len(skip), QUERY_TERMS)[0][0]
        others = [int(c) for c in found if int(c) not in skip]
        if not others:
            return []
        direct = self._direct([doc_id] * len(others), others)
        keep = np.lexsort((np.asarray(others), -direct))[:RERANK]
        others = [others[i] for i in keep]
        scores, reasons = self._score(doc_id, others)
        order = [int(i) for i in np.lexsort((np.asarray(others), -scores))]
        order = [i for i in order if scores[i] >= MIN_SCORE]
        entries: list[tuple[int, list[int]]] = []  # (index into others, copies)
        position: dict[int, int] = {}
        for i in order:
            copies = self._copies.copies(others[i])
            home = next((position[c] for c in sorted(copies) if c in position), None)
            if home is not None:
                entries[home][1].append(others[i])
                position[others[i]] = home
                continue
            position[others[i]] = len(entries)
            entries.append((i, []))
            if len(entries) >= limit * POOL_PER_SLOT:
                break
        picked = self._diversify([e[0] for e in entries], others, scores, limit)
        copies_of = {e[0]: e[1] for e in entries}
        return [
            Scored(others[i], float(scores[i]), reasons[i], tuple(sorted(copies_of[i])))
            for i in picked
        ]

    def _diversify(
        self, pool: list[int], others: list[int], scores: FloatArray, limit: int
    ) -> list[int]:
        """Maximal marginal relevance over ``pool`` (indices into ``others``, best first).

        A candidate is only held back for being very close to one already picked (text
        cosine above ``REDUNDANT_ABOVE``): ordinary same-story articles stay in order.
        """
        if len(pool) <= limit:
            return pool
        ids = [others[i] for i in pool]
        matrix = self._text.matrix(ids)
        overlap = np.asarray((matrix @ matrix.T).toarray())
        redundancy = np.maximum(overlap - REDUNDANT_ABOVE, 0.0) / (1 - REDUNDANT_ABOVE)
        gains = scores[pool]
        chosen: list[int] = []
        worst = np.zeros(len(pool))  # each candidate's largest redundancy with a pick
        available = np.ones(len(pool), dtype=np.bool_)
        while available.any() and len(chosen) < limit:
            value = np.where(available, gains - REDUNDANCY_PENALTY * gains * worst, -np.inf)
            best = int(np.argmax(value))  # the first maximum: ties go to the better rank
            chosen.append(best)
            available[best] = False
            worst = np.maximum(worst, redundancy[:, best])
        return [pool[r] for r in chosen]

    def score_many(self, doc_id: int, others: list[int]) -> FloatArray:
        """Pair scores of ``doc_id`` with each of ``others`` (all indexed), vectorised."""
        return self._parts(doc_id, others)[0]

    def score_matrix(self, ids: list[int]) -> FloatArray:
        """Pair scores of every two of ids (symmetric; the diagonal is 1), vectorised."""
        self._settle(ids)
        cosines = []
        for space in self._spaces:
            rows = self._expanded(space, ids)
            cosines.append(np.asarray((rows @ rows.T).toarray()))
        has = [self._has(space, ids) for space in (self._entities, self._numbers)]
        base = self._blend(
            cosines[0], cosines[1], cosines[2], np.outer(has[0], has[0]), np.outer(has[1], has[1])
        )
        factors = np.vstack([self._factors([i] * len(ids), ids)[3] for i in ids])
        result = np.round(base * factors, 6)
        np.fill_diagonal(result, 1.0)
        return result

    # signals
    @staticmethod
    def _has(space: TermSpace, ids: list[int]) -> npt.NDArray[np.bool_]:
        return np.fromiter((space.has_terms(i) for i in ids), dtype=np.bool_, count=len(ids))

    @staticmethod
    def _blend(
        text: FloatArray,
        entities: FloatArray,
        numbers: FloatArray,
        named: npt.NDArray[np.bool_],
        numbered: npt.NDArray[np.bool_],
    ) -> FloatArray:
        """The content score: shares of the signals both articles have, renormalised."""
        entity_share = np.where(named, ENTITY_SHARE, 0.0)
        number_share = np.where(numbered, NUMBER_SHARE, 0.0)
        total = TEXT_SHARE * text + entity_share * entities + number_share * numbers
        result: FloatArray = total / (TEXT_SHARE + entity_share + number_share)
        return result

    def _direct(self, left: list[int], right: list[int]) -> FloatArray:
        """Direct (unexpanded) scores of the pairs ``(left[i], right[i])``, vectorised."""
        if not left:
            return np.zeros(0)
        text, entities, numbers = (space.pair_cosines(left, right) for space in self._spaces)
        named = self._has(self._entities, left) & self._has(self._entities, right)
        numbered = self._has(self._numbers, left) & self._has(self._numbers, right)
        base = self._blend(text, entities, numbers, named, numbered)
        return np.round(base * self._factors(left, right)[3], 6)

    # neighbourhoods
    def _settle(self, wanted: Iterable[int]) -> None:
        """Compute the neighbourhoods of ``wanted`` and of articles added since last time.

        They go through batched searches, ``SETTLE_BLOCK`` at a time. An added article
        also invalidates the cached neighbourhoods of candidates it now outranks a member
        of; those are recomputed when next wanted.
        """
        pending = sorted(i for i in self._pending if i in self._meta)
        self._pending.clear()
        todo = sorted(
            {*pending, *(i for i in wanted if i in self._meta and i not in self._neighbours)}
        )
        if not todo:
            return
        fresh = set(pending)
        settled = set(todo)
        outranked: set[int] = set()
        for start in range(0, len(todo), SETTLE_BLOCK):
            block = todo[start : start + SETTLE_BLOCK]
            outranked |= self._settle_block(block, fresh, settled)
        for other in outranked:
            self._drop_own(other)
        missing = [i for i in wanted if i in self._meta and i not in self._neighbours]
        if missing:
            self._settle(missing)

    def _settle_block(self, block: list[int], fresh: set[int], settled: set[int]) -> set[int]:
        """Neighbourhoods of ``block``; returns cached ones a ``fresh`` article outranks."""
        outranked: set[int] = set()
        found = self._text.search(block, CANDIDATES, QUERY_TERMS)
        left = [d for d, (ids, _) in zip(block, found, strict=True) for _ in range(len(ids))]
        right = [int(c) for ids, _ in found for c in ids]
        scores = self._direct(left, right)
        start = 0
        for doc_id, (ids, _) in zip(block, found, strict=True):
            stop = start + len(ids)
            mine, theirs = right[start:stop], scores[start:stop]
            start = stop
            best = np.lexsort((np.asarray(mine, dtype=np.int64), -theirs))[:NEIGHBOURS]
            best = best[theirs[best] > 0]
            members = [mine[i] for i in best]
            self._neighbours[doc_id] = (members, [float(theirs[i]) for i in best])
            for other in members:
                self._dependents.setdefault(other, set()).add(doc_id)
            if doc_id not in fresh:
                continue
            for other, score in zip(mine, theirs, strict=True):
                entry = self._neighbours.get(other)
                if other in settled or entry is None or doc_id in entry[0]:
                    continue
                if len(entry[0]) < NEIGHBOURS or score >= entry[1][-1]:
                    outranked.add(other)
        return outranked

    def _drop_own(self, doc_id: int) -> None:
        """Drop the article's cached neighbourhood (others' that include it stay)."""
        entry = self._neighbours.pop(doc_id, None)
        if entry is None:
            return
        for other in entry[0]:
            users = self._dependents.get(other)
            if users is not None:
                users.discard(doc_id)

    def _forget_neighbours(self, doc_id: int) -> None:
        """Drop cached neighbourhoods that are ``doc_id``'s or that include it."""
        for owner in {doc_id, *self._dependents.pop(doc_id, set())}:
            self._drop_own(owner)
            if owner != doc_id and owner in self._meta:
                self._pending.add(owner)

    def _expanded(self, space: TermSpace, ids: list[int]) -> Any:
        """Rows of ``ids`` in ``space``, each moved towards its neighbourhood's centroid.

        An article is its own vector plus ``EXPANSION_WEIGHT`` times the score-weighted
        mean of its neighbours' (all normalised), normalised again.
        """
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        universe: dict[int, int] = {}
        for i, doc_id in enumerate(ids):
            members, weights = self._neighbours.get(doc_id, ([], []))
            total = sum(weights)
            mix = [(doc_id, 1.0)] + [
                (m, EXPANSION_WEIGHT * w / total) for m, w in zip(members, weights, strict=True)
            ]
            for member, weight in mix:
                rows.append(i)
                cols.append(universe.setdefault(member, len(universe)))
                vals.append(weight)
        mixing = sp.csr_matrix((vals, (rows, cols)), shape=(len(ids), len(universe)))
        expanded = mixing @ space.matrix(list(universe))
        norms = np.sqrt(np.asarray(expanded.multiply(expanded).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.diags(1.0 / norms) @ expanded

    def _score(self, doc_id: int, others: list[int]) -> tuple[FloatArray, list[dict[str, float]]]:
        scores, text, entities, numbers, topics, section, when = self._parts(doc_id, others)
        reasons = [
            {
                "text": round(float(text[i]), 4),
                "entities": round(float(entities[i]), 4),
                "numbers": round(float(numbers[i]), 4),
                "topics": round(float(topics[i]), 4),
                "section": float(section[i]),
                "time": round(float(when[i]), 4),
            }
            for i in range(len(others))
        ]
        return scores, reasons

    def _parts(self, doc_id: int, others: list[int]) -> tuple[FloatArray, ...]:
        """Expanded scores and their parts: text, entities, numbers, topics, section, time."""
        ids = [doc_id, *others]
        self._settle(ids)
        cosines = []
        for space in self._spaces:
            rows = self._expanded(space, ids)
            cosines.append(np.asarray((rows[1:] @ rows[0].T).toarray()).ravel())
        text, entities, numbers = cosines
        named = self._has(self._entities, others) & self._entities.has_terms(doc_id)
        numbered = self._has(self._numbers, others) & self._numbers.has_terms(doc_id)
        base = self._blend(text, entities, numbers, named, numbered)
        topics, section, when, factor = self._factors([doc_id] * len(others), others)
        scores = np.round(base * factor, 6)
        return (
            scores,
            text,
            np.where(named, entities, 0.0),
            np.where(numbered, numbers, 0.0),
            topics,
            section,
            when,
        )

    def _factors(self, left: list[int], right: list[int]) -> tuple[FloatArray, ...]:
        """Topics overlap, same section, time factor, and their product, for each pair."""
        count = len(left)
        topics = np.zeros(count)
        section = np.zeros(count)
        when = np.full(count, UNDATED_FACTOR)
        for i, (a, b) in enumerate(zip(left, right, strict=True)):
            mine, theirs = self._meta[a], self._meta[b]
            if mine.topics and theirs.topics:
                shared = len(mine.topics & theirs.topics)
                topics[i] = shared / len(mine.topics | theirs.topics)
            if mine.section and mine.section == theirs.section:
                section[i] = 1.0
            if mine.when is not None and theirs.when is not None:
                when[i] = time_factor(mine.when, theirs.when)
        factor = when * (1 + TOPIC_BONUS * topics) * (1 + SECTION_BONUS * section)
        return topics, section, when, factor


__all__ = ["Document", "RelatedIndex", "Scored"]
