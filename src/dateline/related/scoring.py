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
``similar_many`` gives the same lists for many articles at once (a rebuild), each step
batched over blocks of articles, sharing the searches that settle the neighbourhoods.
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
IntArray = npt.NDArray[np.int64]
Candidates = tuple[IntArray, FloatArray]  # search hits, best first, and direct scores


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
        return self._similar_block([doc_id], limit, frozenset(exclude))[doc_id]

    def similar_many(self, ids: Iterable[int], limit: int = 5) -> dict[int, list[Scored]]:
        """``similar(i, limit)`` for each of ``ids`` (an unknown id gets ``[]``), in bulk.

        The same lists, computed ``SETTLE_BLOCK`` articles at a time: one sparse product
        per block finds the candidates, and their direct and expanded scores are computed
        for the whole block at once. For rebuilding every list of the archive.
        """
        wanted = list(dict.fromkeys(ids))
        result: dict[int, list[Scored]] = {i: [] for i in wanted}
        known = [i for i in wanted if i in self._meta]
        if limit <= 0 or not known:
            return result
        # the searches that settle neighbourhoods, wide enough to serve the lists too
        width = CANDIDATES + 1 + max(len(self._copies.copies(i)) for i in known)
        found: dict[int, Candidates] = {}
        self._settle(known, found, width)
        for start in range(0, len(known), SETTLE_BLOCK):
            block = known[start : start + SETTLE_BLOCK]
            result.update(self._similar_block(block, limit, frozenset(), found))
        return result

    def _similar_block(
        self,
        block: list[int],
        limit: int,
        exclude: frozenset[int],
        found: dict[int, Candidates] | None = None,
    ) -> dict[int, list[Scored]]:
        """``similar`` for each of ``block`` (indexed ids), batched.

        Every step computes each article's numbers independently of the others in the
        block (row-wise sparse products, pair-wise cosines), so a list does not depend on
        the batch it was computed in. ``found`` holds search results already at hand (wide
        enough), taken out as they are used.
        """
        found = {} if found is None else found
        skips = [{doc_id, *exclude, *self._copies.copies(doc_id)} for doc_id in block]
        width = CANDIDATES + max(len(skip) for skip in skips)
        missing = [d for d in block if d not in found]
        if missing:
            found.update(zip(missing, self._scored_candidates(missing, width), strict=True))
        reranked: list[list[int]] = []
        for doc_id, skip in zip(block, skips, strict=True):
            # results come best first, ties by id: a prefix is what a narrower search gives
            ids, direct = found.pop(doc_id)
            head = ids[: CANDIDATES + len(skip)].tolist()
            usable = [i for i, c in enumerate(head) if c not in skip]
            others = [head[i] for i in usable]
            keep = np.lexsort((np.asarray(others, dtype=np.int64), -direct[usable]))
            reranked.append([others[i] for i in keep[:RERANK]])
        left = [d for d, others in zip(block, reranked, strict=True) for _ in others]
        right = [c for others in reranked for c in others]
        parts = self._pair_parts(left, right)
        scores_all = parts[0]
        pools: list[tuple[int, list[tuple[int, list[int]]]]] = []  # (offset, entries)
        start = 0
        for others in reranked:
            offset, start = start, start + len(others)
            scores = scores_all[offset:start]
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
            pools.append((offset, entries))
        # the text rows of every pool to diversify, in one matrix
        crowded = [
            others[e[0]]
            for others, (_, entries) in zip(reranked, pools, strict=True)
            if len(entries) > limit
            for e in entries
        ]
        matrix = self._text.matrix(crowded)
        row = 0
        result: dict[int, list[Scored]] = {}
        for doc_id, others, (offset, entries) in zip(block, reranked, pools, strict=True):
            scores = scores_all[offset : offset + len(others)]
            pool = [e[0] for e in entries]
            if len(pool) > limit:
                rows = _row_slice(matrix, row, row + len(pool))
                row += len(pool)
                picked = self._diversify(pool, scores, limit, rows)
            else:
                picked = pool
            copies_of = {e[0]: e[1] for e in entries}
            result[doc_id] = [
                Scored(
                    others[i],
                    float(scores[i]),
                    self._reasons(parts, offset + i),
                    tuple(sorted(copies_of[i])),
                )
                for i in picked
            ]
        return result

    @staticmethod
    def _diversify(pool: list[int], scores: FloatArray, limit: int, matrix: Any) -> list[int]:
        """Maximal marginal relevance over ``pool`` (indices into ``scores``, best first).

        ``matrix`` holds the pool's text rows. A candidate is only held back for being very
        close to one already picked (text cosine above ``REDUNDANT_ABOVE``): ordinary
        same-story articles stay in order.
        """
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
        if len(ids) < 64:
            return np.fromiter((space.has_terms(i) for i in ids), dtype=np.bool_, count=len(ids))
        unique, inverse = np.unique(np.asarray(ids, dtype=np.int64), return_inverse=True)
        flags = np.fromiter(
            (space.has_terms(int(i)) for i in unique), dtype=np.bool_, count=len(unique)
        )
        return flags[inverse.ravel()]

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
    def _settle(
        self,
        wanted: Iterable[int],
        found: dict[int, Candidates] | None = None,
        width: int = CANDIDATES,
    ) -> None:
        """Compute the neighbourhoods of ``wanted`` and of articles added since last time.

        They go through batched searches, ``SETTLE_BLOCK`` at a time. An added article
        also invalidates the cached neighbourhoods of candidates it now outranks a member
        of; those are recomputed when next wanted. With ``found``, the searches go ``width``
        deep and their ids are kept there, by article.
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
            outranked |= self._settle_block(block, fresh, settled, found, width)
        for other in outranked:
            self._drop_own(other)
        missing = [i for i in wanted if i in self._meta and i not in self._neighbours]
        if missing:
            self._settle(missing, found, width)

    def _settle_block(
        self,
        block: list[int],
        fresh: set[int],
        settled: set[int],
        keep: dict[int, Candidates] | None = None,
        width: int = CANDIDATES,
    ) -> set[int]:
        """Neighbourhoods of ``block``; returns cached ones a ``fresh`` article outranks."""
        outranked: set[int] = set()
        found = self._scored_candidates(block, max(width, CANDIDATES))
        if keep is not None:
            keep.update(zip(block, found, strict=True))
        for doc_id, (ids, direct) in zip(block, found, strict=True):
            # best first, ties by id: the first CANDIDATES are what a narrower search gives
            mine, theirs = ids[:CANDIDATES].tolist(), direct[:CANDIDATES]
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

    def _scored_candidates(self, block: list[int], width: int) -> list[Candidates]:
        """Search hits of each of ``block``, ``width`` deep, and their direct scores."""
        found = self._text.search(block, width, QUERY_TERMS)
        left = [d for d, (ids, _) in zip(block, found, strict=True) for _ in range(len(ids))]
        right = [int(c) for ids, _ in found for c in ids]
        direct = self._direct(left, right)
        result: list[Candidates] = []
        start = 0
        for ids, _ in found:
            result.append((ids, direct[start : start + len(ids)]))
            start += len(ids)
        return result

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
        mean of its neighbours' (all normalised), normalised again. Each row is summed in
        a fixed order (the article, then its neighbours) and comes with sorted indices, so
        it is the same bit for bit whatever else is in ``ids``.
        """
        universe: dict[int, int] = {}
        cols: list[int] = []
        vals: list[float] = []
        indptr = np.zeros(len(ids) + 1, dtype=np.int64)
        for i, doc_id in enumerate(ids):
            members, weights = self._neighbours.get(doc_id, ([], []))
            total = sum(weights)
            cols.append(universe.setdefault(doc_id, len(universe)))
            vals.append(1.0)
            for member, weight in zip(members, weights, strict=True):
                cols.append(universe.setdefault(member, len(universe)))
                vals.append(EXPANSION_WEIGHT * weight / total)
            indptr[i + 1] = len(cols)
        mixing = sp.csr_matrix(
            (np.asarray(vals), np.asarray(cols, dtype=np.int64), indptr),
            shape=(len(ids), len(universe)),
        )  # built as is, unsorted: the product sums each row in this order
        expanded = sp.csr_matrix(mixing @ space.matrix(list(universe)))
        expanded.sort_indices()
        owner = np.repeat(np.arange(len(ids)), np.diff(expanded.indptr))
        data = expanded.data
        norms = np.sqrt(np.bincount(owner, weights=data * data, minlength=len(ids)))
        norms[norms == 0] = 1.0
        expanded.data = data / norms[owner]
        return expanded

    def _score(self, doc_id: int, others: list[int]) -> tuple[FloatArray, list[dict[str, float]]]:
        parts = self._parts(doc_id, others)
        return parts[0], [self._reasons(parts, i) for i in range(len(others))]

    @staticmethod
    def _reasons(parts: tuple[FloatArray, ...], i: int) -> dict[str, float]:
        _, text, entities, numbers, topics, section, when = parts
        return {
            "text": round(float(text[i]), 4),
            "entities": round(float(entities[i]), 4),
            "numbers": round(float(numbers[i]), 4),
            "topics": round(float(topics[i]), 4),
            "section": float(section[i]),
            "time": round(float(when[i]), 4),
        }

    def _parts(self, doc_id: int, others: list[int]) -> tuple[FloatArray, ...]:
        """Expanded scores and their parts: text, entities, numbers, topics, section, time."""
        return self._pair_parts([doc_id] * len(others), others)

    def _pair_parts(self, left: list[int], right: list[int]) -> tuple[FloatArray, ...]:
        """``_parts`` of the pairs ``(left[i], right[i])``, vectorised.

        Each cosine is the sum over the pair's shared terms in column order: symmetric, and
        independent of the other pairs.
        """
        if not left:
            empty = np.zeros(0)
            return (empty,) * 7
        universe = list(dict.fromkeys([*left, *right]))
        self._settle(universe)
        position = {doc_id: i for i, doc_id in enumerate(universe)}
        a = np.fromiter((position[d] for d in left), dtype=np.int64, count=len(left))
        b = np.fromiter((position[d] for d in right), dtype=np.int64, count=len(right))
        cosines: list[FloatArray] = []
        for space in self._spaces:
            rows = self._expanded(space, universe)
            products = sp.csr_matrix(rows[a].multiply(rows[b]))
            owner = np.repeat(np.arange(len(left)), np.diff(products.indptr))
            sums = np.bincount(owner, weights=products.data, minlength=len(left))
            cosines.append(np.asarray(sums, dtype=np.float64))
        text, entities, numbers = cosines
        named = self._has(self._entities, left) & self._has(self._entities, right)
        numbered = self._has(self._numbers, left) & self._has(self._numbers, right)
        base = self._blend(text, entities, numbers, named, numbered)
        topics, section, when, factor = self._factors(left, right)
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
        meta = self._meta
        pairs = [(meta[a], meta[b]) for a, b in zip(left, right, strict=True)]
        topics = np.array(
            [
                len(x.topics & y.topics) / len(x.topics | y.topics)
                if x.topics and y.topics
                else 0.0
                for x, y in pairs
            ],
            dtype=np.float64,
        )
        section = np.array(
            [1.0 if x.section and x.section == y.section else 0.0 for x, y in pairs],
            dtype=np.float64,
        )
        when = np.array([time_factor(x.when, y.when) for x, y in pairs], dtype=np.float64)
        factor = when * (1 + TOPIC_BONUS * topics) * (1 + SECTION_BONUS * section)
        return topics, section, when, factor


def _row_slice(matrix: Any, start: int, stop: int) -> Any:
    """Rows ``start:stop`` of a csr matrix, as a csr matrix sharing its arrays."""
    lo, hi = matrix.indptr[start], matrix.indptr[stop]
    return sp.csr_matrix(
        (matrix.data[lo:hi], matrix.indices[lo:hi], matrix.indptr[start : stop + 1] - lo),
        shape=(stop - start, matrix.shape[1]),
    )


__all__ = ["Document", "RelatedIndex", "Scored"]
