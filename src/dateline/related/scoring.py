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

import contextlib
import gc
import hashlib
import multiprocessing
from collections import deque
from collections.abc import Callable, Collection, Generator, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from dateline.model.fingerprint import Sketch, sketch
from dateline.related.duplicates import DuplicateIndex
from dateline.related.entities import entity_counts
from dateline.related.space import TermSpace, grown, row_dots, term_weights
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
QUERY_TERMS = 25  # a query's heaviest terms searched (docs/related.md: why not more)
REDUNDANT_ABOVE = 0.6
REDUNDANCY_PENALTY = 1.0
POOL_PER_SLOT = 4
NEIGHBOURS = 5
RERANK = 15
EXPANSION_WEIGHT = 2.0
SETTLE_BLOCK = 512
GRAM_GROUPS = 64  # pools whose text overlaps one sparse product computes (transient memory)
ANALYSE_CHUNK = 256  # documents a worker analyses per task in a parallel build

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


def version_of(document: Document) -> int:
    """A digest of everything the ranking reads of ``document``: the same in every process
    and every run (unlike ``hash``, salted per process), so that an index kept on disk
    (``related.snapshot``) tells which articles changed while it was not running."""
    parts = (
        document.headline,
        document.deck,
        document.body,
        document.published_at.isoformat() if document.published_at else "",
        document.section,
        *document.topics,
    )
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def time_factor(a: float | None, b: float | None) -> float:
    """How much of a score closeness in time keeps (timestamps in seconds, or None)."""
    if a is None or b is None:
        return UNDATED_FACTOR
    days = abs(a - b) / 86400
    decay: float = 0.5 ** (days / TIME_HALF_LIFE_DAYS)
    return TIME_FLOOR + (1 - TIME_FLOOR) * decay


class _Facts:
    """What the pair factors read of each article, in arrays indexed by a slot per article,
    so that the factors of many pairs are computed without a Python loop over them."""

    MAX_TOPICS = 16  # topics an article may carry and still be compared in arrays

    def __init__(self) -> None:
        self.slot: dict[int, int] = {}
        self._free: list[int] = []
        self.when = np.zeros(0)  # timestamp, NaN when undated
        self.section = np.zeros(0, dtype=np.int64)  # code of the section, 0 for none
        self.topics = np.full((0, 1), -1, dtype=np.int64)  # topic codes, -1 padded
        self.topic_count = np.zeros(0, dtype=np.int64)
        self.named = np.zeros(0, dtype=np.bool_)  # has entity terms
        self.numbered = np.zeros(0, dtype=np.bool_)  # has number terms
        self._codes: dict[str, int] = {}

    def _code(self, name: str) -> int:
        return self._codes.setdefault(name, len(self._codes) + 1)

    def put(
        self,
        doc_id: int,
        when: float | None,
        section: str,
        topics: Collection[str],
        named: bool,
        numbered: bool,
    ) -> None:
        """Record an article's facts: timestamp, section and topics (normalised), and
        whether it has entity and number terms."""
        slot = self.slot.get(doc_id)
        if slot is None:
            slot = self._free.pop() if self._free else len(self.slot)
            self.slot[doc_id] = slot
        if slot >= len(self.when):
            size = max(1024, 2 * len(self.when), slot + 1)
            self.when = grown(self.when, size)
            self.section = grown(self.section, size)
            self.topics = grown(self.topics, size, -1)
            self.topic_count = grown(self.topic_count, size)
            self.named = grown(self.named, size)
            self.numbered = grown(self.numbered, size)
        codes = sorted(self._code("topic:" + t) for t in topics)
        if len(codes) > self.topics.shape[1]:
            wider = np.full((len(self.topics), len(codes)), -1, dtype=np.int64)
            wider[:, : self.topics.shape[1]] = self.topics
            self.topics = wider
        self.when[slot] = np.nan if when is None else when
        self.section[slot] = self._code("section:" + section) if section else 0
        self.topics[slot] = -1
        self.topics[slot, : len(codes)] = codes
        self.topic_count[slot] = len(codes)
        self.named[slot] = named
        self.numbered[slot] = numbered

    def drop(self, doc_id: int) -> None:
        slot = self.slot.pop(doc_id, None)
        if slot is not None:
            self._free.append(slot)

    def slots(self, ids: list[int]) -> IntArray:
        return np.fromiter(map(self.slot.__getitem__, ids), dtype=np.int64, count=len(ids))

    def factors(self, a: IntArray, b: IntArray) -> tuple[FloatArray, ...]:
        """Topics overlap, same section, time factor and their product of slot pairs.

        The same numbers as ``time_factor`` and the set arithmetic give, bit for bit: the
        same operations, elementwise (the power is Python's, as numpy's may differ in the
        last bit).
        """
        count_a, count_b = self.topic_count[a], self.topic_count[b]
        both = (count_a > 0) & (count_b > 0)
        topics = np.zeros(len(a))
        if both.any():
            width = int(max(count_a[both].max(), count_b[both].max()))
            if width <= self.MAX_TOPICS:
                x, y = self.topics[a[both], :width], self.topics[b[both], :width]
                shared = ((x[:, :, None] == y[:, None, :]) & (x[:, :, None] >= 0)).sum(axis=(1, 2))
                union = count_a[both] + count_b[both] - shared
                topics[both] = shared / union
            else:
                rows = [
                    (
                        set(self.topics[i, : self.topic_count[i]].tolist()),
                        set(self.topics[j, : self.topic_count[j]].tolist()),
                    )
                    for i, j in zip(a[both].tolist(), b[both].tolist(), strict=True)
                ]
                topics[both] = [len(p & q) / len(p | q) for p, q in rows]
        section_a = self.section[a]
        section = ((section_a != 0) & (section_a == self.section[b])).astype(np.float64)
        when_a, when_b = self.when[a], self.when[b]
        dated = ~(np.isnan(when_a) | np.isnan(when_b))
        when = np.full(len(a), UNDATED_FACTOR)
        if dated.any():
            days = np.abs(when_a[dated] - when_b[dated]) / 86400
            exponents = (days / TIME_HALF_LIFE_DAYS).tolist()
            decay = np.array([0.5**e for e in exponents], dtype=np.float64)
            when[dated] = TIME_FLOOR + (1 - TIME_FLOOR) * decay
        factor = when * (1 + TOPIC_BONUS * topics) * (1 + SECTION_BONUS * section)
        return topics, section, when, factor


Neighbourhood = tuple[list[int], list[float]]
Mixing = tuple[npt.NDArray[np.float64], npt.NDArray[np.int64], npt.NDArray[np.int64], list[int]]
Terms = tuple[list[str], npt.NDArray[np.float32]]
# what ``add`` derives from an article's text alone: words, names, numbers, MinHash sketch
Analysis = tuple[Terms, Terms, Terms, Sketch | None]


def analyse(document: Document) -> Analysis:
    """The part of indexing ``document`` that depends on nothing else (the costly part)."""
    fields = (document.headline, document.deck, document.body)
    return (
        term_weights(term_counts(*fields)),
        term_weights(entity_counts(*fields)),
        term_weights(number_counts(*fields)),
        sketch(f"{document.deck}\n{document.body}"),
    )


# -- work in forked processes --------------------------------------------------------------
# A parallel step sets ``_shared`` to what its workers read, then forks them: they see the
# index as it was at the fork (copy on write), compute, and send back plain results.
_shared: Any = None


@contextlib.contextmanager
def _pool(workers: int, shared: Any = None) -> Iterator[Any]:
    """A pool of ``workers`` forked processes that see ``shared`` (as ``_shared``)."""
    global _shared
    _shared = shared
    # what exists at the fork stays out of the workers' garbage collections: their pages
    # stay shared, and nothing of this process (a database connection) is finalised there
    gc.freeze()
    try:
        pool = multiprocessing.get_context("fork").Pool(workers)
    finally:
        gc.unfreeze()
    try:
        yield pool
        pool.close()
        pool.join()
    finally:
        pool.terminate()
        _shared = None


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def zip_chunks(
    chunks: Iterator[list[Any]], pool: Any, job: Callable[[list[Any]], Any], ahead: int
) -> Iterator[tuple[list[Any], Any]]:
    """``(chunk, job(chunk))`` for each chunk, in order, the jobs run by ``pool``.

    The chunks are read here, in the calling thread (they may come from a database
    cursor), at most ``ahead`` of them sent before their results are taken.
    """
    sent: deque[tuple[list[Any], Any]] = deque()
    for chunk in chunks:
        sent.append((chunk, pool.apply_async(job, (chunk,))))
        if len(sent) > ahead:
            done, result = sent.popleft()
            yield done, result.get()
    while sent:
        done, result = sent.popleft()
        yield done, result.get()


def _analyse_chunk(documents: list[Document]) -> list[Analysis]:
    return [analyse(d) for d in documents]


def _candidates_job(block: list[int]) -> list[Candidates]:
    index, width = _shared
    result: list[Candidates] = index._scored_candidates(block, width)
    return result


def _lists_job(block: list[int]) -> dict[int, list[Scored]]:
    index, limit, found = _shared
    result: dict[int, list[Scored]] = index._similar_block(block, limit, frozenset(), found)
    return result


class RelatedIndex:
    """Every published article, ready to be asked for related ones."""

    def __init__(self, documents: Iterable[Document] = (), workers: int = 1) -> None:
        self._text = TermSpace()
        self._entities = TermSpace()
        self._numbers = TermSpace()
        self._spaces = (self._text, self._entities, self._numbers)
        self._copies = DuplicateIndex()
        self._facts = _Facts()  # time, section, topics: in arrays, no object per article
        self._neighbours: dict[int, Neighbourhood] = {}
        self._versions: dict[int, int] = {}  # id -> ``version_of`` the indexed document
        self._dependents: dict[int, set[int]] = {}
        self._pending: set[int] = set()
        self._ahead: list[int] | None = None  # ids ``settle_ahead`` has yet to offer
        # counts changes (articles in or out, neighbourhoods settled): what a kept copy of
        # the index (``related.snapshot``) compares to know whether it is behind
        self.revision = 0
        self.add_many(documents, workers)

    def add(self, document: Document) -> None:
        """Insert ``document``, or replace the indexed version with the same id.

        Cheap: the article's neighbourhood, and the neighbourhoods it now belongs to, are
        settled at the next query, together with those of every article added meanwhile
        (on an index that keeps no neighbourhood yet, only those the query needs).
        """
        if self._versions.get(document.id) != version_of(document):
            self._insert(document, analyse(document))

    def add_many(self, documents: Iterable[Document], workers: int = 1) -> None:
        """``add`` each of ``documents`` in order; the text analysis in ``workers`` processes.

        The index is the same as with ``add`` one by one: only the analysis of each
        article's text (words, names, numbers, MinHash sketch), which depends on nothing
        else, is done in forked worker processes, in chunks; the results are inserted here
        in the documents' order, and syndicated copies are linked once at the end.
        """
        if workers <= 1:
            for document in documents:
                self.add(document)
            return
        chunks = _chunks(documents, ANALYSE_CHUNK)
        with _pool(workers) as pool:
            for chunk, analysed in zip_chunks(chunks, pool, _analyse_chunk, 2 * workers + 2):
                for document, analysis in zip(chunk, analysed, strict=True):
                    if self._versions.get(document.id) != version_of(document):
                        self._insert(document, analysis, link=False)
        # every copy link at once: one sort of all band keys, not a lookup per article
        self._copies.link_all()

    def _insert(self, document: Document, analysis: Analysis, link: bool = True) -> None:
        """Index ``document`` from its ``analysis``; without ``link``, its copies are
        linked by the caller, later (``DuplicateIndex.link_all``)."""
        doc_id = document.id
        self._versions[doc_id] = version_of(document)
        self.revision += 1
        text, entities, numbers, sketched = analysis
        self._text.add_terms(doc_id, *text)
        self._entities.add_terms(doc_id, *entities)
        self._numbers.add_terms(doc_id, *numbers)
        self._copies.insert(doc_id, sketched, link=link)
        when = document.published_at.timestamp() if document.published_at else None
        topics = frozenset(t.strip().lower() for t in document.topics if t.strip())
        section = document.section.strip().lower()
        self._facts.put(doc_id, when, section, topics, bool(entities[0]), bool(numbers[0]))
        self._forget_neighbours(doc_id)
        self._pending.add(doc_id)

    def remove(self, doc_id: int) -> None:
        """Forget the article (no error when absent)."""
        if self._versions.pop(doc_id, None) is None:
            return
        self.revision += 1
        self._facts.drop(doc_id)
        self._pending.discard(doc_id)
        self._forget_neighbours(doc_id)
        for space in self._spaces:
            space.remove(doc_id)
        self._copies.remove(doc_id)

    def __len__(self) -> int:
        return len(self._versions)

    def holds(self, document: Document) -> bool:
        """Whether this version of ``document`` is the one indexed."""
        return self._versions.get(document.id) == version_of(document)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._versions

    def ids(self) -> list[int]:
        """The indexed ids, ascending."""
        return sorted(self._versions)

    def near_duplicates(self, doc_id: int) -> list[int]:
        """Indexed copies of the article's text (syndicated copies), ascending."""
        return sorted(self._copies.copies(doc_id))

    def score_pair(self, a: int, b: int) -> Scored:
        """The same-story score of two indexed articles (symmetric)."""
        if a not in self._versions or b not in self._versions:
            raise KeyError(a if a not in self._versions else b)
        scores, reasons = self._score(a, [b])
        dupes = (b,) if b in self._copies.copies(a) else ()
        return Scored(b, float(scores[0]), reasons[0], dupes)

    def similar(self, doc_id: int, limit: int = 5, exclude: Collection[int] = ()) -> list[Scored]:
        """The ``limit`` articles to show next to ``doc_id``, best first.

        Copies of one story come as one entry (the best-scoring copy, the others in
        ``duplicates``); copies of ``doc_id`` itself and ids in ``exclude`` never appear.
        """
        if doc_id not in self._versions or limit <= 0:
            return []
        return self._similar_block([doc_id], limit, frozenset(exclude))[doc_id]

    def settle(self, workers: int = 1) -> None:
        """Compute every article's neighbourhood now, in ``workers`` processes, rather than
        as lists need them (what a full rebuild does first)."""
        self._settle(self.ids(), workers=workers)

    def settle_ahead(self, count: int) -> int:
        """Settle up to ``count`` neighbourhoods ahead of need, newest (highest id) first,
        and return how many of the articles indexed at the first call are still to be
        offered (0: each has been settled once).

        A fresh index settles only what each list needs (``_settle``), so after a restart
        a list costs the searches of its candidates' neighbourhoods; a process with time
        to spare calls this between lists, a few articles at a time, until the index is
        settled as ``settle`` would leave it. The newest go first: a new article's
        candidates are most often recent articles of its own story. Articles added
        meanwhile are settled with each block, as at any query.
        """
        if self._ahead is None:
            self._ahead = sorted(self._versions)  # taken from the end
        block: list[int] = []
        while self._ahead and len(block) < count:
            doc_id = self._ahead.pop()
            if doc_id in self._versions and doc_id not in self._neighbours:
                block.append(doc_id)
        if block:
            self._settle(block)
        return len(self._ahead)

    def similar_many(
        self, ids: Iterable[int], limit: int = 5, workers: int = 1
    ) -> dict[int, list[Scored]]:
        """``similar(i, limit)`` for each of ``ids`` (an unknown id gets ``[]``), in bulk.

        The same lists, computed ``SETTLE_BLOCK`` articles at a time: one sparse product
        per block finds the candidates, and their direct and expanded scores are computed
        for the whole block at once. For rebuilding every list of the archive. With
        ``workers`` > 1 the searches and the lists are computed by that many forked
        processes, block by block (each block's numbers do not depend on the others).
        """
        wanted = list(dict.fromkeys(ids))
        result: dict[int, list[Scored]] = {i: [] for i in wanted}
        for lists in self.similar_blocks(wanted, limit, workers):
            result.update(lists)
        return result

    def similar_blocks(
        self, ids: Iterable[int], limit: int = 5, workers: int = 1
    ) -> Generator[dict[int, list[Scored]], None, None]:
        """``similar_many``'s lists one block at a time, in the order of ``ids`` (unknown
        ids left out), for a caller that stores them as they come."""
        known = [i for i in dict.fromkeys(ids) if i in self._versions]
        if limit <= 0 or not known:
            return
        # the searches that settle neighbourhoods, wide enough to serve the lists too
        width = CANDIDATES + 1 + max(len(self._copies.copies(i)) for i in known)
        found: dict[int, Candidates] = {}
        self._settle(known, found, width, workers)
        blocks = [known[s : s + SETTLE_BLOCK] for s in range(0, len(known), SETTLE_BLOCK)]
        if workers > 1 and len(blocks) > 1:
            self._prepare()
            with _pool(workers, (self, limit, found)) as pool:
                yield from pool.imap(_lists_job, blocks)
            return
        for block in blocks:
            yield self._similar_block(block, limit, frozenset(), found)

    def _prepare(self) -> None:
        """Compute what queries compute lazily, so that forked workers share it."""
        for space in self._spaces:
            space.prepare()

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
        searched: dict[int, Candidates] = {}  # for the settling of a pending article
        for doc_id, skip in zip(block, skips, strict=True):
            # results come best first, ties by id: a prefix is what a narrower search gives
            ids, direct = searched[doc_id] = found.pop(doc_id)
            head = ids[: CANDIDATES + len(skip)].tolist()
            usable = [i for i, c in enumerate(head) if c not in skip]
            others = [head[i] for i in usable]
            keep = np.lexsort((np.asarray(others, dtype=np.int64), -direct[usable]))
            reranked.append([others[i] for i in keep[:RERANK]])
        left = [d for d, others in zip(block, reranked, strict=True) for _ in others]
        right = [c for others in reranked for c in others]
        parts = self._pair_parts(left, right, searched)
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
        sizes = [len(e) for _, e in pools if len(e) > limit]
        overlaps = _pool_grams(self._text.matrix(crowded), sizes)
        crowd = 0
        result: dict[int, list[Scored]] = {}
        for doc_id, others, (offset, entries) in zip(block, reranked, pools, strict=True):
            scores = scores_all[offset : offset + len(others)]
            pool = [e[0] for e in entries]
            if len(pool) > limit:
                overlap = overlaps[crowd, : len(pool), : len(pool)]
                crowd += 1
                picked = self._diversify(pool, scores, limit, overlap)
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
    def _diversify(
        pool: list[int], scores: FloatArray, limit: int, overlap: FloatArray
    ) -> list[int]:
        """Maximal marginal relevance over ``pool`` (indices into ``scores``, best first).

        ``overlap`` holds the text cosines of the pool's articles with one another. A
        candidate is only held back for being very close to one already picked (text
        cosine above ``REDUNDANT_ABOVE``): ordinary same-story articles stay in order.
        """
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
        slots = self._facts.slots(ids)
        has = [self._facts.named[slots], self._facts.numbered[slots]]
        base = self._blend(
            cosines[0], cosines[1], cosines[2], np.outer(has[0], has[0]), np.outer(has[1], has[1])
        )
        factors = np.vstack([self._facts.factors(np.full_like(slots, i), slots)[3] for i in slots])
        result = np.round(base * factors, 6)
        np.fill_diagonal(result, 1.0)
        return result

    # signals
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
        facts = self._facts
        a, b = facts.slots(left), facts.slots(right)
        named = facts.named[a] & facts.named[b]
        numbered = facts.numbered[a] & facts.numbered[b]
        base = self._blend(text, entities, numbers, named, numbered)
        return np.round(base * facts.factors(a, b)[3], 6)

    # neighbourhoods
    def _settle(
        self,
        wanted: Iterable[int],
        found: dict[int, Candidates] | None = None,
        width: int = CANDIDATES,
        workers: int = 1,
        searched: dict[int, Candidates] | None = None,
    ) -> None:
        """Compute the neighbourhoods of ``wanted`` and of articles added since last time
        (those only when some neighbourhood is kept: on a fresh index, ``wanted`` alone).

        They go through batched searches, ``SETTLE_BLOCK`` at a time. An added article
        also invalidates the cached neighbourhoods of candidates it now outranks a member
        of; those are recomputed when next wanted. With ``found``, the searches go ``width``
        deep and their ids are kept there, by article. ``searched`` holds results of
        searches already made (at least ``CANDIDATES`` deep), which are not made again.
        """
        wanted = list(wanted)
        # with no neighbourhood kept there is nothing for an added article to outrank (a
        # fresh index, as after a restart): each neighbourhood waits until a list needs
        # it, so the first list costs its own searches, not one for every article
        kept = bool(self._neighbours)
        pending = sorted(i for i in self._pending if i in self._versions) if kept else []
        self._pending.clear()
        todo = sorted(
            {*pending, *(i for i in wanted if i in self._versions and i not in self._neighbours)}
        )
        if not todo:
            return
        fresh = set(pending)
        settled = set(todo)
        outranked: set[int] = set()
        if searched:
            # fresh articles whose searches are at hand outrank members of cached
            # neighbourhoods now: those wanted are settled in this pass, not in another
            for doc_id in pending:
                if doc_id in searched:
                    ids, direct = searched[doc_id]
                    outranked |= self._outranks(doc_id, ids, direct, settled)
            again = [i for i in wanted if i in outranked]
            if again:
                for other in again:
                    self._drop_own(other)
                todo = sorted({*todo, *again})
                settled.update(again)
        blocks = [todo[s : s + SETTLE_BLOCK] for s in range(0, len(todo), SETTLE_BLOCK)]
        precomputed: Iterable[list[Candidates] | None] = [None] * len(blocks)
        with contextlib.ExitStack() as stack:
            if workers > 1 and len(blocks) > 1:
                # the searches in the workers; the bookkeeping here, in order
                self._prepare()
                pool = stack.enter_context(_pool(workers, (self, max(width, CANDIDATES))))
                precomputed = pool.imap(_candidates_job, blocks)
            for block, results in zip(blocks, precomputed, strict=True):
                if results is None and searched:
                    results = self._reuse(block, searched, max(width, CANDIDATES))
                outranked |= self._settle_block(block, fresh, settled, found, width, results)
        outranked -= settled
        for other in outranked:
            self._drop_own(other)
        missing = [i for i in wanted if i in self._versions and i not in self._neighbours]
        if missing:
            self._settle(missing, found, width)

    def _reuse(
        self, block: list[int], searched: dict[int, Candidates], width: int
    ) -> list[Candidates]:
        """``_scored_candidates(block, width)``, taking the results in ``searched`` as they
        are (each row's results do not depend on the other rows of a search)."""
        missing = [d for d in block if d not in searched]
        computed: dict[int, Candidates] = {}
        if missing:
            computed.update(zip(missing, self._scored_candidates(missing, width), strict=True))
        return [searched[d] if d in searched else computed[d] for d in block]

    def _settle_block(
        self,
        block: list[int],
        fresh: set[int],
        settled: set[int],
        keep: dict[int, Candidates] | None = None,
        width: int = CANDIDATES,
        found: list[Candidates] | None = None,
    ) -> set[int]:
        """Neighbourhoods of ``block``; returns cached ones a ``fresh`` article outranks.

        ``found``: the block's ``_scored_candidates`` when already computed.
        """
        outranked: set[int] = set()
        self.revision += 1
        if found is None:
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
            if doc_id in fresh:
                outranked |= self._outranks(doc_id, ids, direct, settled)
        return outranked

    def _outranks(
        self, doc_id: int, ids: IntArray, direct: FloatArray, settled: set[int]
    ) -> set[int]:
        """Candidates of a fresh ``doc_id`` (its search results) whose cached
        neighbourhood it would enter; those in ``settled`` are left out."""
        outranked: set[int] = set()
        for other, score in zip(ids[:CANDIDATES].tolist(), direct[:CANDIDATES], strict=True):
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
            if owner != doc_id and owner in self._versions:
                self._pending.add(owner)

    def _mixing(self, ids: list[int]) -> Mixing:
        """How ``_expanded`` mixes the rows of ``ids`` with their neighbours' (the same in
        every space): values, columns and row pointers of the mixing matrix, and the
        articles its columns stand for."""
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
        return np.asarray(vals), np.asarray(cols, dtype=np.int64), indptr, list(universe)

    def _expanded(self, space: TermSpace, ids: list[int], mixing: Mixing | None = None) -> Any:
        """Rows of ``ids`` in ``space``, each moved towards its neighbourhood's centroid.

        An article is its own vector plus ``EXPANSION_WEIGHT`` times the score-weighted
        mean of its neighbours' (all normalised), normalised again. Each row is summed in
        a fixed order (the article, then its neighbours) and comes with sorted indices, so
        it is the same bit for bit whatever else is in ``ids``.
        """
        vals, cols, indptr, universe = mixing if mixing is not None else self._mixing(ids)
        matrix = sp.csr_matrix(
            (vals.copy(), cols.copy(), indptr.copy()), shape=(len(ids), len(universe))
        )  # built as is, unsorted: the product sums each row in this order
        expanded = sp.csr_matrix(matrix @ space.matrix(universe))
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

    def _pair_parts(
        self, left: list[int], right: list[int], searched: dict[int, Candidates] | None = None
    ) -> tuple[FloatArray, ...]:
        """``_parts`` of the pairs ``(left[i], right[i])``, vectorised.

        Each cosine is the sum over the pair's shared terms in column order: symmetric, and
        independent of the other pairs.
        """
        if not left:
            empty = np.zeros(0)
            return (empty,) * 7
        universe = list(dict.fromkeys([*left, *right]))
        self._settle(universe, searched=searched)
        position = {doc_id: i for i, doc_id in enumerate(universe)}
        a = np.fromiter((position[d] for d in left), dtype=np.int64, count=len(left))
        b = np.fromiter((position[d] for d in right), dtype=np.int64, count=len(right))
        cosines: list[FloatArray] = []
        mixing = self._mixing(universe)
        for space in self._spaces:
            rows = self._expanded(space, universe, mixing)
            cosines.append(row_dots(rows, a, b))
        text, entities, numbers = cosines
        facts = self._facts
        a_slots, b_slots = facts.slots(left), facts.slots(right)
        named = facts.named[a_slots] & facts.named[b_slots]
        numbered = facts.numbered[a_slots] & facts.numbered[b_slots]
        base = self._blend(text, entities, numbers, named, numbered)
        topics, section, when, factor = facts.factors(a_slots, b_slots)
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


def _pool_grams(matrix: Any, sizes: list[int]) -> FloatArray:
    """The gram matrix of each group of rows of ``matrix`` (csr, sorted indices), dense.

    ``matrix`` holds ``sizes[0]`` rows of the first group, then ``sizes[1]`` of the next,
    ...; result ``[g, i, j]`` is the dot product of rows ``i`` and ``j`` of group ``g``.
    One sparse product per ``GRAM_GROUPS`` groups: each group's columns are renumbered
    into a range of its own (in the same order), so rows of different groups share none,
    and every entry is summed over the same columns in the same order as
    ``rows @ rows.T`` of the group alone would.
    """
    if not sizes:
        return np.zeros((0, 0, 0))
    widest = max(sizes)
    result = np.zeros((len(sizes), widest, widest))
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    for first in range(0, len(sizes), GRAM_GROUPS):
        last = min(first + GRAM_GROUPS, len(sizes))
        part = _row_slice(matrix, int(bounds[first]), int(bounds[last]))
        counts = sizes[first:last]
        group_of_row = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
        starts = np.cumsum(counts) - counts
        keys = np.repeat(group_of_row, np.diff(part.indptr)) * np.int64(part.shape[1])
        keys += part.indices
        unique, columns = np.unique(keys, return_inverse=True)
        compact = sp.csr_matrix(
            (part.data, columns.ravel().astype(np.int32), part.indptr),
            shape=(part.shape[0], len(unique)),
        )
        gram = (compact @ compact.T).tocoo()
        group = group_of_row[gram.row]
        result[first + group, gram.row - starts[group], gram.col - starts[group]] = gram.data
    return result


def _row_slice(matrix: Any, start: int, stop: int) -> Any:
    """Rows ``start:stop`` of a csr matrix, as a csr matrix sharing its arrays."""
    lo, hi = matrix.indptr[start], matrix.indptr[stop]
    return sp.csr_matrix(
        (matrix.data[lo:hi], matrix.indices[lo:hi], matrix.indptr[start : stop + 1] - lo),
        shape=(stop - start, matrix.shape[1]),
    )


__all__ = ["Document", "RelatedIndex", "Scored"]
