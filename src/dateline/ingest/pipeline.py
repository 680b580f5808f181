"""Polling sources: fetch, parse, clean, deduplicate, store, publish.

One poll of one source (``poll_source``):

1. the source is leased to this process (``Store.claim_source``), so with several
   processes on one store each source is polled by one of them at a time; a lease held
   by a process of this machine that has died is released first, so a poll killed
   midway is taken up again by the next one;
2. its URL is fetched with a conditional GET (``ingest.fetch``: size, time, redirect and
   address limits); 304 ends the poll as a success with nothing new;
3. the body is parsed (``formats.syndication.parse_feed``: RSS, Atom, JSON Feed, ninjs,
   NewsML-G2), every HTML field sanitized on the way; entries that cannot be articles
   are reported and skipped; a document that is no feed, or is broken (not well-formed,
   truncated) and gives no entry, fails the poll;
4. each item gets its section from the source's category rules, its full text from its
   web page when the source asks for it and the entry carries only a summary, and is
   stored all or nothing (``Store.take_items``): a new article, a newer version of one,
   or an alternate of the same story already stored from elsewhere (MinHash
   fingerprints, the same detector as the related lists). The items are stored
   together, each in a savepoint of its own (a bad item is rolled back alone), in
   transactions of up to ``BATCH_ITEMS`` items and a quarter of a second; an item that
   must wait for its web page is stored on its own, after the items before it are
   committed, so nothing waits on the network uncommitted. With two reader processes
   or more, a source without full text has its feed read and its items stored by a
   reader process (``taking.read_and_take``), and only the counts come back here;
5. with auto-publish, every draft this source brought in goes through the one publish
   path, including drafts left by a poll that was interrupted before publishing; in
   review mode they wait for an editor;
6. the outcome is recorded on the source (validators, items taken, the error) and the
   next poll is scheduled: the interval after a success, a backoff after a failure
   (doubling, or the server's ``Retry-After`` when longer).

A failing source never stops the others: ``poll_due`` polls every due source, a few at a
time, and returns one report each. Parsing, storing and publishing run in worker threads
(``asyncio.to_thread``), so the fetches of the other sources in flight are never stalled
behind them (a stalled fetch would run into its deadline and fail a healthy source);
one thread of the process stores at a time, so threads never wait on each other inside
the database's busy timeout.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from dateline import publish as publishing
from dateline.ingest.blocks import html_to_blocks
from dateline.ingest.fetch import Fetched, Fetcher, FetchError
from dateline.ingest.formats.syndication import FeedItem
from dateline.ingest.formats.webpage import extract_main_html
from dateline.ingest.reader import FeedReader, article_mark
from dateline.ingest.structure import recognize
from dateline.ingest.taking import (
    BATCH_ITEMS,
    Taken,
    fingerprint_of,
    in_section,
    take_articles,
    take_items,
)
from dateline.model import Article, BlockKind, FeedSource, InvalidItem, Section, Status
from dateline.model.feed_source import backoff
from dateline.model.text import strip_tags
from dateline.store import Fingerprint, Incoming, Store

log = logging.getLogger("dateline.ingest")
T = TypeVar("T")

# one thread of this process stores at a time: the database takes one writer anyway, and
# threads queueing here do not use up the database's busy timeout waiting for each other
_STORING = threading.Lock()

LEASE = timedelta(minutes=10)  # longer than any poll may take; an expired lease is free
CONCURRENT_SOURCES = 8


def process_owner() -> str:
    """A name for this process, unique enough to tell leases apart: host, pid, nonce."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _gone(owner: str) -> bool:
    """Whether ``owner`` names a process of this machine that is no longer running."""
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False  # another machine's process: its lease runs out on its own
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def free_dead_leases(store: Store, now: datetime) -> list[int]:
    """Release the leases of this machine's processes that died mid-poll (their sources
    are then polled again at once rather than after the lease runs out)."""
    return [
        i
        for i, owner in store.source_leases(now)
        if _gone(owner) and store.release_source(i, owner)
    ]


@dataclass
class PollReport:
    """What one poll of one source did."""

    source: FeedSource
    status: str = "ok"  # ok, not_modified, failed, skipped (another process holds it)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    alternates: int = 0
    published: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    error: str = ""
    # the articles updated (newer versions): their related lists follow them once published
    updated_ids: list[int] = field(default_factory=list)

    def absorb(self, taken: Taken) -> None:
        """Count what storing the feed's items did."""
        self.updated_ids += taken.updated
        self.created += taken.created
        self.updated += len(taken.updated)
        self.unchanged += taken.unchanged
        self.alternates += taken.alternates
        self.problems.extend(taken.problems)

    @property
    def taken(self) -> int:
        return self.created + self.updated + self.alternates


async def poll_due(
    store: Store,
    fetcher: Fetcher,
    *,
    owner: str,
    now: datetime | None = None,
    force: bool = False,
    reader: FeedReader | None = None,
) -> list[PollReport]:
    """Poll every source that is due (every source with ``force``), a few at a time.

    ``reader`` reads the fetched feeds (in its worker processes); without one they are
    read in threads of this process.
    """
    reader = reader or FeedReader(0)
    when = now or datetime.now(UTC)
    free_dead_leases(store, when)
    if force:
        ids = [s.id for s in store.sources() if s.id is not None]
    else:
        ids = store.due_sources(when, limit=100_000)
    gate = asyncio.Semaphore(CONCURRENT_SOURCES)

    async def one(source_id: int) -> PollReport | None:
        async with gate:
            try:
                return await poll_source(
                    store, fetcher, source_id, owner=owner, force=force, reader=reader
                )
            except Exception as exc:  # a fault of ours or the store's: the others go on
                log.exception("ingest: polling source %s failed", source_id)
                return await asyncio.to_thread(_stored, _crashed, store, source_id, owner, exc)

    reports = await asyncio.gather(*(one(i) for i in ids))
    return [r for r in reports if r is not None]


async def poll_source(
    store: Store,
    fetcher: Fetcher,
    source_id: int,
    *,
    owner: str,
    force: bool = False,
    reader: FeedReader | None = None,
) -> PollReport | None:
    """One poll of one source; ``None`` when it is not due or another process holds it.

    Every store call runs in a thread (``_stored``): a write waits for SQLite's write
    lock while another poll's items are stored, and the event loop must go on fetching
    and handing feeds to the reader meanwhile.
    """
    reader = reader or FeedReader(0)
    now = datetime.now(UTC)
    source = await asyncio.to_thread(
        _stored, store.claim_source, source_id, owner, now, now + LEASE, force
    )
    if source is None:
        return None
    report = PollReport(source)
    try:
        fetched = await fetcher.get(
            source.url, etag=source.etag, last_modified=source.last_modified
        )
    except FetchError as exc:
        return await _failing(store, report, owner, str(exc), exc.retry_after)
    if fetched.not_modified:
        report.status = "not_modified"
        await asyncio.to_thread(_stored, _publish_waiting, store, report)
        await asyncio.to_thread(
            _stored, _succeeded, store, report, owner, fetched.etag, fetched.last_modified
        )
        return report
    shared = store.shared_url
    try:
        if reader.stores and shared is not None and not source.full_text:
            failure = await _read_and_take(reader, fetched, source, shared, report)
        else:
            failure = await _read_then_take(reader, fetched, source, store, fetcher, report)
    except InvalidItem as exc:
        return await _failing(store, report, owner, str(exc), None)
    except BrokenProcessPool:
        message = f"{fetched.url}: the feed reader process died"
        return await _failing(store, report, owner, message, None)
    if failure:
        return await _failing(store, report, owner, failure, None)
    for article_id in report.updated_ids:
        await asyncio.to_thread(_stored, _refresh_if_published, store, article_id)
    await asyncio.to_thread(_stored, _publish_waiting, store, report)
    await asyncio.to_thread(
        _stored, _succeeded, store, report, owner, fetched.etag, fetched.last_modified
    )
    return report


async def _read_and_take(
    reader: FeedReader, fetched: Fetched, source: FeedSource, store_url: str, report: PollReport
) -> str:
    """Read the feed and store its items in a reader process (``taking.read_and_take``);
    the poll's failure, if any ("": none)."""
    done = await reader.read_and_take(
        fetched.body,
        url=fetched.url,
        content_type=fetched.content_type,
        source=source,
        store_url=store_url,
    )
    failure = _read(report, fetched.url, done.warnings, done.skipped, done.entries)
    if failure:
        return failure
    report.absorb(done.taken)
    return done.fault


def _read(
    report: PollReport, url: str, warnings: Sequence[str], skipped: Sequence[str], entries: int
) -> str:
    """What reading the document gave: the poll's failure when it gave no item but
    warnings (a broken document); else its skipped entries and warnings noted as the
    poll's problems, and "" (no failure)."""
    if warnings and not entries:
        return f"{url}: {warnings[0]}"
    report.problems.extend(skipped)
    report.problems.extend(f"{url}: {w}" for w in warnings)
    return ""


async def _read_then_take(
    reader: FeedReader,
    fetched: Fetched,
    source: FeedSource,
    store: Store,
    fetcher: Fetcher,
    report: PollReport,
) -> str:
    """Read the feed (in a reader process, or a thread), then store its items from this
    process, fetching the web page of each that needs its full text first; the poll's
    failure, if any ("": none)."""
    read = await reader.read(
        fetched.body,
        url=fetched.url,
        content_type=fetched.content_type,
        section=source.section,
    )
    parsed = read.parsed
    failure = _read(report, fetched.url, parsed.warnings, parsed.skipped, len(parsed.items))
    if failure:
        return failure
    taken = Taken()
    sections: dict[str, Section | None] = {}
    waiting: list[tuple[FeedItem, Fingerprint | None, str | None]] = []  # stored together
    texts = read.texts or (None,) * len(parsed.items)
    try:
        for item, mark, text in zip(parsed.items, read.marks, texts, strict=True):
            if source.full_text and item.summary_only and item.article.canonical_url:
                # what came before is stored before this item waits on the network
                await _storing(take_items, store, source, waiting, sections, taken)
                waiting = []
                article = await _storing(in_section, store, source, item, sections, taken)
                if article is not None:
                    article = await _with_full_text(fetcher, article, taken)
                    incoming = [Incoming(article, fingerprint_of(article_mark(article)))]
                    await _storing(take_articles, store, source, incoming, taken)
                continue
            waiting.append((item, fingerprint_of(mark), text))
            if len(waiting) >= BATCH_ITEMS:
                await _storing(take_items, store, source, waiting, sections, taken)
                waiting = []
        await _storing(take_items, store, source, waiting, sections, taken)
    finally:
        report.absorb(taken)  # what was stored before a fault counts
    return ""


async def _storing(work: Callable[..., T], *args: Any) -> T:
    """Run one storing step in a thread, under this process's store lock."""
    return await asyncio.to_thread(_stored, work, *args)


def _stored(work: Callable[..., T], *args: Any) -> T:
    """Run one storing step under this process's store lock (in a thread of its own)."""
    with _STORING:
        return work(*args)


async def _failing(
    store: Store, report: PollReport, owner: str, message: str, retry_after: timedelta | None
) -> PollReport:
    """``_failed``, in a thread."""
    return await asyncio.to_thread(_stored, _failed, store, report, owner, message, retry_after)


async def _with_full_text(fetcher: Fetcher, article: Article, taken: Taken) -> Article:
    """The article with its body from its web page's main text (unchanged on failure)."""
    url = article.canonical_url
    try:
        page = await fetcher.get(url, accept="text/html,application/xhtml+xml;q=0.9,*/*;q=0.5")
    except FetchError as exc:
        taken.problems.append(f"{article.uid}: full text not fetched: {exc}")
        return article
    main = await asyncio.to_thread(extract_main_html, page.body, url=page.url, charset=page.charset)
    blocks = await asyncio.to_thread(html_to_blocks, main, page.url) if main else ()
    if not blocks:
        taken.problems.append(f"{article.uid}: no main text found at {url}")
        return article
    if blocks[0].kind is BlockKind.HEADING and _same_words(
        strip_tags(blocks[0].html), article.headline
    ):
        blocks = blocks[1:]  # the page's own headline
    lead = [b for b in article.body[:1] if b.kind is BlockKind.IMAGE]
    if lead and not any(b.kind is BlockKind.IMAGE and b.src == lead[0].src for b in blocks):
        blocks = (*lead, *blocks)  # the feed's lead image, which the page text lacks
    dateline, credit, body = recognize(blocks, article.dateline, article.credit_line)
    deck = article.deck or article.plain_text.split("\n", 1)[0][:600]
    return replace(article, body=body, dateline=dateline, credit_line=credit, deck=deck)


def _same_words(a: str, b: str) -> bool:
    return a.casefold().split() == b.casefold().split()


def _refresh_if_published(store: Store, article_id: int) -> None:
    """A newer version of a published article: its related lists follow it."""
    stored = store.article(article_id)
    if stored is not None and stored.status is Status.PUBLISHED:
        publishing.publish(store, [article_id])


def _publish_waiting(store: Store, report: PollReport) -> None:
    """With auto-publish, publish every draft this source brought in (earlier polls too)."""
    source = report.source
    if not source.auto_publish or source.id is None:
        return
    waiting = store.waiting_publication([source.id])
    if waiting:
        report.published = publishing.publish(store, waiting)


def _succeeded(store: Store, report: PollReport, owner: str, etag: str, last_modified: str) -> None:
    source = report.source
    assert source.id is not None
    now = datetime.now(UTC)
    store.record_source_success(
        source.id,
        owner,
        now,
        now + timedelta(minutes=source.interval_minutes),
        etag,
        last_modified,
        report.taken,
    )


def _failed(
    store: Store,
    report: PollReport,
    owner: str,
    message: str,
    retry_after: timedelta | None,
) -> PollReport:
    source = report.source
    assert source.id is not None
    now = datetime.now(UTC)
    wait = backoff(source.interval_minutes, source.failures + 1, retry_after)
    store.record_source_failure(source.id, owner, now, now + wait, message, report.taken)
    report.status = "failed"
    report.error = message
    return report


def _crashed(store: Store, source_id: int, owner: str, exc: Exception) -> PollReport | None:
    """Record an unexpected error on the source when the store still answers."""
    message = f"internal error: {type(exc).__name__}: {exc}".splitlines()[0][:500]
    try:
        source = store.source(source_id)
        if source is None:
            return None
        report = PollReport(source)
        return _failed(store, report, owner, message, None)
    except Exception:
        log.exception("ingest: could not record the failure of source %s", source_id)
        return None


def summary(reports: Sequence[PollReport]) -> dict[str, int]:
    """Totals over a set of polls."""
    return {
        "sources": len(reports),
        "failed": sum(1 for r in reports if r.status == "failed"),
        "not_modified": sum(1 for r in reports if r.status == "not_modified"),
        "created": sum(r.created for r in reports),
        "updated": sum(r.updated for r in reports),
        "alternates": sum(r.alternates for r in reports),
        "unchanged": sum(r.unchanged for r in reports),
        "published": sum(len(r.published) for r in reports),
        "skipped_items": sum(len(r.problems) for r in reports),
    }
