"""The one place that says what publishing does: mark published, then update related lists.

Import, the demo, the newsroom, the schedule and ingest all publish through ``publish``,
so a new step is added here once and applies everywhere.

Related lists are updated through a queue in the store (migration 0009): publishing,
unpublishing and an editor's pin queue the update in the same transaction as the change,
and one process at a time applies the queue, the holder of the related job's lock
(``RELATED_JOB``). Only that process builds and keeps the ranking's index (hundreds of
megabytes and minutes of work on a large archive), however many servers and workers
share the store:

- a process whose background loop applies the queue (``dateline serve``, ``dateline
  worker``: ``jobs.related_forever``) wakes the loop and returns: the lists follow
  within moments, and a reader's request never waits on the ranking;
- any other process (a command, a script, a test) applies the queue itself before it
  returns, unless another process holds the lock, which then applies it within a second.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

from dateline.store import Store
from dateline.store.related import REFRESH, WITHDRAW

log = logging.getLogger("dateline.related")

RELATED_JOB = "related"
QUEUE_BATCH = 500
# a queue asking for this share of the published articles, and at least this many, is
# applied by ranking every list in one pass (``_worth_ranking_all``)
RANK_ALL_SHARE = 0.1
RANK_ALL_MIN = 500
# what an idle round of the related loop spends settling the ranking ahead of need
AHEAD_SECONDS = 0.5

# The related ranking is imported on first use, not with this module: it loads
# scikit-learn, which a process that only serves readers never needs (measured: importing
# the web app took 177 MiB with it, 146 MiB without; docs/benchmarks.md, "Serving").

# stores whose related queue a background loop of this process applies: how to wake it
_loops: weakref.WeakKeyDictionary[Store, Callable[[], None]] = weakref.WeakKeyDictionary()
_loops_lock = threading.Lock()


def publish(store: Store, article_ids: Sequence[int], now: datetime | None = None) -> list[int]:
    """Publish the articles and bring the related lists up to date.

    Articles keep a first-published time they already carry (a wire item's own time);
    others are stamped ``now``. Returns the ids that were newly published. Articles
    already published whose text changed are refreshed too.
    """
    when = now or datetime.now(UTC)
    newly = store.publish(article_ids, when)  # queues their related update with it
    settle_related(store)
    return newly


def refresh_related(store: Store, article_ids: Sequence[int]) -> None:
    """Recompute the related lists of ``article_ids`` and of the lists they now belong in."""
    store.queue_related(article_ids, datetime.now(UTC))
    settle_related(store)


def unpublish(store: Store, article_id: int) -> None:
    """Take the article off the site and out of every related list that showed it."""
    store.unpublish(article_id)  # queues its withdrawal from related lists with it
    settle_related(store)


def settle_related(store: Store) -> bool:
    """Have the queued related updates applied; True when they were applied here, now.

    A background loop of this process is woken instead; when another process holds the
    related job's lock, the queue is left to it.
    """
    with _loops_lock:
        wake = _loops.get(store)
    if wake is not None:
        wake()
        return False
    with store.job_lock(RELATED_JOB) as lock:
        if not lock.acquire():
            return False
        apply_queue(store)
        return True


def apply_queue(store: Store) -> int:
    """Apply the queued related updates, oldest first; returns how many were applied.

    The caller holds the related job's lock. Updates queued while this runs are applied
    too (or by the next call, if they arrive after the last look). A queue that asks for
    a large share of the archive (a bulk import's publication) is applied by ranking every
    list in one pass instead (``_worth_ranking_all``). When a batch fails,
    its articles are updated one at a time, so one that cannot be (a fault, logged with
    its id; ``dateline related rebuild`` redoes it) does not hold up the others.
    """
    applied = 0
    if _worth_ranking_all(store):
        from dateline.related import refresh

        try:
            written = refresh.rank_all(store)
            log.info("related lists: %d ranked in one pass for a long queue", written)
        except Exception:  # the queue is still there: applied one by one below
            log.exception("related lists: the pass over the archive failed")
    while batch := store.queued_related(QUEUE_BATCH):
        latest: dict[int, str] = {}
        for _, article_id, kind in batch:
            latest.pop(article_id, None)  # the latest update of an article counts
            latest[article_id] = kind
        try:
            _apply(store, latest)
        except Exception:
            log.exception("related lists: %d queued updates failed together", len(batch))
            for article_id, kind in latest.items():
                try:
                    _apply(store, {article_id: kind})
                except Exception:
                    log.exception("related lists: article %d not updated (%s)", article_id, kind)
        store.unqueue_related([queue_id for queue_id, _, _ in batch])
        applied += len(batch)
    return applied


def settle_ahead(store: Store, seconds: float = AHEAD_SECONDS) -> bool:
    """Use about ``seconds`` of an idle round to get the ranking ready ahead of need:
    build its index if this process has none, then settle neighbourhoods, a block at a
    time (``refresh.settle_ahead``). True when more is left for the next round.

    The caller holds the related job's lock and has applied the queue: a publication
    waits at most one block for the lists to be its own work again.
    """
    from dateline.related import refresh

    deadline = time.monotonic() + seconds
    while refresh.settle_ahead(store):
        if time.monotonic() >= deadline:
            return True
    return False


def _worth_ranking_all(store: Store) -> bool:
    """Whether the queue asks for at least ``RANK_ALL_SHARE`` of the published articles
    (and ``RANK_ALL_MIN`` of them): then one pass over the archive is the cheaper way.

    Measured (``benchmarks/related_queue.py``): 3,000 queued articles of a 3,000-article
    archive took 135 s refreshed one by one, 12.8 s ranked in one pass. The published
    articles are counted only when the queue is long at all, so a publish of a few pays
    one count of the queue.
    """
    waiting = store.queued_related_articles()
    return waiting >= RANK_ALL_MIN and waiting >= RANK_ALL_SHARE * store.count_published()


def _apply(store: Store, latest: dict[int, str]) -> None:
    from dateline.related import refresh

    for article_id, kind in latest.items():
        if kind == WITHDRAW:
            refresh.withdraw(store, article_id)
        elif kind != REFRESH:  # a row this version cannot read (written by a newer one?)
            raise ValueError(f"unknown related update {kind!r} for article {article_id}")
    refresh.refresh(store, [i for i, kind in latest.items() if kind == REFRESH])


def settled_in_background(store: Store) -> bool:
    """Whether a background loop of this process applies ``store``'s related queue."""
    with _loops_lock:
        return store in _loops


@contextmanager
def applied_in_background(store: Store, wake: Callable[[], None]) -> Iterator[None]:
    """While inside, ``publish`` in this process calls ``wake`` rather than applying the
    related queue itself: a background loop (``jobs.related_forever``) applies it."""
    with _loops_lock:
        _loops[store] = wake
    try:
        yield
    finally:
        with _loops_lock:
            if _loops.get(store) is wake:
                del _loops[store]
