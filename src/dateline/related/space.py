"""A growing TF-IDF vector space with cheap inserts and exact scores.

Each document is kept as its sublinear term weights before IDF (``1 + log(count)``),
and document frequencies are counted as documents come and go, so an exact cosine
under the current IDF can always be computed for a handful of documents: results never
depend on when the index was last rebuilt. For finding candidates among many documents,
a column-major matrix of IDF-weighted, normalised vectors is built now and then (the
"main" part); documents added since sit in a small "delta" list that is scanned in
full. The main part is rebuilt when the delta grows past a share of it.

The main part keeps, for each term, only the ``POSTINGS_CAP`` documents that weigh it
most (static pruning). A query's cost is then bounded by its terms, not by the archive:
without the cap a common term's postings grow with the archive, so every search, and
the settling of every neighbourhood (one search an article), grew with it, the whole
settling nearly with the square of the archive. A document that shares with a query
only terms it weighs lightly, each of them in more than ``POSTINGS_CAP`` documents, is
no longer found; the candidates found are scored exactly as before. Archives of up to
``POSTINGS_CAP`` documents are searched in full.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
# a document's row: (column, weight) pairs, columns ascending, packed in one bytes object
# (one small object per document and space, not a tuple of two arrays: at 100k articles
# the arrays' headers alone took about 100 MB)
Row = bytes
_ENTRY = np.dtype([("col", "<i4"), ("weight", "<f4")])

DELTA_MIN = 512
DELTA_SHARE = 0.02
DEAD_SHARE = 0.2
SEARCH_BLOCK = 64  # queries per sparse product: bounds the product's transient memory
MAIN_CHUNK = 8192  # rows of the main part computed at a time: bounds its rebuild's memory
POSTINGS_CAP = 4096  # documents a term keeps in the main part, the heaviest (0: all)
SEARCH_SLACK = 16  # hits a search looks up beyond its limit: the query itself, removed rows


def term_weights(counts: Counter[str]) -> tuple[list[str], npt.NDArray[np.float32]]:
    """A document's terms and their sublinear weights before IDF (``1 + log(count)``)."""
    weights = np.asarray([1.0 + math.log(c) for c in counts.values()], dtype=np.float32)
    return list(counts), weights


class TermSpace:
    """Documents as sparse term vectors; ``rows`` maps a document id to its vector (a
    packed ``Row``: see ``entries``)."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self._df = np.zeros(1024, dtype=np.int64)
        self._log_df = np.zeros(1024, dtype=np.float64)  # log1p(df), kept term by term
        self.rows: dict[int, Row] = {}
        self._main: Any = None  # csc_matrix of the main part, or None
        self._main_ids: IntArray = np.zeros(0, dtype=np.int64)
        self._alive: npt.NDArray[np.bool_] = np.zeros(0, dtype=np.bool_)
        self._main_row: dict[int, int] = {}
        self._delta: list[int] = []
        self._delta_matrix: Any = None
        self._dead = 0

    def __len__(self) -> int:
        return len(self.rows)

    # changes
    def add(self, doc_id: int, counts: Counter[str]) -> None:
        """Insert (or replace) the document with these weighted term counts."""
        self.add_terms(doc_id, *term_weights(counts))

    def add_terms(self, doc_id: int, terms: list[str], weights: npt.NDArray[np.float32]) -> None:
        """``add`` with the counts already turned into ``term_weights``."""
        if doc_id in self.rows:
            self.remove(doc_id)
        vocab = self.vocab
        found: list[int | None] = list(map(vocab.get, terms))
        if None in found:  # new terms get the next columns, in the document's order
            for i, col in enumerate(found):
                if col is None:
                    found[i] = vocab[terms[i]] = len(vocab)
        cols = np.asarray(found, dtype=np.int32)
        if len(vocab) > len(self._df):
            size = max(len(vocab), 2 * len(self._df))
            self._df = grown(self._df, size)
            self._log_df = grown(self._log_df, size)
        order = np.argsort(cols, kind="stable")
        col_array = cols[order]
        packed = np.empty(len(order), dtype=_ENTRY)
        packed["col"] = col_array
        packed["weight"] = weights[order]
        self.rows[doc_id] = packed.tobytes()
        self._count(col_array, 1)
        if self._main is not None:  # with no main part yet, the first search builds it
            self._delta.append(doc_id)

    def remove(self, doc_id: int) -> None:
        """Forget the document (no error when absent)."""
        row = self.rows.pop(doc_id, None)
        if row is None:
            return
        self._count(entries(row)["col"], -1)
        main = self._main_row.pop(doc_id, None)
        if main is not None:
            self._alive[main] = False
            self._main_ids[main] = -1  # a dead row's hits are dropped by search
            self._dead += 1
        elif self._main is not None:
            self._delta.remove(doc_id)
            self._delta_matrix = None  # rows are positional: stack again

    def _count(self, cols: Any, change: int) -> None:
        """Document frequencies of ``cols`` (distinct) changed by ``change``."""
        self._df[cols] += change
        self._log_df[cols] = np.log1p(self._df[cols].astype(np.float64))

    # weights
    def idf(self, cols: Any = None) -> FloatArray:
        """Smoothed inverse document frequency of the terms at ``cols`` (all terms by
        default), under the current counts."""
        logs = self._log_df[: len(self.vocab)] if cols is None else self._log_df[cols]
        result: FloatArray = math.log(1 + len(self.rows)) + 1.0 - logs
        return result

    def matrix(self, doc_ids: list[int]) -> Any:
        """Normalised TF-IDF rows of ``doc_ids`` (csr_matrix), in that order.

        The IDF of only the columns used is computed: a document added or removed changes
        the counts of its own terms, so nothing here grows with the vocabulary.
        """
        rows = self.rows
        packed = [rows[doc_id] for doc_id in doc_ids]
        indptr = np.zeros(len(doc_ids) + 1, dtype=np.int64)
        sizes = np.fromiter(map(len, packed), dtype=np.int64, count=len(packed))
        np.cumsum(sizes // _ENTRY.itemsize, out=indptr[1:])
        if not doc_ids or indptr[-1] == 0:
            return sp.csr_matrix((len(doc_ids), len(self.vocab)), dtype=np.float64)
        both = entries(b"".join(packed))
        col = np.ascontiguousarray(both["col"])
        data = both["weight"].astype(np.float64) * self.idf(col)
        owner = np.repeat(np.arange(len(doc_ids)), np.diff(indptr))
        norms = np.sqrt(np.bincount(owner, weights=data * data, minlength=len(doc_ids)))
        norms[norms == 0] = 1.0
        data /= norms[owner]
        return sp.csr_matrix((data, col, indptr), shape=(len(doc_ids), len(self.vocab)))

    def cosines(self, doc_id: int, others: list[int]) -> FloatArray:
        """Exact cosine of ``doc_id`` with each of ``others`` under the current IDF."""
        if not others or doc_id not in self.rows:
            return np.zeros(len(others))
        query = self.matrix([doc_id])
        result = self.matrix(others) @ query.T
        return np.asarray(result.toarray()).ravel()

    def has_terms(self, doc_id: int) -> bool:
        """Whether the document is indexed with at least one term."""
        row = self.rows.get(doc_id)
        return row is not None and len(row) > 0

    def pair_cosines(self, left: list[int], right: list[int]) -> FloatArray:
        """Exact cosine of each pair ``(left[i], right[i])`` under the current IDF."""
        if not left:
            return np.zeros(0)
        universe = list(dict.fromkeys([*left, *right]))
        position = {doc_id: i for i, doc_id in enumerate(universe)}
        rows = self.matrix(universe)
        a = np.fromiter((position[d] for d in left), dtype=np.int64, count=len(left))
        b = np.fromiter((position[d] for d in right), dtype=np.int64, count=len(right))
        return row_dots(rows, a, b)

    def prepare(self) -> None:
        """Compute now what the next query would compute lazily (the main part and the
        stacked delta), so that processes forked afterwards share it."""
        if self.rows:
            self._refresh_main()
            if self._delta:
                self._delta_part()

    # candidates
    def _refresh_main(self) -> None:
        n_main = len(self._main_row)
        stale = len(self._delta) > max(DELTA_MIN, DELTA_SHARE * n_main)
        if self._main is None or stale or self._dead > DEAD_SHARE * max(n_main, 1):
            ids = sorted(self.rows)
            # row by row the same numbers as ``matrix(ids)`` at once (each row is
            # normalised alone), without its float64 arrays for the whole archive
            parts = [
                self.matrix(ids[s : s + MAIN_CHUNK]).astype(np.float32)
                for s in range(0, len(ids), MAIN_CHUNK)
            ]
            stacked = parts[0] if len(parts) == 1 else sp.vstack(parts, format="csr")
            del parts
            self._main = capped(stacked.tocsc(), POSTINGS_CAP)
            del stacked
            self._main_ids = np.asarray(ids, dtype=np.int64)
            self._alive = np.ones(len(ids), dtype=np.bool_)
            self._main_row = {doc_id: i for i, doc_id in enumerate(ids)}
            self._delta = []
            self._delta_matrix = None
            self._dead = 0

    def _delta_part(self) -> Any:
        """The delta documents as a csr matrix (rows in ``_delta`` order).

        Rows already stacked keep the IDF they were stacked with, new ones are appended:
        candidates are approximate anyway, and a new article costs one row, not a rebuild.
        """
        built = 0 if self._delta_matrix is None else self._delta_matrix.shape[0]
        if built < len(self._delta):
            fresh = self.matrix(self._delta[built:]).astype(np.float32)
            if self._delta_matrix is None:
                self._delta_matrix = fresh
            else:
                old = self._delta_matrix
                old.resize((old.shape[0], fresh.shape[1]))
                self._delta_matrix = sp.vstack([old, fresh], format="csr")
        return self._delta_matrix

    def _queries(self, doc_ids: list[int], query_terms: int) -> Any:
        """Query rows of ``doc_ids``: each document's ``query_terms`` heaviest terms."""
        queries = self.matrix(doc_ids).astype(np.float32)
        counts = np.diff(queries.indptr)
        if counts.max(initial=0) <= query_terms:
            return queries
        keep = np.ones(queries.nnz, dtype=np.bool_)
        for i in np.flatnonzero(counts > query_terms):
            lo, hi = queries.indptr[i], queries.indptr[i + 1]
            order = np.argsort(-queries.data[lo:hi], kind="stable")
            keep[lo + order[query_terms:]] = False
        owner = np.repeat(np.arange(len(doc_ids)), counts)[keep]
        indptr = np.concatenate([[0], np.cumsum(np.bincount(owner, minlength=len(doc_ids)))])
        return sp.csr_matrix(
            (queries.data[keep], queries.indices[keep], indptr), shape=queries.shape
        )

    def search(
        self, doc_ids: list[int], limit: int, query_terms: int
    ) -> list[tuple[IntArray, FloatArray]]:
        """For each of ``doc_ids``, up to ``limit`` other documents sharing its terms.

        Each entry holds ids and approximate scores, best first (ties by id). Scores are
        approximate: the main part's IDF is that of its last rebuild, and only the
        ``query_terms`` heaviest terms of a query are looked up. Queries go in blocks of
        ``SEARCH_BLOCK`` through one sparse product each, so many at once are cheap.
        """
        self._refresh_main()
        found: list[tuple[IntArray, FloatArray]] = []
        delta = self._delta_part() if self._delta else None
        delta_ids = np.asarray(self._delta, dtype=np.int64)
        main_ids = self._main_ids  # -1 where the document was removed
        for start in range(0, len(doc_ids), SEARCH_BLOCK):
            block_ids = doc_ids[start : start + SEARCH_BLOCK]
            block = self._queries(block_ids, query_terms)
            parts = [(self._product(block, self._main), main_ids)]
            if delta is not None:
                parts.append((self._product(block, delta), delta_ids))
            pointers = [(result.indptr, result.indices, result.data) for result, _ in parts]
            for row, doc_id in enumerate(block_ids):
                spans = [(indptr[row], indptr[row + 1]) for indptr, _, _ in pointers]
                score_parts = [p[2][lo:hi] for p, (lo, hi) in zip(pointers, spans, strict=True)]
                scores = score_parts[0] if len(parts) == 1 else np.concatenate(score_parts)
                # the best ``limit`` usable hits are among the best few of all the hits:
                # only those are looked up (a row of hits holds a hundred thousand at 1M)
                picked = _heaviest(scores, limit + SEARCH_SLACK)
                ids = self._owners_of(picked, spans, pointers, parts)
                usable = (ids != doc_id) & (ids >= 0) & (scores[picked] > 0)
                if int(usable.sum()) < limit and len(picked) < len(scores):
                    # too many of the best are the query itself or removed: all of them
                    picked = np.arange(len(scores))
                    ids = self._owners_of(picked, spans, pointers, parts)
                    usable = (ids != doc_id) & (ids >= 0) & (scores[picked] > 0)
                # float32 throughout the selection (same order and ties as in float64)
                ids, scores = ids[usable], scores[picked[usable]]
                if len(ids) > limit:
                    top = np.argpartition(-scores, limit - 1)[:limit]
                    floor = scores[top].min()
                    tied = np.flatnonzero(scores >= floor)  # keep ties for a stable cut
                    ids, scores = ids[tied], scores[tied]
                order = np.lexsort((ids, -scores))[:limit]
                found.append((ids[order], scores[order].astype(np.float64)))
        return found

    @staticmethod
    def _owners_of(
        picked: IntArray,
        spans: list[tuple[int, int]],
        pointers: list[tuple[Any, Any, Any]],
        parts: list[tuple[Any, IntArray]],
    ) -> IntArray:
        """The document ids of the hits at ``picked`` (positions in one row's hits, the
        main part's first, then the delta's)."""
        (lo, hi), (_, indices, _) = spans[0], pointers[0]
        owners = parts[0][1]
        if len(parts) == 1:
            result: IntArray = owners[indices[lo + picked]]
            return result
        width = hi - lo
        in_main = picked < width
        result = np.empty(len(picked), dtype=np.int64)
        result[in_main] = owners[indices[lo + picked[in_main]]]
        (delta_lo, _), (_, delta_indices, _) = spans[1], pointers[1]
        result[~in_main] = parts[1][1][delta_indices[delta_lo + picked[~in_main] - width]]
        return result

    @staticmethod
    def _product(queries: Any, part: Any) -> Any:
        """Sparse scores of ``queries`` against the rows of ``part`` (csr, one row a query).

        ``part`` is a csc main part (its transpose is csr for free) or the small csr delta;
        the vocabulary only grows, so the queries are cut to ``part``'s width.
        """
        width = part.shape[1]
        if queries.shape[1] > width:
            queries = queries[:, :width]
        elif queries.shape[1] < width:
            queries = sp.csr_matrix(
                (queries.data, queries.indices, queries.indptr), shape=(queries.shape[0], width)
            )
        return sp.csr_matrix(queries @ part.T)

    def candidates(self, doc_id: int, limit: int, query_terms: int) -> list[int]:
        """Up to ``limit`` documents sharing the query's most informative terms, best first."""
        if doc_id not in self.rows:
            return []
        return [int(i) for i in self.search([doc_id], limit, query_terms)[0][0]]


def capped(columns: Any, cap: int) -> Any:
    """``columns`` (a csc matrix, sorted indices) with each column cut to its ``cap``
    largest values (``cap`` 0: unchanged); among equal values at the cut, the lowest rows
    are kept, so the result depends on nothing but the matrix."""
    sizes = np.diff(columns.indptr)
    heavy = np.flatnonzero(sizes > cap) if cap > 0 else sizes[:0]
    if not len(heavy):
        return columns
    keep = np.ones(columns.nnz, dtype=np.bool_)
    data, indptr = columns.data, columns.indptr
    for col in heavy.tolist():
        lo, hi = int(indptr[col]), int(indptr[col + 1])
        values = data[lo:hi]
        floor = np.partition(values, len(values) - cap)[len(values) - cap]  # the cap-th largest
        kept = values > floor
        tied = np.flatnonzero(values == floor)[: cap - int(kept.sum())]  # rows ascending
        kept[tied] = True
        keep[lo:hi] = kept
    new_sizes = sizes.copy()
    new_sizes[heavy] = cap
    new_indptr = np.zeros(len(indptr), dtype=indptr.dtype)
    np.cumsum(new_sizes, out=new_indptr[1:])
    return sp.csc_matrix((data[keep], columns.indices[keep], new_indptr), shape=columns.shape)


def _heaviest(scores: Any, count: int) -> IntArray:
    """Positions of the ``count`` largest of ``scores`` and of every value tied with the
    smallest of them, ascending (all positions when there are no more than ``count``)."""
    if len(scores) <= count:
        return np.arange(len(scores))
    cut = len(scores) - count
    floor = scores[np.argpartition(scores, cut)[cut:]].min()
    return np.flatnonzero(scores >= floor)


def grown(array: Any, size: int, fill: int = 0) -> Any:
    """``array`` lengthened to ``size`` rows, the new ones ``fill``."""
    result = np.full((size, *array.shape[1:]), fill, dtype=array.dtype)
    result[: len(array)] = array
    return result


def entries(row: Row) -> Any:
    """A packed row (or rows joined) as an array of (``col``, ``weight``) records."""
    return np.frombuffer(row, dtype=_ENTRY)


ROW_DOTS_DIRECT = 1 << 16  # entries of the left rows up to which ``row_dots`` matches keys
ROW_DOTS_PAIRS = 1024  # pairs per elementwise product in ``row_dots``: bounds its transient memory


def row_dots(rows: Any, a: IntArray, b: IntArray) -> FloatArray:
    """``rows[a[i]] · rows[b[i]]`` for each ``i`` (``rows``: csr, sorted indices).

    Each pair's products over the two rows' shared columns are added one after another
    in column order, so every pair's value is the same bit for bit whatever else is
    asked and whichever way it is computed: few pairs by matching (pair, column) keys
    with numpy (no sparse matrices built), many through scipy's elementwise product.
    (scipy's own row sum adds in another order: it may differ in the last bit.)
    Many pairs go ``ROW_DOTS_PAIRS`` at a time: the copies of their rows that the product
    takes are what a rebuild's memory peaks on, and each pair's value is its own.
    """
    if len(a) > ROW_DOTS_PAIRS:
        step = ROW_DOTS_PAIRS
        parts = [row_dots(rows, a[s : s + step], b[s : s + step]) for s in range(0, len(a), step)]
        return np.concatenate(parts)
    indptr = rows.indptr
    sizes_a = indptr[a + 1] - indptr[a]
    if int(sizes_a.sum()) > ROW_DOTS_DIRECT:
        products = sp.csr_matrix(rows[a].multiply(rows[b]))
        owner = np.repeat(np.arange(len(a)), np.diff(products.indptr))
        summed = np.bincount(owner, weights=products.data, minlength=len(a))
        return np.asarray(summed, dtype=np.float64)
    owner_a, pos_a = _spans(indptr, a, sizes_a)
    owner_b, pos_b = _spans(indptr, b, indptr[b + 1] - indptr[b])
    if not len(pos_a) or not len(pos_b):
        return np.zeros(len(a))
    width = np.int64(rows.shape[1])
    key_a = owner_a * width + rows.indices[pos_a]
    key_b = owner_b * width + rows.indices[pos_b]
    at = np.minimum(np.searchsorted(key_b, key_a), len(key_b) - 1)
    hit = key_b[at] == key_a
    shared = rows.data[pos_a[hit]] * rows.data[pos_b[at[hit]]]
    result = np.bincount(owner_a[hit], weights=shared, minlength=len(a))
    return np.asarray(result, dtype=np.float64)


def _spans(indptr: Any, which: IntArray, sizes: Any) -> tuple[IntArray, IntArray]:
    """For the rows ``which`` of a csr matrix: each entry's owner (index into ``which``)
    and position in the matrix's arrays, row after row."""
    owner = np.repeat(np.arange(len(which), dtype=np.int64), sizes)
    starts = indptr[which].astype(np.int64) - (np.cumsum(sizes) - sizes)
    positions: IntArray = np.arange(len(owner), dtype=np.int64) + starts[owner]
    return owner, positions
