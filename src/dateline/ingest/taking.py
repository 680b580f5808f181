"""Storing a feed's items: each in its section, all or nothing, counted.

``take_items`` stores items of one source's feed (``Store.take_items``: each item in a
savepoint of its own, in transactions of a quarter of a second at most), each in the
section the source's category rules give it, and counts what became of them in a
``Taken``. The polling process calls it for the feeds it read itself.

``read_and_take`` is the same work done in a feed reader process (``ingest.reader``): the
feed read and fingerprinted as ``read_feed`` does, then its items stored from there, on
a store that process opens once (``store_of``). Only the counts travel back to the polling
process, not the parsed items. That takes the store's client work, the Python half of
storing an item, out of the polling process: there it ran in a thread that shared the
interpreter lock with the event loop's fetches and hand-overs, and each round trip to the
database gave that lock up and waited to take it back (on the ingest benchmark on
PostgreSQL, storing took 1.07 ms an item in the polling process against 0.67 ms alone).
The polling process then only fetches, dispatches and records.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from dateline.ingest.formats.syndication import FeedItem
from dateline.ingest.reader import read_feed
from dateline.model import Article, FeedSource, Section
from dateline.model.fingerprint import Mark, same_story
from dateline.model.pickling import by_fields
from dateline.store import Fingerprint, Incoming, Store, open_store

log = logging.getLogger("dateline.ingest")

# items of a feed stored in one call of ``Store.take_items``, which commits them in as many
# transactions of at most a quarter of a second as it takes (so no other writer waits long
# on the write lock: SQLite's busy timeout is 5 s); all that a killed poll can lose
BATCH_ITEMS = 100


@dataclass(slots=True)
class Taken:
    """What storing a feed's items did: counts, the ids of the articles updated (a newer
    version: their related lists follow them once published), and the problems met."""

    created: int = 0
    unchanged: int = 0
    alternates: int = 0
    updated: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@by_fields  # pickled back from the reader processes: see model.pickling
@dataclass(frozen=True, slots=True)
class ReadAndTaken:
    """A feed read and its items stored in a reader process (``read_and_take``).

    ``warnings`` and ``skipped``: the document's, as ``ParsedFeed`` has them; ``entries``:
    how many items it gave; ``fault``: an unexpected error that stopped the storing (the
    items before it are committed), as one line; empty when none.
    """

    warnings: tuple[str, ...]
    skipped: tuple[str, ...]
    entries: int
    taken: Taken
    fault: str = ""


def in_section(
    store: Store,
    source: FeedSource,
    item: FeedItem,
    known: dict[str, Section | None],
    taken: Taken,
) -> Article | None:
    """The item's article in its section by the source's rules (``None``: skipped).

    ``known``: the sections looked up so far, by slug (filled in here)."""
    wanted = source.section_for(item.categories)
    for slug in dict.fromkeys((wanted, source.section)):
        if slug not in known:
            known[slug] = store.section(slug)
        section = known[slug]
        if section is not None:
            if slug != wanted:
                taken.problems.append(
                    f"{item.article.uid}: category rule names unknown section {wanted!r}; "
                    f"put in {slug!r}"
                )
            return replace(item.article, section=section)
    taken.problems.append(f"{item.article.uid}: the source's section {wanted!r} does not exist")
    return None


def take_items(
    store: Store,
    source: FeedSource,
    items: Sequence[tuple[FeedItem, Fingerprint | None, str | None]],
    known: dict[str, Section | None],
    taken: Taken,
) -> None:
    """Store items of the feed, each in its section (see ``take_articles``); each with its
    fingerprint and its body text (``None``: not worked out yet)."""
    chosen = (
        (in_section(store, source, item, known, taken), mark, text) for item, mark, text in items
    )
    take_articles(store, source, [Incoming(a, m, t) for a, m, t in chosen if a is not None], taken)


def take_articles(
    store: Store, source: FeedSource, incoming: Sequence[Incoming], taken: Taken
) -> None:
    """Store articles in one transaction, each all or nothing; a bad one is reported and
    the others go on."""
    if not incoming:
        return
    results = store.take_items(incoming, source.id, datetime.now(UTC), same_story)
    for article, result in zip((i.article for i in incoming), results, strict=True):
        if isinstance(result, str):
            taken.problems.append(f"{article.uid}: not stored: {result}")
        elif result.outcome == "created":
            taken.created += 1
        elif result.outcome == "updated":
            taken.updated.append(result.article_id)
        elif result.outcome == "alternate":
            taken.alternates += 1
        else:
            taken.unchanged += 1


def fingerprint_of(mark: Mark | None) -> Fingerprint | None:
    return Fingerprint(mark[0], mark[1]) if mark is not None else None


# the store of each database this process stores into (a reader process: one, opened once)
_STORES: dict[str, Store] = {}


def store_of(url: str) -> Store:
    """The store at ``url``, opened on the first call in this process (not migrated: the
    polling process that sent the work has done that)."""
    found = _STORES.get(url)
    if found is None:
        found = _STORES[url] = open_store(url, apply_migrations=False)
    return found


def read_and_take(
    data: bytes, url: str, content_type: str, source: FeedSource, store_url: str
) -> ReadAndTaken:
    """Read a fetched feed (``read_feed``) and store its items into the store at
    ``store_url``, in batches of ``BATCH_ITEMS`` (pure but for the store: runs in a reader
    process). A document that gave no item but warnings stores nothing: its poll fails.

    Raises what ``read_feed`` raises (``InvalidItem``: a document that is no feed). An
    unexpected error while storing is returned as ``fault``, not raised: an error of the
    database driver need not survive pickling back to the polling process.
    """
    read = read_feed(data, url, content_type, source.section)
    parsed = read.parsed
    taken = Taken()
    answer = ReadAndTaken(parsed.warnings, parsed.skipped, len(parsed.items), taken)
    if parsed.warnings and not parsed.items:
        return answer
    texts = read.texts or (None,) * len(parsed.items)
    items = [
        (item, fingerprint_of(mark), text)
        for item, mark, text in zip(parsed.items, read.marks, texts, strict=True)
    ]
    sections: dict[str, Section | None] = {}
    try:
        store = store_of(store_url)
        for start in range(0, len(items), BATCH_ITEMS):
            take_items(store, source, items[start : start + BATCH_ITEMS], sections, taken)
    except Exception as exc:  # a fault: the items before it are committed
        log.exception("ingest: storing the items of %s failed", url)
        message = f"internal error: {type(exc).__name__}: {exc}".splitlines()[0][:500]
        return replace(answer, fault=message)
    return answer
