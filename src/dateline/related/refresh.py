"""Recompute related lists on publish and in bulk, and write them to the store.

On publish, each new article gets its own list, and every article that the new one now
outranks in its stored list gets it inserted (scores are symmetric): bounded work, no
full recomputation. ``rebuild`` recomputes every list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from dateline.model.text import blocks_text
from dateline.related.scoring import Document, RelatedIndex
from dateline.store import CorpusEntry, Store

LIST_LENGTH = 5
CANDIDATES = 20


def _document(entry: CorpusEntry) -> Document:
    return Document(
        id=entry.id,
        headline=entry.headline,
        text=f"{entry.deck}\n{blocks_text(entry.body)}",
        published_at=entry.published_at,
    )


def build_index(store: Store) -> RelatedIndex:
    """The ranking's index over every published article."""
    return RelatedIndex(_document(e) for e in store.published_corpus())


def refresh(store: Store, article_ids: Sequence[int], length: int = LIST_LENGTH) -> int:
    """Compute the lists of ``article_ids`` and fold them into their neighbours' lists.

    Returns how many lists were written.
    """
    if not article_ids:
        return 0
    index = build_index(store)
    fresh = set(article_ids)
    lists: dict[int, list[tuple[int, float]]] = {}
    neighbours: dict[int, list[tuple[int, float]]] = {}
    for article_id in article_ids:
        candidates = index.similar(article_id, CANDIDATES)
        lists[article_id] = candidates[:length]
        for other, score in candidates:
            if other not in fresh:
                neighbours.setdefault(other, []).append((article_id, score))
    stored = store.related_scores(list(neighbours))
    for other, offers in neighbours.items():
        current = [(rid, s) for rid, s in stored[other] if rid not in fresh]
        merged = sorted(current + offers, key=lambda item: (-item[1], item[0]))[:length]
        if merged != stored[other]:
            lists[other] = merged
    store.replace_related(dict(lists))
    return len(lists)


def rebuild(
    store: Store,
    length: int = LIST_LENGTH,
    progress: Callable[[int], None] | None = None,
    batch: int = 500,
) -> int:
    """Recompute every published article's list; returns how many were written."""
    index = build_index(store)
    ids = sorted(index.vectors)
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        store.replace_related({i: index.similar(i, length) for i in chunk})
        if progress is not None:
            progress(len(chunk))
    return len(ids)
