"""The related-list queue: one process at a time applies it, the others only queue.

``publish`` queues the update of the related lists in its own transaction; a process
applies the queue itself only when no other process holds the related job's lock, and a
process with a background loop (``jobs.related_forever``) leaves it to that loop.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from datetime import UTC, datetime

import pytest

from dateline import publish
from dateline.jobs import in_daemon_thread, related_forever
from dateline.related import refresh
from dateline.store import Store, open_store
from dateline.store import related as store_related
from dateline.testing import build_fixture_newsroom, publish_story


def listed(store: Store, article_id: int) -> list[int]:
    return [link.article.id for link in store.related_links(article_id) if link.article.id]


def test_with_no_leader_elsewhere_a_publish_applies_its_related_update_before_it_returns(
    store: Store,
) -> None:
    ids = build_fixture_newsroom(store)
    story = publish_story(store, "Ceasefire talks resume in Geneva", "Ana Lima")
    assert store.queued_related() == []
    assert listed(store, story)  # its list is there when publish returns
    assert all(i in ids for i in listed(store, story))


def test_while_another_process_leads_a_publish_only_queues_and_the_leader_applies_it(
    store: Store, database_url: str
) -> None:
    build_fixture_newsroom(store)
    leader_store = open_store(database_url)  # another process's connection to the store
    try:
        with leader_store.job_lock(publish.RELATED_JOB) as lock:
            assert lock.acquire()
            story = publish_story(store, "Ceasefire talks resume in Geneva", "Ana Lima")
            assert [(a, k) for _, a, k in store.queued_related()] == [(story, "refresh")]
            assert listed(store, story) == []  # not computed here: the leader's work
            assert publish.settle_related(store) is False

            assert publish.apply_queue(leader_store) == 1  # the leader's round
        assert store.queued_related() == []
        assert listed(store, story)
    finally:
        leader_store.close()


def test_an_unpublish_queued_after_a_publish_is_the_update_that_counts(store: Store) -> None:
    ids = build_fixture_newsroom(store)
    with store.job_lock(publish.RELATED_JOB) as lock:
        assert lock.acquire()  # this process leads: nothing is applied until it says so
        story = publish_story(store, "Ceasefire talks resume in Geneva", "Ana Lima")
        publish.unpublish(store, story)
        kinds = [k for _, a, k in store.queued_related() if a == story]
        assert kinds == ["refresh", "withdraw"]
        publish.apply_queue(store)
    assert store.queued_related() == []
    assert all(story not in listed(store, i) for i in ids)


def test_a_background_loop_applies_what_its_process_publishes_without_the_publish_waiting(
    store: Store,
) -> None:
    build_fixture_newsroom(store)

    async def go() -> tuple[list[int], list[int], float]:
        loop = asyncio.create_task(related_forever(store, every=30.0))
        try:
            # the loop's first round: it takes the lock and applies what is queued
            while not publish.settled_in_background(store):
                await asyncio.sleep(0.01)
            story = await asyncio.to_thread(
                publish_story, store, "Ceasefire talks resume in Geneva", "Ana Lima"
            )
            at_return = listed(store, story)
            started = time.monotonic()
            while not listed(store, story):  # woken at once: not a 30 s period later
                assert time.monotonic() - started < 20, "the loop did not apply the publish"
                await asyncio.sleep(0.01)
            return at_return, listed(store, story), time.monotonic() - started
        finally:
            loop.cancel()
            await asyncio.gather(loop, return_exceptions=True)

    _at_return, later, waited = asyncio.run(go())
    assert later
    assert waited < 20
    assert store.queued_related() == []
    assert not publish.settled_in_background(store)  # the loop is gone: publishes apply again


def test_the_leader_builds_and_settles_the_ranking_between_rounds_with_nothing_queued(
    store: Store,
) -> None:
    """After a restart the related loop's idle rounds build the index and settle every
    neighbourhood ahead of need, round after round (not one block a 30 s period), so
    the first lists wait for neither."""
    build_fixture_newsroom(store)
    refresh.forget(store)  # as after a restart: this process holds no index

    async def go() -> None:
        loop = asyncio.create_task(related_forever(store, every=30.0))
        try:
            started = time.monotonic()
            while (index := refresh._indexes.get(store)) is None or index._ahead != []:
                assert time.monotonic() - started < 20, "the loop did not settle ahead"
                await asyncio.sleep(0.02)
        finally:
            loop.cancel()
            await asyncio.gather(loop, return_exceptions=True)

    asyncio.run(go())
    index = refresh._indexes[store]
    assert len(index) == store.count_published() > 0
    assert set(index._neighbours) == set(index.ids())
    assert store.queued_related() == []
    assert not publish.settle_ahead(store)  # nothing left for another round


def test_a_stopped_loop_does_not_wait_for_the_rankings_work_to_end() -> None:
    """The related loop's work runs in a daemon thread: Ctrl-C on a worker whose
    ranking is still being built (minutes on a large archive) stops it at once, where
    ``asyncio.to_thread`` would hold ``asyncio.run`` until the work ended."""
    release = threading.Event()

    async def go() -> object:
        assert await in_daemon_thread(lambda: 42) == 42
        with pytest.raises(ValueError, match="no such article"):
            await in_daemon_thread(lambda: int("no such article"))
        busy = asyncio.ensure_future(in_daemon_thread(lambda: release.wait(60)))
        await asyncio.sleep(0.1)
        busy.cancel()
        return await asyncio.gather(busy, return_exceptions=True)

    started = time.monotonic()
    [outcome] = asyncio.run(go())
    assert isinstance(outcome, asyncio.CancelledError)
    assert time.monotonic() - started < 5  # not the 60 s the work would take
    release.set()


def test_an_update_that_cannot_be_applied_is_logged_and_does_not_hold_up_the_others(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    ids = build_fixture_newsroom(store)
    with store.job_lock(publish.RELATED_JOB) as lock:
        assert lock.acquire()
        with store.engine.begin() as conn:  # a row this version cannot read
            store_related.queue(conn, [ids[0]], "reorder", datetime.now(UTC))
        story = publish_story(store, "Ceasefire talks resume in Geneva", "Ana Lima")
        with caplog.at_level(logging.ERROR, logger="dateline.related"):
            assert publish.apply_queue(store) == 2
    assert store.queued_related() == []
    assert listed(store, story)
    assert f"article {ids[0]} not updated (reorder)" in caplog.text
