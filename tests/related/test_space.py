"""The vector space's exact products: the same bits whichever way they are computed."""

from __future__ import annotations

import itertools

import numpy as np
import scipy.sparse as sp

from dateline.related import space
from dateline.related.scoring import _pool_grams
from dateline.related.space import row_dots


def random_rows(seed: int, rows: int = 60, width: int = 400) -> sp.csr_matrix:
    rng = np.random.default_rng(seed)
    dense = rng.random((rows, width)) * (rng.random((rows, width)) < 0.08)
    dense[3] = 0.0  # an empty row
    matrix = sp.csr_matrix(dense)
    matrix.sort_indices()
    return matrix


def test_row_dots_are_the_elementwise_products_summed_bit_for_bit(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rows = random_rows(1)
    rng = np.random.default_rng(2)
    a = rng.integers(0, rows.shape[0], 500)
    b = rng.integers(0, rows.shape[0], 500)
    products = sp.csr_matrix(rows[a].multiply(rows[b]))
    reference = np.array(  # each pair's products summed one after another, in column order
        [sum(products.data[lo:hi].tolist(), 0.0) for lo, hi in itertools.pairwise(products.indptr)]
    )
    direct = row_dots(rows, a, b)  # few entries: matched with numpy
    monkeypatch.setattr(space, "ROW_DOTS_DIRECT", 0)
    through_scipy = row_dots(rows, a, b)
    assert np.array_equal(direct, reference)
    assert np.array_equal(through_scipy, reference)
    assert np.array_equal(row_dots(rows, a[:0], b[:0]), np.zeros(0))
    monkeypatch.setattr(space, "ROW_DOTS_PAIRS", 64)  # many pairs: 64 at a time
    assert np.array_equal(row_dots(rows, a, b), reference)
    monkeypatch.setattr(space, "ROW_DOTS_DIRECT", 1 << 16)
    assert np.array_equal(row_dots(rows, a, b), reference)


def test_packed_rows_give_the_weights_and_counts_as_given() -> None:
    terms = space.TermSpace()
    terms.add_terms(7, ["b", "a", "c"], np.asarray([1.5, 2.0, 1.0], dtype=np.float32))
    terms.add_terms(8, ["d"], np.asarray([1.0], dtype=np.float32))  # replaced below
    terms.add_terms(8, ["c", "d"], np.asarray([1.0, 3.0], dtype=np.float32))
    terms.add_terms(9, [], np.zeros(0, dtype=np.float32))
    packed = space.entries(terms.rows[7])
    assert [terms.vocab[t] for t in "bacd"] == [0, 1, 2, 3]  # in the documents' order
    assert packed["col"].tolist() == [0, 1, 2]
    assert packed["weight"].tolist() == [1.5, 2.0, 1.0]
    assert terms.has_terms(8) and not terms.has_terms(9)
    idf = terms.idf()
    matrix = terms.matrix([8, 9, 7])
    row = np.zeros(4)
    row[:3] = np.asarray([1.5, 2.0, 1.0]) * idf[:3]
    assert np.allclose(matrix.toarray()[2], row / np.linalg.norm(row))
    assert matrix[1].nnz == 0
    terms.remove(7)
    assert terms._df[:4].tolist() == [0, 0, 1, 1]


def test_pool_grams_are_each_groups_own_product() -> None:
    rows = random_rows(3, rows=90)
    sizes = [20, 7, 1, 15, 20, 27]
    grams = _pool_grams(rows, sizes)
    start = 0
    for group, size in enumerate(sizes):
        part = rows[start : start + size]
        expected = (part @ part.T).toarray()
        assert np.array_equal(grams[group, :size, :size], expected)
        assert not grams[group, size:, :].any() and not grams[group, :, size:].any()
        start += size
    assert _pool_grams(rows, []).shape == (0, 0, 0)


def test_capped_keeps_each_columns_largest_values_and_the_lowest_rows_of_a_tie() -> None:
    rng = np.random.default_rng(4)
    dense = np.round(rng.random((50, 30)), 1) * (rng.random((50, 30)) < 0.5)  # many ties
    dense[:, 0] = 0.5  # one value in every row: the lowest rows are kept
    columns = sp.csc_matrix(dense)
    for cap in (1, 3, 7, 50):
        kept = space.capped(columns, cap).toarray()
        for col in range(dense.shape[1]):
            values = dense[:, col]
            rows = np.flatnonzero(values)
            # by value, largest first; equal values by row, lowest first
            expected = sorted(rows.tolist(), key=lambda r: (-values[r], r))[:cap]
            assert np.flatnonzero(kept[:, col]).tolist() == sorted(expected), (cap, col)
            assert np.array_equal(kept[expected, col], values[expected])
    assert space.capped(columns, 0) is columns
    assert space.capped(columns, 50) is columns


def test_a_capped_search_finds_the_heaviest_holders_of_a_common_term(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """With the main part capped, a query still finds what it shares rare terms with, and
    a common term leads only to the documents that weigh it most."""
    weight = np.float32

    def build() -> space.TermSpace:
        terms = space.TermSpace()
        for doc in range(40):  # "common" in every document, heavier in the first ones
            words = ["common", f"own{doc}", f"pair{doc // 2}"]
            weights = np.asarray([4.0 - doc / 20, 1.0, 1.0], dtype=weight)
            terms.add_terms(doc, words, weights)
        terms.prepare()
        return terms

    full = build().search([7, 30], 39, 3)
    monkeypatch.setattr(space, "POSTINGS_CAP", 5)
    capped = build()
    assert capped._main.getcol(capped.vocab["common"]).nnz == 5
    found = capped.search([7, 30], 39, 3)
    # each query's pair partner shares a rare term: found with and without the cap
    assert 6 in found[0][0].tolist() and 31 in found[1][0].tolist()
    # the common term leads only to the five documents that weigh it most
    assert set(found[1][0].tolist()) == {31, 0, 1, 2, 3, 4}
    assert len(full[1][0]) == 39
    monkeypatch.setattr(space, "POSTINGS_CAP", 40)  # no column over the cap: the same search
    same = build().search([7, 30], 39, 3)
    for (ids_a, scores_a), (ids_b, scores_b) in zip(same, full, strict=True):
        assert np.array_equal(ids_a, ids_b) and np.array_equal(scores_a, scores_b)


def test_a_space_keeps_its_delta_only_once_searched() -> None:
    """Before its first search a space has no main part, so it keeps no list of documents
    added since (the names and numbers spaces are never searched: at a million articles
    that list held every id, and each removal scanned it); once searched, added and
    removed documents are found, or not, as they should be."""
    terms = space.TermSpace()
    weights = np.asarray([1.0, 1.0], dtype=np.float32)
    for doc in range(10):
        terms.add_terms(doc, ["shared", f"own{doc}"], weights)
    terms.remove(3)
    assert terms._delta == []
    assert sorted(terms.search([0], 20, 2)[0][0].tolist()) == [1, 2, 4, 5, 6, 7, 8, 9]
    terms.add_terms(10, ["shared", "own10"], weights)
    terms.add_terms(11, ["shared", "own11"], weights)
    terms.remove(10)  # from the delta
    terms.remove(5)  # from the main part
    assert terms._delta == [11]
    assert sorted(terms.search([0], 20, 2)[0][0].tolist()) == [1, 2, 4, 6, 7, 8, 9, 11]


def test_a_search_looks_up_only_its_best_hits_and_finds_what_a_look_at_all_finds(
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    """Only the best ``limit + SEARCH_SLACK`` hits of a row (with ties) are looked up; when
    too many of them are the query itself or removed documents, all are. Either way a
    search returns what looking up every hit returns, bit for bit."""
    rng = np.random.default_rng(5)
    terms = space.TermSpace()
    words = [f"w{i}" for i in range(60)]

    def add(doc: int) -> None:
        chosen = sorted(rng.choice(len(words), 8, replace=False).tolist())
        # a few weights repeat, so that scores tie
        weights = rng.choice([1.0, 1.5, 2.0], len(chosen)).astype(np.float32)
        terms.add_terms(doc, [words[c] for c in chosen], weights)

    for doc in range(400):
        add(doc)
    terms.prepare()
    for doc in range(0, 400, 3):  # removed from the main part: their rows are dead
        terms.remove(doc)
    for doc in range(400, 430):  # the delta
        add(doc)
    queries = [1, 2, 401, 5, 29]

    def searched(slack: int, limit: int) -> list[tuple[list[int], list[float]]]:
        monkeypatch.setattr(space, "SEARCH_SLACK", slack)
        return [(i.tolist(), s.tolist()) for i, s in terms.search(queries, limit, 5)]

    for limit in (1, 5, 30):
        everything = searched(10_000, limit)
        assert all(len(ids) == limit for ids, _ in everything)
        assert searched(0, limit) == everything
        assert searched(16, limit) == everything
