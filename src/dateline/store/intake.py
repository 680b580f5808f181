"""Queries for what ingest takes in: items by identity, alternates, and text fingerprints.

Every item an ingest took is a row of ``ingest_items`` keyed by its identity (``uid``):
the article it became (role ``primary``), the article it is a copy of (``alternate``), or
the article of the same page under another identity (``alias``).
Ingested articles keep a MinHash signature and its LSH band keys, so a copy of a story
that arrived from another source is found with one indexed lookup.

``take`` is the whole decision for one item, inside the caller's transaction, so an item
is stored all or nothing and two processes never both create one story: on PostgreSQL it
first takes a transaction-scoped advisory lock (SQLite's writes are serialised already).
``take_many`` takes a feed's items in one transaction, each inside a savepoint of its own:
a refused item (``InvalidItem``, ``ValueError``) is rolled back alone and the others kept.

The statements of this path are built once, at import, and executed with parameters:
building a SQLAlchemy statement anew for each item cost more than running it. The hot ones
run on the driver's cursor (``store.direct``), with the values SQLAlchemy would send, and
the authors and topics of a batch are looked up once for the batch (``taxonomy.Names``).
On PostgreSQL, where each statement is a round trip, what is known of a batch's items and
the copy lookups of its new ones are one statement each for the batch (``_Known``), the
ids of its new rows are drawn ahead (``store.keys``), and its writes are sent without
waiting for each one's result (``store.pipeline``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Select,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY

from dateline.model import Article, InvalidItem, Status
from dateline.store import arrival
from dateline.store.articles import (
    free_slug,
    insert_article,
    replace_content,
    require_section,
    save_article,
)
from dateline.store.direct import Direct
from dateline.store.keys import Keys
from dateline.store.pipeline import Pipeline
from dateline.store.postgres import integer_array
from dateline.store.schema import article_bands as bands
from dateline.store.schema import article_fingerprints as fingerprints
from dateline.store.schema import articles
from dateline.store.schema import ingest_items as items
from dateline.store.taxonomy import Names, ensure_authors, ensure_topics

INGEST_LOCK = 0x64617465  # the advisory lock key of ingest writes ("date")
PRIMARY = "primary"
ALTERNATE = "alternate"
ALIAS = "alias"  # the same page (same URL) under another identity
COPY_WINDOW = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """An article text's MinHash signature (bytes) and its LSH band keys (signed 64-bit)."""

    signature: bytes
    keys: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class TakeResult:
    """What taking one item did: ``created``, ``updated``, ``unchanged`` or ``alternate``."""

    article_id: int
    outcome: str


@dataclass(frozen=True, slots=True)
class Alternate:
    """Another publisher's copy of an article's story."""

    uid: str
    url: str
    publisher: str
    headline: str
    published_at: datetime | None


@dataclass(frozen=True, slots=True)
class Incoming:
    """One item to take: its draft article and its text's fingerprint (``None``: too
    short to judge); ``body_text``, the article's ``plain_text`` when the caller has it
    already (``None``: worked out when needed)."""

    article: Article
    fingerprint: Fingerprint | None
    body_text: str | None = None


# the ingest lock, and no JIT compilation for the rest of the transaction: the batch's
# lookups (``_KNOWN_MANY``, ``_COPIES_MANY``) read a few index entries an item, but a young
# database's planner, without statistics, can cost them high enough to compile them first
# (120 ms, measured, for a lookup that reads in 5)
_ADVISORY_LOCK = text("SELECT pg_advisory_xact_lock(:key), set_config('jit', 'off', true)")


def _what_is_known(uid: Any, url: Any, slug: Any) -> list[Any]:
    """What is known of an incoming item with this identity, URL and slug: the item by
    its identity (its article and role), an article with that identity, an item of the
    same page (URL), and an article with the slug it would get."""
    return [
        select(items.c.article_id).where(items.c.uid == uid).scalar_subquery(),
        select(items.c.role).where(items.c.uid == uid).scalar_subquery(),
        select(articles.c.id).where(articles.c.uid == uid).scalar_subquery(),
        select(items.c.article_id).where(items.c.url == url).limit(1).scalar_subquery(),
        select(articles.c.id).where(articles.c.slug == slug).scalar_subquery(),
    ]


# one incoming item's, in one round trip
_KNOWN = Direct(select(*_what_is_known(bindparam("uid"), bindparam("url"), bindparam("slug"))))


def _known_many_statement() -> Select[Any]:
    """``_KNOWN`` for a list of items at once (PostgreSQL): the identities, URLs and slugs
    travel as three arrays and each row answers the item at its ``position``."""
    wanted = (
        func.unnest(
            bindparam("uids", type_=ARRAY(items.c.uid.type)),
            bindparam("urls", type_=ARRAY(items.c.url.type)),
            bindparam("slugs", type_=ARRAY(articles.c.slug.type)),
        )
        .table_valued("uid", "url", "slug", with_ordinality="position")
        .render_derived("wanted")
    )
    return (
        select(*_what_is_known(wanted.c.uid, wanted.c.url, wanted.c.slug))
        .select_from(wanted)
        .order_by(wanted.c.position)
    )


_KNOWN_MANY = Direct(_known_many_statement())
# ``_copy_query`` for several items at once (PostgreSQL): each band key travels with the
# position of its item, each item with its window (none without a publication time); the
# rows are each item's candidates, ranked as that query ranks them, by position and id
_COPIES_MANY = text(
    """
WITH wanted AS MATERIALIZED (
    SELECT w.position, w.key
    FROM unnest(CAST(:positions AS integer[]), CAST(:keys AS bigint[])) AS w(position, key)
), hits AS MATERIALIZED (
    SELECT wanted.position, band.article_id, count(*) AS shared
    FROM wanted CROSS JOIN LATERAL (
        SELECT article_bands.article_id FROM article_bands
        WHERE article_bands.key = wanted.key OFFSET 0
    ) AS band
    GROUP BY wanted.position, band.article_id
), windows AS (
    SELECT x.position, x.earliest, x.latest
    FROM unnest(
        CAST(:items AS integer[]),
        CAST(:earliest AS timestamptz[]),
        CAST(:latest AS timestamptz[])
    ) AS x(position, earliest, latest)
), ranked AS (
    SELECT hits.position, hits.article_id, row_number() OVER (
        PARTITION BY hits.position ORDER BY hits.shared DESC, hits.article_id
    ) AS rank
    FROM hits
    JOIN windows ON windows.position = hits.position
    LEFT JOIN LATERAL (
        SELECT articles.published_at FROM articles WHERE articles.id = hits.article_id OFFSET 0
    ) AS article ON true
    WHERE windows.earliest IS NULL
        OR article.published_at IS NULL
        OR article.published_at BETWEEN windows.earliest AND windows.latest
)
SELECT ranked.position, mark.article_id, mark.signature
FROM ranked CROSS JOIN LATERAL (
    SELECT article_fingerprints.article_id, article_fingerprints.signature
    FROM article_fingerprints WHERE article_fingerprints.article_id = ranked.article_id OFFSET 0
) AS mark
WHERE ranked.rank <= :limit
ORDER BY ranked.position, mark.article_id
"""
)
COPY_CANDIDATES = 50  # the articles sharing most band keys with an item, judged in id order
_INSERT_ITEM = Direct(
    insert(items),
    columns=(
        "uid",
        "article_id",
        "source_id",
        "role",
        "url",
        "publisher",
        "headline",
        "published_at",
        "seen_at",
    ),
)
_INSERT_FINGERPRINT = Direct(insert(fingerprints), columns=("article_id", "signature", "band_keys"))
# its band rows go with it, by the trigger of migrations 0013 and 0017
_DELETE_FINGERPRINT = Direct(
    delete(fingerprints).where(fingerprints.c.article_id == bindparam("article_id"))
)


def _lock(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(_ADVISORY_LOCK, {"key": INGEST_LOCK})


def _record(
    conn: Connection,
    article: Article,
    article_id: int,
    role: str,
    source_id: int | None,
    now: datetime,
) -> None:
    _INSERT_ITEM.execute(
        conn,
        {
            "uid": article.uid,
            "article_id": article_id,
            "source_id": source_id,
            "role": role,
            "url": article.canonical_url,
            "publisher": article.source.publisher,
            "headline": article.headline,
            "published_at": article.published_at,
            "seen_at": now,
        },
    )


def _save_fingerprint(
    conn: Connection, article_id: int, fingerprint: Fingerprint | None, *, fresh: bool = False
) -> None:
    """Replace the article's fingerprint (``fresh``: a new article, which has none yet)."""
    if not fresh:
        _DELETE_FINGERPRINT.execute(conn, {"article_id": article_id})
    if fingerprint is None:
        return
    keys = sorted(set(fingerprint.keys))
    _INSERT_FINGERPRINT.execute(
        conn, {"article_id": article_id, "signature": fingerprint.signature, "band_keys": keys}
    )
    if not keys:
        return
    if conn.dialect.name == "sqlite":  # one statement prepared once, run for each row
        _INSERT_BAND.run_many(conn, [{"key": k, "article_id": article_id} for k in keys])
        return
    _band_rows(len(keys)).execute(
        conn, {f"key_m{n}": k for n, k in enumerate(keys)} | {"article_id": article_id}
    )


_INSERT_BAND = Direct(insert(bands), columns=("key", "article_id"))
_BAND_ROWS: dict[int, Direct] = {}


def _band_rows(count: int) -> Direct:
    """One INSERT of ``count`` band rows of one article (built once for each count: nearly
    always ``BANDS``), for PostgreSQL, where an executemany would run row by row. SQLite
    runs the one-row statement for each row instead, which measured cheaper there
    (0.11-0.15 ms against 0.20-0.24 ms for 42 rows)."""
    found = _BAND_ROWS.get(count)
    if found is None:
        rows: list[dict[str, Any]] = [
            {"key": bindparam(f"key_m{n}"), "article_id": bindparam("article_id")}
            for n in range(count)
        ]
        found = _BAND_ROWS[count] = Direct(insert(bands).values(rows))
    return found


def _copy_query(windowed: bool) -> Select[Any]:
    """The stored fingerprints sharing a band key (``:keys``) with an item's, of the 50
    articles sharing most; ``windowed``: only of articles published between ``:earliest``
    and ``:latest`` (or with no publication time).

    The rows of the keys are found first, through the bands' index by key (the primary
    key on SQLite, a hash index on PostgreSQL: migration 0018), and only then
    joined to their articles: on PostgreSQL the common table expression is materialized,
    since a planner without statistics (a young database) would otherwise start from
    every article in the window and read its bands, a cost that grows with the archive.
    """
    hits = (
        select(bands.c.article_id)
        .where(bands.c.key.in_(bindparam("keys", expanding=True)))
        .cte("band_hits")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    query = select(hits.c.article_id)
    if windowed:
        query = query.join(articles, articles.c.id == hits.c.article_id).where(
            or_(
                articles.c.published_at.is_(None),
                articles.c.published_at.between(bindparam("earliest"), bindparam("latest")),
            )
        )
    candidates = (
        query.group_by(hits.c.article_id)
        .order_by(func.count().desc(), hits.c.article_id)
        .limit(COPY_CANDIDATES)
        .subquery()
    )
    return (
        select(fingerprints.c.article_id, fingerprints.c.signature)
        .where(fingerprints.c.article_id.in_(select(candidates.c.article_id)))
        .order_by(fingerprints.c.article_id)
    )


_COPIES = Direct(_copy_query(windowed=False), expanding="keys")
_COPIES_IN_WINDOW = Direct(_copy_query(windowed=True), expanding="keys")


def _copy_of(
    conn: Connection,
    fingerprint: Fingerprint,
    same_story: Callable[[bytes, bytes], bool],
    published_at: datetime | None,
) -> int | None:
    """The article whose stored fingerprint marks it as the same story, oldest first.

    Only articles published within ``COPY_WINDOW`` of the item are candidates: syndicated
    copies of one story run within days, while a weekly report written from the same
    template months later is a story of its own.
    """
    keys = list(fingerprint.keys)
    if published_at is None:
        rows = _COPIES.all(conn, {"keys": keys})
    else:
        rows = _COPIES_IN_WINDOW.all(
            conn,
            {
                "keys": keys,
                "earliest": published_at - COPY_WINDOW,
                "latest": published_at + COPY_WINDOW,
            },
        )
    for article_id, signature in rows:
        if same_story(fingerprint.signature, bytes(signature)):
            return int(article_id)
    return None


def take_many(
    conn: Connection,
    incoming: Sequence[Incoming],
    source_id: int | None,
    now: datetime,
    same_story: Callable[[bytes, bytes], bool],
    budget_s: float = 0.25,
) -> tuple[list[TakeResult | str], Exception | None]:
    """Take several items in the caller's transaction, each all or nothing.

    Returns each item's result, or the reason it was not stored (``InvalidItem`` or
    ``ValueError``: that item is rolled back, the others go on). Any other error stops
    the batch and is returned with the results of the items before it, so that the
    caller can keep those (commit) before raising it: a fault loses no item it did not
    touch. Items are taken while the batch has run for less than ``budget_s`` seconds
    (at least one): the results may cover only the first items, and the caller takes the
    rest in another transaction, so that no other writer waits long on the write lock.

    The items are first taken under one savepoint; only when one of them fails is that
    undone and the batch taken again with a savepoint for each item (two statements an
    item that a batch without errors does not pay). On PostgreSQL the first attempt sends
    its writes in a pipeline (``store.pipeline``), where a failed statement's error is
    raised at a later item's read: the attempt item by item, which sends each statement
    alone, tells which item it was.
    """
    _lock(conn)
    deadline = time.monotonic() + budget_s
    results: list[TakeResult | str] = []
    known: _Known | None = None
    sending: AbstractContextManager[Any] = nullcontext()
    if conn.dialect.name == "postgresql":
        # each statement is a round trip: the batch's lookups are one statement each, the
        # new rows' ids are drawn ahead, and the writes are sent without waiting
        keys = Keys()
        names = _names_of(conn, incoming, keys)
        known = _Known(conn, incoming, keys)
        keys.draw(conn, {"articles": known.new, **names.absent()})
        sending = Pipeline(conn)
    else:  # SQLite's statements are in-process calls: each item's lookups when it is taken
        names = _names_of(conn, incoming)
    try:
        with conn.begin_nested(), sending:
            for position, one in enumerate(incoming):
                result = _take(conn, one, source_id, now, same_story, names, known, position)
                if known is not None:
                    known.taken(one.article)
                results.append(result)
                if time.monotonic() >= deadline:
                    break
    except Exception:  # undone: taken again one by one, which tells the item and the error
        return _take_each(conn, incoming[: len(results) + 1], source_id, now, same_story)
    return results, None


class _Known:
    """What is known of each item of a batch, looked up for the whole batch at once.

    On PostgreSQL each item's ``_KNOWN`` lookup was a round trip of its own; here one
    statement answers the batch before its first item is taken. An answer stays true
    while the items taken before it wrote nothing it reads: an earlier item of the batch
    with the same identity, URL or slug family makes the item be looked up again. Only one
    step writes rows that other identities lead to (an original taking its article over
    from a copy stored before: the copy's item becomes an alternate's, the article's
    identity changes); after it every later item is looked up on its own. A newer version
    keeps its article's slug and identity, so it changes no other item's answer.

    The copy lookup (``_copy_of``) of every item the answers say is new is one statement
    too (``_COPIES_MANY``, which probes the band index key by key as the single lookup
    does); the articles the batch's earlier items create are matched here, in memory, by
    the same rule (a shared band key, the window, ``same_story`` in id order). A newer
    version or a taking over moves stored band keys; after either, each later item looks
    for its copies alone. The one difference from looking up item by item: an item with
    more than ``COPY_CANDIDATES`` stored candidates also has the batch's own judged.
    """

    __slots__ = (
        "_rows",
        "_identities",
        "_slugs",
        "_stale",
        "_candidates",
        "_new",
        "_moved",
        "_keys",
        "new",
    )

    def __init__(self, conn: Connection, incoming: Sequence[Incoming], keys: Keys) -> None:
        self._identities: set[str] = set()  # uids and URLs the batch's items wrote
        self._slugs: set[str] = set()  # the slugs (families) they took
        self._stale = False
        # the stored articles that may be each item's original (by position), the batch's
        # new articles with a fingerprint, and whether an item moved stored band keys
        self._candidates: dict[int, list[tuple[int, bytes]]] = {}
        self._new: dict[int, list[tuple[int, datetime | None, bytes]]] = {}  # by band key
        self._moved = False
        self._keys = keys  # the ids of the new articles, drawn ahead
        wanted = [one.article for one in incoming]
        self._rows: list[tuple[Any, ...]] = _KNOWN_MANY.all(
            conn,
            {
                "uids": [a.uid for a in wanted],
                "urls": [a.canonical_url for a in wanted],
                "slugs": [a.slug for a in wanted],
            },
        )
        # how many items the answers say are new: the new articles the batch may create
        self.new = sum(1 for row in self._rows if row[0] is None and row[2] is None)
        self._look_for_copies(conn, incoming)

    def _look_for_copies(self, conn: Connection, incoming: Sequence[Incoming]) -> None:
        """The copy lookup (``_copy_of``) of every item the batch's answers say is new, in
        one statement."""
        positions: list[int] = []
        keys: list[int] = []
        items_: list[int] = []
        earliest: list[datetime | None] = []
        latest: list[datetime | None] = []
        for position, (one, row) in enumerate(zip(incoming, self._rows, strict=True)):
            known_article, _, stored, same_page, _ = row
            if one.fingerprint is None or known_article is not None or stored is not None:
                continue
            if one.article.canonical_url and same_page is not None:
                continue
            distinct = sorted(set(one.fingerprint.keys))
            positions += [position] * len(distinct)
            keys += distinct
            when = one.article.published_at
            items_.append(position)
            earliest.append(None if when is None else when - COPY_WINDOW)
            latest.append(None if when is None else when + COPY_WINDOW)
            self._candidates[position] = []
        if not items_:
            return
        found = conn.execute(
            _COPIES_MANY,
            {
                "positions": integer_array(positions),
                "keys": integer_array(keys),
                "items": integer_array(items_),
                "earliest": earliest,
                "latest": latest,
                "limit": COPY_CANDIDATES,
            },
        )
        for position, article_id, signature in found:
            self._candidates[int(position)].append((int(article_id), bytes(signature)))

    def copy_of(
        self,
        conn: Connection,
        position: int,
        fingerprint: Fingerprint,
        same_story: Callable[[bytes, bytes], bool],
        published_at: datetime | None,
    ) -> int | None:
        """``_copy_of`` for the batch's item at ``position``: the stored candidates found
        for the batch, and the articles the batch's earlier items created (found here, by
        their band keys and window). Looked up alone when the batch has no answer for the
        item, or an earlier item moved stored band keys (a newer version's fingerprint,
        an original's taking over)."""
        stored = self._candidates.get(position)
        if stored is None or self._moved:
            return _copy_of(conn, fingerprint, same_story, published_at)
        sharing = {new[0]: new for key in fingerprint.keys for new in self._new.get(key, ())}
        fresh = [
            (article_id, signature)
            for article_id, when, signature in sorted(sharing.values())
            if _in_window(when, published_at)
        ]
        for article_id, signature in stored + fresh:  # in id order: the batch's are newer
            if same_story(fingerprint.signature, signature):
                return article_id
        return None

    def created(self, article_id: int, article: Article, fingerprint: Fingerprint | None) -> None:
        """Note a new article of the batch, a candidate original for the items after it."""
        if fingerprint is not None:
            new = (article_id, article.published_at, fingerprint.signature)
            for key in set(fingerprint.keys):
                self._new.setdefault(key, []).append(new)

    def new_id(self, conn: Connection) -> int:
        """The id of the batch's next new article."""
        return self._keys.take(conn, "articles")

    def moved(self) -> None:
        """Note that stored band keys changed: later items look for copies alone."""
        self._moved = True

    def of(self, conn: Connection, position: int, article: Article) -> tuple[Any, ...]:
        """The ``_KNOWN`` row of the batch's item at ``position``."""
        if not self._stale and not self._touched(article):
            return self._rows[position]
        return _known_of(conn, article)

    def _touched(self, article: Article) -> bool:
        if article.uid in self._identities or article.canonical_url in self._identities:
            return True
        family = article.slug.rsplit("-", 1)
        return article.slug in self._slugs or (
            len(family) == 2 and family[1].isdigit() and family[0] in self._slugs
        )

    def taken(self, article: Article) -> None:
        """Note what taking ``article`` may have written."""
        self._identities.add(article.uid)
        if article.canonical_url:
            self._identities.add(article.canonical_url)
        self._slugs.add(article.slug)

    def stale(self) -> None:
        """Stored rows of other items changed: look every later item up on its own."""
        self._stale = True
        self._moved = True


def _known_of(conn: Connection, article: Article) -> tuple[Any, ...]:
    """The ``_KNOWN`` row of one incoming item."""
    row = _KNOWN.first(
        conn, {"uid": article.uid, "url": article.canonical_url, "slug": article.slug}
    )
    assert row is not None
    return row


def _in_window(when: datetime | None, published_at: datetime | None) -> bool:
    """Whether an article published ``when`` is in the copy window of an item published
    ``published_at`` (as ``_copy_query`` decides it)."""
    if published_at is None or when is None:
        return True
    return published_at - COPY_WINDOW <= when <= published_at + COPY_WINDOW


def _names_of(conn: Connection, incoming: Sequence[Incoming], keys: Keys | None = None) -> Names:
    """The ids of the batch's authors and topics that are stored: two lookups a batch
    rather than two an item (``keys``: the ids of new ones, drawn ahead)."""
    names = Names(keys)
    names.learn(
        conn,
        (author.slug for one in incoming for author in one.article.bylines),
        (topic.slug for one in incoming for topic in one.article.topics),
    )
    return names


def _take_each(
    conn: Connection,
    incoming: Sequence[Incoming],
    source_id: int | None,
    now: datetime,
    same_story: Callable[[bytes, bytes], bool],
) -> tuple[list[TakeResult | str], Exception | None]:
    """``take_many`` with a savepoint for each item.

    The names of the batch are looked up again (the first attempt's were rolled back), and
    forgotten whenever an item's savepoint is rolled back: what it created is gone.
    """
    results: list[TakeResult | str] = []
    names = _names_of(conn, incoming)
    for one in incoming:
        try:
            with conn.begin_nested():
                results.append(_take(conn, one, source_id, now, same_story, names))
        except (InvalidItem, ValueError) as exc:
            names.forget()
            results.append(str(exc))
        except Exception as exc:  # a fault: the caller keeps the items before it
            return results, exc
    return results, None


def take(
    conn: Connection,
    article: Article,
    fingerprint: Fingerprint | None,
    source_id: int | None,
    now: datetime,
    same_story: Callable[[bytes, bytes], bool],
) -> TakeResult:
    """Store one incoming item (see ``_take``), taking the ingest lock first."""
    _lock(conn)
    return _take(conn, Incoming(article, fingerprint), source_id, now, same_story)


def _take(
    conn: Connection,
    incoming: Incoming,
    source_id: int | None,
    now: datetime,
    same_story: Callable[[bytes, bytes], bool],
    names: Names | None = None,
    known: _Known | None = None,
    position: int = 0,
) -> TakeResult:
    """Store one incoming item: a new article, a newer version, or another's copy.

    1. An identity seen before (this ``uid``, or an article imported with it): a newer
       version updates the article (and its fingerprint), an older one changes nothing;
       an item known as an alternate stays one.
    2. The same page under another id (its canonical URL known): nothing new.
    3. The same story's text already stored from another source: the item becomes an
       alternate of that article; when it was published earlier than the article's
       current original, it becomes the original instead (its identity, text, canonical
       URL and publisher) and the former original an alternate. The page keeps its URL.
    4. Otherwise a new article, with its fingerprint.

    ``names``: the authors and topics the transaction knows (``taxonomy.Names``);
    ``known``: what the batch's lookup found of its items (``_Known``), this one at
    ``position``.
    """
    article, fingerprint, text = incoming.article, incoming.fingerprint, incoming.body_text
    row = _known_of(conn, article) if known is None else known.of(conn, position, article)
    known_article, known_role, stored, same_page, slug_taken = row
    if known_article is not None and known_role in (ALTERNATE, ALIAS):
        return TakeResult(int(known_article), "unchanged")
    if stored is not None:
        result = save_article(conn, article, names, text)
        if known_article is None:
            _record(conn, article, result.article_id, PRIMARY, source_id, now)
        if result.outcome == "updated":
            _save_fingerprint(conn, result.article_id, fingerprint)
            if known is not None:
                known.moved()
        return TakeResult(result.article_id, result.outcome)
    if article.canonical_url and same_page is not None:
        _record(conn, article, int(same_page), ALIAS, source_id, now)
        return TakeResult(int(same_page), "unchanged")
    if fingerprint is not None:
        if known is None:
            original = _copy_of(conn, fingerprint, same_story, article.published_at)
        else:
            original = known.copy_of(conn, position, fingerprint, same_story, article.published_at)
        if original is not None:
            if _earlier(conn, original, article):
                # the original arrived after a copy of it: it takes the article over
                if known is not None:
                    known.stale()  # the copy's item row, now an alternate's
                conn.execute(
                    update(items)
                    .where(items.c.article_id == original, items.c.role == PRIMARY)
                    .values(role=ALTERNATE)
                )
                replace_content(conn, original, article, names, text)
                _record(conn, article, original, PRIMARY, source_id, now)
                _save_fingerprint(conn, original, fingerprint)
            else:
                _record(conn, article, original, ALTERNATE, source_id, now)
            return TakeResult(original, "alternate")
    draft = article if article.status is Status.DRAFT else replace(article, status=Status.DRAFT)
    slug = free_slug(conn, article.slug, taken=slug_taken is not None)
    if conn.dialect.name == "postgresql":  # one statement (``store.arrival``)
        require_section(draft)
        people = (
            ensure_authors(conn, draft.bylines, names),
            ensure_topics(conn, draft.topics, names),
        )
        mark = (fingerprint.signature, fingerprint.keys) if fingerprint is not None else None
        if known is None:
            created = arrival.create(conn, draft, slug, text, people, mark, source_id, now)
        else:  # with its id drawn ahead: sent without waiting (``store.pipeline``)
            created = known.new_id(conn)
            arrival.create(conn, draft, slug, text, people, mark, source_id, now, created)
            known.created(created, article, fingerprint)
        return TakeResult(created, "created")
    result = insert_article(conn, draft, names, text, slug)
    _record(conn, article, result.article_id, PRIMARY, source_id, now)
    _save_fingerprint(conn, result.article_id, fingerprint, fresh=True)
    return TakeResult(result.article_id, result.outcome)


def _earlier(conn: Connection, article_id: int, incoming: Article) -> bool:
    """Whether ``incoming`` was published before the stored syndicated article's item."""
    if incoming.published_at is None:
        return False
    found = _LATER_ORIGINAL.first(
        conn, {"article_id": article_id, "published_at": incoming.published_at}
    )
    return found is not None


# the article's own item, when the article is syndicated and that item was published
# after ``:published_at`` (an item without a time is never later)
_LATER_ORIGINAL = Direct(
    select(items.c.article_id)
    .join(articles, articles.c.id == items.c.article_id)
    .where(
        items.c.article_id == bindparam("article_id"),
        items.c.role == PRIMARY,
        articles.c.source_kind == "syndicated",
        items.c.published_at > bindparam("published_at"),
    )
    .limit(1)
)


def alternates(conn: Connection, article_id: int) -> list[Alternate]:
    """The other publishers' copies recorded for the article, oldest first."""
    rows = conn.execute(
        select(items)
        .where(items.c.article_id == article_id, items.c.role == ALTERNATE)
        .order_by(items.c.published_at, items.c.uid)
    ).mappings()
    return [
        Alternate(r["uid"], r["url"], r["publisher"], r["headline"], r["published_at"])
        for r in rows
    ]


def waiting_publication(conn: Connection, source_ids: Sequence[int]) -> list[int]:
    """Drafts that came from these sources as originals (to publish when they auto-publish)."""
    if not source_ids:
        return []
    rows = conn.execute(
        select(items.c.article_id)
        .join(articles, articles.c.id == items.c.article_id)
        .where(
            items.c.source_id.in_(source_ids),
            items.c.role == PRIMARY,
            articles.c.status == Status.DRAFT.value,
        )
        .order_by(items.c.article_id)
    )
    return [int(r) for r in rows.scalars()]


def review_queue(conn: Connection, limit: int = 100) -> list[int]:
    """Ingested drafts waiting for an editor, newest first."""
    rows = conn.execute(
        select(items.c.article_id)
        .join(articles, articles.c.id == items.c.article_id)
        .where(items.c.role == PRIMARY, articles.c.status == Status.DRAFT.value)
        .order_by(items.c.seen_at.desc(), items.c.article_id.desc())
        .limit(limit)
    )
    return [int(r) for r in rows.scalars()]
