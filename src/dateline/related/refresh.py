"""Compute related lists on publish and in bulk, apply editors' overrides, store them.

The ranking's index lives in memory, one per store per process: built from the
published articles on first use, then kept in step (each refresh adds what was published
since, drops what was unpublished). On publish, each new article gets its list, and the
lists of its nearest neighbours (at most ``NEIGHBOURS`` per article) are recomputed so it
joins the lists it now belongs in: bounded work, whatever the archive's size.

Editors' pins come first, in their order; excluded articles never appear; the ranking
fills the remaining slots. Overrides live in the store, so they survive recomputation.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from dateline.model.text import blocks_text
from dateline.related import snapshot
from dateline.related.scoring import Document, RelatedIndex, Scored
from dateline.store import CorpusEntry, Store

LIST_LENGTH = 5
NEIGHBOURS = 10
REBUILD_JOB = "related-rebuild"
UNQUEUE_BATCH = 1000  # covered queue entries dropped a transaction after a rebuild
MAX_WORKERS = 4
AHEAD_BLOCK = 32  # neighbourhoods ``settle_ahead`` settles a call (tenths of a second at 1M)
SAVE_EVERY_SECONDS = 900.0  # at most this often the index is written to its file again
PINNED = {"pinned": 1.0}

log = logging.getLogger("dateline.related")

_indexes: weakref.WeakKeyDictionary[Store, RelatedIndex] = weakref.WeakKeyDictionary()
_kept: weakref.WeakKeyDictionary[Store, _Kept] = weakref.WeakKeyDictionary()
# one thread at a time uses a process's indexes (the ranking's arrays are not thread-safe:
# the scheduler, ingest and web requests may publish from different threads)
_lock = threading.RLock()

Entry = tuple[int, float, Mapping[str, float]]


def document_for(entry: CorpusEntry) -> Document:
    """What the ranking reads of a stored article."""
    return Document(
        id=entry.id,
        headline=entry.headline,
        deck=entry.deck,
        body=blocks_text(entry.body),
        published_at=entry.published_at,
        section=entry.section,
        topics=entry.topics,
    )


@dataclass
class _Kept:
    """Where this process keeps its index over a store on disk, and what it wrote last."""

    path: Path
    written: tuple[int, int] | None = None  # (id of the index, its revision) last written
    at: float = 0.0  # when (``time.monotonic``)
    settling: bool = True  # whether settling ahead had more to do at the last look


def keep_on_disk(store: Store, path: Path) -> None:
    """Keep this process's index over ``store`` in ``path`` (``related.snapshot``): read
    from there rather than built when the process needs it first, and written again by
    ``settle_ahead`` when it has changed, at most every ``SAVE_EVERY_SECONDS``."""
    with _lock:
        kept = _kept.get(store)
        if kept is None or kept.path != path:
            _kept[store] = _Kept(path)


def index_for(store: Store) -> RelatedIndex:
    """This process's index over ``store``'s published articles, brought up to date."""
    with _lock:
        index = _indexes.get(store)
        if index is None:
            index = _read(store)
            if index is None:
                started = time.perf_counter()
                index = RelatedIndex(document_for(e) for e in store.published_corpus())
                log.info(
                    "related index: built over %d articles in %.1f s",
                    len(index),
                    time.perf_counter() - started,
                )
            _indexes[store] = index
            return index
        published = store.published_ids()
        indexed = set(index.ids())
        for gone in indexed - published:
            index.remove(gone)
        missing = sorted(published - indexed)
        if missing:
            for entry in store.published_corpus(missing):
                index.add(document_for(entry))
        return index


def _store_key(store: Store) -> str:
    return store.engine.url.render_as_string(hide_password=True)


def _read(store: Store) -> RelatedIndex | None:
    """The index kept on disk for ``store``, brought up to date with it, or None (none
    kept, or none usable: ``snapshot.load``).

    Every published article is read, as for a build, but only those published, changed
    or unpublished since the file was written are analysed (``scoring.version_of``).
    """
    kept = _kept.get(store)
    if kept is None:
        return None
    started = time.perf_counter()
    index = snapshot.load(kept.path, _store_key(store))
    if index is None:
        return None
    loaded = time.perf_counter() - started
    documents = [document_for(e) for e in store.published_corpus()]
    published = {d.id for d in documents}
    gone = [i for i in index.ids() if i not in published]
    for doc_id in gone:
        index.remove(doc_id)
    changed = [d for d in documents if not index.holds(d)]
    index.add_many(changed)
    kept.written = None if gone or changed else (id(index), index.revision)
    kept.at = time.monotonic()
    log.info(
        "related index: read from %s in %.1f s; %d articles, %d analysed again, %d removed, "
        "in %.1f s in all",
        kept.path,
        loaded,
        len(index),
        len(changed),
        len(gone),
        time.perf_counter() - started,
    )
    return index


def _write_if_due(store: Store, index: RelatedIndex, left: int) -> None:
    """Write ``index`` to its file when it changed since it was last written there, and
    either ``SAVE_EVERY_SECONDS`` have passed, or it was never written, or settling ahead
    has just finished (``left``: what it has still to offer)."""
    kept = _kept.get(store)
    if kept is None:
        return
    finished, kept.settling = kept.settling and left == 0, left > 0
    if kept.written == (id(index), index.revision):
        return
    never = kept.written is None or kept.written[0] != id(index)
    if not (never or finished or time.monotonic() - kept.at >= SAVE_EVERY_SECONDS):
        return
    try:
        seconds = snapshot.save(index, kept.path, _store_key(store))
    except OSError as exc:  # a full disk, a folder not writable: the index still serves
        log.warning("related index: cannot write %s (%s)", kept.path, exc)
    else:
        log.info("related index: written to %s in %.1f s", kept.path, seconds)
    kept.written = (id(index), index.revision)
    kept.at = time.monotonic()


def settle_ahead(store: Store, articles: int = AHEAD_BLOCK) -> int:
    """Build this process's index over ``store`` if it has none yet, else settle up to
    ``articles`` more of its neighbourhoods ahead of need (``RelatedIndex.settle_ahead``).

    Returns how many articles are still to be settled ahead (0: none). For the process
    that applies the related queue, between rounds: after a restart its first lists
    then wait neither for the index's build nor for their candidates' searches.
    """
    with _lock:
        index = _indexes.get(store)
        if index is None:  # the build is this call's work; settling starts with the next
            index = index_for(store)
            return max(1, len(index))
        left = index.settle_ahead(articles)
        _write_if_due(store, index, left)
        return left


def default_workers() -> int:
    """Processes for a rebuild: the CPUs this process may use, at most ``MAX_WORKERS``."""
    return max(1, min(MAX_WORKERS, len(os.sched_getaffinity(0))))


def forget(store: Store) -> None:
    """Drop this process's index over ``store`` (the next use rebuilds it)."""
    with _lock:
        _indexes.pop(store, None)


def final_list(
    index: RelatedIndex,
    article_id: int,
    pins: Sequence[int],
    excluded: Iterable[int],
    length: int = LIST_LENGTH,
) -> list[Entry]:
    """Pins first (those still published), then the ranking, never an excluded article."""
    chosen: list[Entry] = [(p, 1.0, PINNED) for p in pins if p in index and p != article_id]
    chosen = chosen[:length]
    skip = {article_id, *excluded, *(p for p, _, _ in chosen)}
    if len(chosen) < length:
        ranked: list[Scored] = index.similar(article_id, length - len(chosen), exclude=skip)
        chosen.extend((s.id, s.score, s.reasons) for s in ranked)
    return chosen


def _lists(store: Store, index: RelatedIndex, ids: Sequence[int]) -> dict[int, list[Entry]]:
    overrides = store.related_overrides(list(ids))
    return {i: final_list(index, i, *overrides[i]) for i in ids if i in index}


def _bulk_lists(
    store: Store,
    index: RelatedIndex,
    ids: Sequence[int],
    length: int = LIST_LENGTH,
    ranked: Mapping[int, list[Scored]] | None = None,
) -> dict[int, list[Entry]]:
    """The lists of many articles at once, through the ranking's batched path.

    Articles with editors' overrides go through ``final_list``; the others take the
    ranking's list as it is (from ``ranked`` when given: ``similar_many``'s lists).
    """
    overrides = store.related_overrides(list(ids))
    plain = [i for i in ids if i in index and overrides[i] == ([], set())]
    if ranked is None:
        ranked = index.similar_many(plain, length)
    lists: dict[int, list[Entry]] = {
        i: [(s.id, s.score, s.reasons) for s in ranked[i]] for i in plain
    }
    for i in ids:
        if i in index and i not in lists:
            lists[i] = final_list(index, i, *overrides[i], length=length)
    return lists


def refresh(store: Store, article_ids: Sequence[int]) -> int:
    """Recompute the lists of ``article_ids`` and of their nearest neighbours.

    Returns how many lists were written.
    """
    if not article_ids:
        return 0
    with _lock:
        index = index_for(store)
        for entry in store.published_corpus(list(article_ids)):
            index.add(document_for(entry))
        fresh = [i for i in article_ids if i in index]
        touched = set(fresh)
        for article_id in fresh:
            touched.update(s.id for s in index.similar(article_id, NEIGHBOURS))
        lists = _lists(store, index, sorted(touched))
        store.replace_related(lists)
        return len(lists)


def withdraw(store: Store, article_id: int) -> int:
    """After an unpublish: drop the article from the index and redo the lists that showed it."""
    with _lock:
        index = index_for(store)
        if article_id in index:
            index.remove(article_id)
        affected = [i for i in store.listed_in(article_id) if i != article_id]
        lists = _lists(store, index, affected)
        store.replace_related(lists)
        return len(lists)


def rebuild(
    store: Store,
    progress: Callable[[int], None] | None = None,
    batch: int = 2000,
    restart: bool = False,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    workers: int = 1,
) -> tuple[int, int]:
    """Recompute every published article's list, resumably.

    Progress is saved after each batch; an interrupted rebuild resumes after the last
    saved article unless ``restart``. Returns (lists written now, articles skipped as
    already done). With ``workers`` > 1 the index is built and the lists are computed
    by that many forked processes (the same lists).

    A rebuild that ranks every list in one go also drops the related updates queued
    before it read the archive (``publish``'s queue): applied after it, they would rank
    the same lists again.
    """
    with _lock:
        return _rebuild(store, progress, batch, restart, now, workers)


def rank_all(store: Store, batch: int = 2000) -> int:
    """Rank every published article's list in one pass, as ``rebuild`` does, but without
    saving progress (an interrupted pass starts over); returns the lists written.

    For the related queue's holder when the queue asks for a large share of the archive
    (``publish.apply_queue``): one pass of the ranking costs far less than refreshing
    that many articles one by one. The updates it covers leave the queue, as after a
    rebuild; a ``dateline related rebuild`` in progress elsewhere keeps its own state.
    """
    with _lock:
        written, _ = _rebuild(store, None, batch, False, lambda: datetime.now(UTC), resumable=False)
        return written


def _rebuild(
    store: Store,
    progress: Callable[[int], None] | None,
    batch: int,
    restart: bool,
    now: Callable[[], datetime],
    workers: int = 1,
    resumable: bool = True,
) -> tuple[int, int]:
    if restart and resumable:
        store.clear_job_state(REBUILD_JOB)
    state = (store.job_state(REBUILD_JOB) or {}) if resumable else {}
    after = int(state.get("after", 0))
    # the queued updates committed before the archive is read below are covered by a
    # rebuild that ranks every list from that reading (not by a resumed one, whose first
    # lists were ranked from an earlier reading): they are dropped at the end
    covered = [queue_id for queue_id, _, _ in store.queued_related(None)] if not after else []
    forget(store)
    index = RelatedIndex((document_for(e) for e in store.published_corpus()), workers=workers)
    _indexes[store] = index
    ids = sorted(index.ids())
    todo = [i for i in ids if i > after]
    skipped = len(ids) - len(todo)
    if progress is not None and skipped:
        progress(skipped)
    written = 0
    # every list in one pass of the ranking (its searches shared), stored batch by batch
    blocks = index.similar_blocks(todo, LIST_LENGTH, workers)
    ranked: dict[int, list[Scored]] = {}
    try:
        for start in range(0, len(todo), batch):
            chunk = todo[start : start + batch]
            while chunk[-1] not in ranked:
                ranked.update(next(blocks))
            mine = {i: ranked.pop(i) for i in chunk}
            store.replace_related(_bulk_lists(store, index, chunk, ranked=mine))
            if resumable:
                store.save_job_state(REBUILD_JOB, {"after": chunk[-1]}, now())
            written += len(chunk)
            if progress is not None:
                progress(len(chunk))
    finally:
        blocks.close()  # stops its worker processes, if any are left
    if resumable:
        store.clear_job_state(REBUILD_JOB)
    for start in range(0, len(covered), UNQUEUE_BATCH):
        store.unqueue_related(covered[start : start + UNQUEUE_BATCH])
    return written, skipped
