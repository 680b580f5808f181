"""Planted syndicated copies never fill two slots of one related list (issue #4).

The archive is ``benchmarks.corpus``'s synthetic one: 600 articles with many planted
copies (an original and one to three lightly edited copies under other headlines and
publishers). Its text mixes in ECB+ sentences when ``../shared/data/related/`` is there,
and uses the demo newsroom's sentences alone otherwise, so the test always runs.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from benchmarks.corpus import ECB_PATH, Corpus, generate, violations

from dateline.related.scoring import RelatedIndex

SIZE = 600
FRESH = 40
COPY_RATE = 0.25
LIST_LENGTH = 5


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return generate(
        SIZE, seed=11, fresh=FRESH, ecb=ECB_PATH if ECB_PATH.exists() else None, copy_rate=COPY_RATE
    )


@pytest.fixture(scope="module")
def index(corpus: Corpus) -> RelatedIndex:
    return RelatedIndex(corpus.documents())


def describe(doc_id: int, listed: list[int], copy_of: Mapping[int, int]) -> str:
    groups = [copy_of.get(i, i) for i in listed]
    return f"article {doc_id} (group {copy_of.get(doc_id, doc_id)}): {listed}, groups {groups}"


def test_the_corpus_plants_enough_copies_to_matter(corpus: Corpus) -> None:
    copies = corpus.copies()
    assert len(copies) >= 60
    assert sum(len(c) for c in copies.values()) >= 90
    assert any(len(c) >= 2 for c in copies.values())  # siblings too, not only pairs


def test_copies_would_fill_slots_without_deduplication(corpus: Corpus) -> None:
    """Not vacuous: a plain TF-IDF cosine puts copies next to their originals."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    documents = corpus.documents()
    texts = [f"{d.headline}\n{d.headline}\n{d.deck}\n{d.body}" for d in documents]
    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    cosine = (matrix @ matrix.T).toarray()
    position = {d.id: i for i, d in enumerate(documents)}
    copies = {k: v for k, v in corpus.copies().items() if k in position}
    shown = 0
    for original, group in copies.items():
        row = cosine[position[original]]
        top = [documents[i].id for i in row.argsort()[::-1][1 : LIST_LENGTH + 1]]
        shown += any(c in top for c in group)
    assert shown >= 0.9 * len(copies)


def test_no_list_shows_two_copies_of_one_story_nor_the_articles_own(
    corpus: Corpus, index: RelatedIndex
) -> None:
    copy_of = corpus.copy_of
    broken = []
    for doc in corpus.documents():
        listed = [s.id for s in index.similar(doc.id, LIST_LENGTH)]
        repeats, own = violations(doc.id, listed, copy_of)
        if repeats or own:
            broken.append(describe(doc.id, listed, copy_of))
    assert not broken, f"{len(broken)} lists break the copies rule:\n" + "\n".join(broken[:10])


def test_new_articles_and_new_copies_follow_the_rule_too(corpus: Corpus) -> None:
    index = RelatedIndex(corpus.documents())
    copy_of = corpus.copy_of
    broken = []
    for doc in corpus.fresh_documents():
        index.add(doc)
        listed = [s.id for s in index.similar(doc.id, LIST_LENGTH)]
        repeats, own = violations(doc.id, listed, copy_of)
        if repeats or own:
            broken.append(describe(doc.id, listed, copy_of))
    assert any(i.copy_of is not None for i in corpus.fresh)
    assert not broken, f"{len(broken)} lists break the copies rule:\n" + "\n".join(broken[:10])


def test_a_parallel_build_and_rebuild_give_the_same_lists(
    corpus: Corpus, index: RelatedIndex
) -> None:
    """Worker processes (the rebuild's path) change nothing: the same copy links (linked
    all at once), the same lists (searches and lists computed block by block in forks)."""
    documents = corpus.documents()
    parallel = RelatedIndex(documents, workers=2)
    ids = index.ids()
    assert parallel.ids() == ids
    assert all(parallel.near_duplicates(i) == index.near_duplicates(i) for i in ids)
    serial = RelatedIndex(documents).similar_many(ids, LIST_LENGTH)
    assert parallel.similar_many(ids, LIST_LENGTH, workers=2) == serial
    assert serial == {i: index.similar(i, LIST_LENGTH) for i in ids}
