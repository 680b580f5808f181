"""Reading fetched feeds: parse, sanitize and fingerprint, in worker processes.

Reading a feed is pure CPU work (``parse_feed``: feedparser, the sanitizer, the body
blocks; then the items' MinHash fingerprints) and costs more than storing what it gives.
In the polling process it would share one core with the fetches and the store; a
``FeedReader`` runs it in ``processes`` worker processes instead, so a poll uses a
second core, and a feed that takes long to parse never stalls the event loop. With
``processes=0`` it runs in a thread of the calling process (tests, one-core machines).
With two processes or more, ``read_and_take`` also stores what a worker read, from that
worker (``ingest.taking``): only the counts come back.

The workers are started with ``spawn`` (a fresh interpreter: the polling process has
threads and an event loop, which ``fork`` would copy mid-flight) and import the parsing
code once, when the first feed is read (or on ``start()``). What crosses between the
processes is the fetched body and the parsed items (frozen model objects), pickled; or,
from a worker that stores, the counts of what it stored. A
worker that dies (killed, out of memory) fails only the feeds it was reading: the pool
is replaced and the next feed is read by a new one.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from dateline.ingest.formats.syndication import ParsedFeed, parse_feed
from dateline.model import Article, FeedSource
from dateline.model.fingerprint import Mark, fingerprint
from dateline.model.pickling import by_fields

if TYPE_CHECKING:
    from dateline.ingest.taking import ReadAndTaken

log = logging.getLogger("dateline.ingest")
T = TypeVar("T")
PARENT_CHECK_SECONDS = 1.0


@by_fields  # pickled back from the worker processes: see model.pickling
@dataclass(frozen=True, slots=True)
class ReadFeed:
    """A parsed feed and the fingerprint of each of its items, in the items' order.

    ``texts`` holds each item's body text (``Article.plain_text``), worked out here for
    the fingerprint anyway: the store keeps it too, and need not work it out again in the
    polling process.
    """

    parsed: ParsedFeed
    marks: tuple[Mark | None, ...]
    texts: tuple[str, ...] = ()


def article_mark(article: Article, body_text: str | None = None) -> Mark | None:
    """The MinHash fingerprint of the article's deck and body text (``None``: too short).

    ``body_text``: the article's ``plain_text``, when already worked out.
    """
    text = article.plain_text if body_text is None else body_text
    return fingerprint(f"{article.deck}\n{text}")


def read_feed(data: bytes, url: str, content_type: str, section: str) -> ReadFeed:
    """Parse a fetched document and fingerprint its items (pure: runs in any process).

    Nothing of the store is imported here: a reader process stays small (about 100 MB,
    most of it numpy and the MinHash library; the store would add 36 MB).
    """
    parsed = parse_feed(data, url=url, content_type=content_type, section=section)
    texts = tuple(item.article.plain_text for item in parsed.items)
    marks = tuple(
        article_mark(item.article, text) for item, text in zip(parsed.items, texts, strict=True)
    )
    return ReadFeed(parsed, marks, texts)


def _warm() -> None:
    """A new worker's first work: the parsing code imported, its caches built."""
    read_feed(b"<rss version='2.0'><channel><title>warm</title></channel></rss>", "", "", "news")


def _begin(parent: int) -> None:
    """A worker's start: it ends itself when ``parent`` (the polling process) has gone,
    even killed without a word, so no reader outlives its poller."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
    _warm()


class FeedReader:
    """Reads fetched feeds in ``processes`` worker processes (0: in a thread).

    Use as ``async with FeedReader(n) as reader``; ``await reader.read(...)``. The
    workers start on the first read (or ``start()``), so a server that never polls a
    source never starts them.
    """

    def __init__(self, processes: int = 1) -> None:
        if processes < 0:
            raise ValueError("processes must be 0 or more")
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None
        self._starting = asyncio.Lock()  # feeds read at once start one pool, not several

    def _start(self) -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(
            max_workers=self.processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_begin,
            initargs=(os.getpid(),),
        )
        # start every worker now and wait until each has run its initializer (the parsing
        # code imported and warmed, about a second): a feed read later never waits on it
        for started in [pool.submit(os.getpid) for _ in range(self.processes)]:
            started.result()
        return pool

    async def start(self) -> None:
        """Start the worker processes now rather than on the first feed read."""
        if self.processes:
            await self._started()

    async def _started(self) -> ProcessPoolExecutor:
        async with self._starting:
            if self._pool is None:
                self._pool = await asyncio.to_thread(self._start)
            return self._pool

    async def __aenter__(self) -> FeedReader:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    async def read(self, data: bytes, *, url: str, content_type: str, section: str) -> ReadFeed:
        """``read_feed`` of the document, in a worker process when there are any.

        Raises what ``read_feed`` raises (``InvalidItem`` for a document that is no
        feed); a worker that died reading it raises ``BrokenProcessPool`` once, and the
        next call starts a new pool.
        """
        if self.processes == 0:
            return await asyncio.to_thread(read_feed, data, url, content_type, section)
        return await self._in_worker(read_feed, data, url, content_type, section)

    @property
    def stores(self) -> bool:
        """Whether this reader stores what it reads (``read_and_take``): with two worker
        processes or more, so that one stores while another reads. A single worker
        would do both in turn, while storing from the polling process runs beside it
        (on PostgreSQL, measured: 580 to 610 items/s against 660 to 750; with two
        workers storing, 910 to 1,190: docs/benchmarks.md)."""
        return self.processes >= 2

    async def read_and_take(
        self, data: bytes, *, url: str, content_type: str, source: FeedSource, store_url: str
    ) -> ReadAndTaken:
        """Read the document and store its items into the store at ``store_url``, in a
        worker process (``ingest.taking.read_and_take``; only when ``stores``).

        Raises as ``read`` does. The worker imports the store on its first such call:
        a reader that never stores stays small.
        """
        if not self.stores:
            raise RuntimeError("a feed reader with fewer than two processes does not store")
        from dateline.ingest.taking import read_and_take  # the store, only when used

        return await self._in_worker(read_and_take, data, url, content_type, source, store_url)

    async def _in_worker(self, work: Callable[..., T], *args: Any) -> T:
        pool = await self._started()
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(pool, work, *args)
        except BrokenProcessPool:
            log.warning("ingest: a feed reader process died; starting new ones")
            if self._pool is pool:
                self._pool = None
                pool.shutdown(wait=False, cancel_futures=True)
            raise
