"""The copy detector: MinHash links, and groups that hold copies which drifted apart."""

from __future__ import annotations

import random

from dateline.model.fingerprint import sketch, words
from dateline.related.duplicates import MAX_GROUP, THRESHOLD, DuplicateIndex

WORDS = [f"word{i}" for i in range(5000)]


def story(rng: random.Random, length: int = 120) -> list[str]:
    return [rng.choice(WORDS) for _ in range(length)]


def shingles(text: str) -> set[tuple[str, ...]]:
    found = words(text)
    return {tuple(found[i : i + 3]) for i in range(len(found) - 2)}


def jaccard(a: str, b: str) -> float:
    x, y = shingles(a), shingles(b)
    return len(x & y) / len(x | y)


def edited(words: list[str], start: int, stop: int, rng: random.Random) -> list[str]:
    """``words`` with every fourth word in ``[start, stop)`` replaced."""
    out = list(words)
    for i in range(start, stop, 4):
        out[i] = rng.choice(WORDS)
    return out


def test_copies_link_and_unrelated_texts_do_not() -> None:
    rng = random.Random(3)
    original = story(rng)
    copy = edited(original, 0, 12, rng)
    index = DuplicateIndex()
    index.add(1, " ".join(original))
    index.add(2, " ".join(copy))
    index.add(3, " ".join(story(rng)))
    assert index.copies(1) == {2}
    assert index.copies(2) == {1}
    assert index.copies(3) == set()


def test_two_copies_that_drifted_apart_are_one_group_through_their_original() -> None:
    rng = random.Random(5)
    original = story(rng)
    first = " ".join(edited(original, 0, 48, rng))  # edits near the start only
    second = " ".join(edited(original, 64, 112, rng))  # and near the end only
    text = " ".join(original)
    # the premise: each copy is close to the original, the two copies are not close
    assert jaccard(first, text) > THRESHOLD + 0.05
    assert jaccard(second, text) > THRESHOLD + 0.05
    assert jaccard(first, second) < THRESHOLD - 0.1
    index = DuplicateIndex()
    index.add(1, first)
    index.add(2, second)
    assert index.copies(1) == set()  # no link between them alone
    index.add(3, text)
    assert index.copies(1) == {2, 3}
    assert index.copies(2) == {1, 3}
    assert index.copies(3) == {1, 2}
    index.remove(3)  # the original withdrawn: the bridge is gone
    assert index.copies(1) == set()
    assert index.copies(2) == set()


def test_a_group_is_bounded() -> None:
    rng = random.Random(7)
    text = story(rng)
    index = DuplicateIndex()
    for doc_id in range(MAX_GROUP + 20):  # a long chain of ever-drifting versions
        index.add(doc_id, " ".join(text))
        text = edited(text, doc_id % 100, doc_id % 100 + 6, rng)
    assert len(index.copies(0)) <= MAX_GROUP - 1
    assert 0 not in index.copies(0)


def test_linking_all_at_once_finds_the_links_adding_one_by_one_finds() -> None:
    rng = random.Random(13)
    texts: list[str] = []
    for _ in range(40):
        original = story(rng)
        texts.append(" ".join(original))
        for start in range(rng.randrange(3)):  # copies edited in different places
            texts.append(" ".join(edited(original, 20 * start, 20 * start + 60, rng)))
    texts.append("too short to judge")
    one_by_one, at_once = DuplicateIndex(), DuplicateIndex()
    for doc_id, text in enumerate(texts):
        one_by_one.add(doc_id, text)
        at_once.insert(doc_id, sketch(text), link=False)
    at_once.link_all()
    assert any(one_by_one.copies(i) for i in range(len(texts)))
    for doc_id in range(len(texts)):
        assert at_once.copies(doc_id) == one_by_one.copies(doc_id)
    at_once.add(len(texts), texts[0])  # and it goes on one by one afterwards
    assert 0 in at_once.copies(len(texts))
