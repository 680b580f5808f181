"""The page cache: rendered public pages kept in memory, purged by what they show.

``PageCache`` holds the bytes of public answers (pages, feeds, sitemaps, the JSON API)
with their headers, and their gzip and brotli forms, made once on first demand.
``PageCacheMiddleware`` sits outside everything else: a GET or HEAD it can answer from
memory costs a dictionary lookup and two ASGI messages, and a conditional request whose
``If-None-Match`` names the entry gets its ``304`` without rendering.

What may be kept: a ``200`` answer to a GET outside ``/newsroom``, sent in one piece,
``Cache-Control: public``, without ``Set-Cookie``. Entries are found by path and query
string, without the tracking parameters of shared links (``utm_*``, ``fbclid``...). A
reader with a chosen weather city (``dateline_city`` cookie) or a request with
``Authorization`` is always rendered.

Keeping it right:

- Each entry carries the surrogate keys its view recorded (``dateline.web.surrogate``).
  Before answering from memory the cache reads the store's purge feed
  (``Store.purge_feed``): the changes committed since its last look, by any process on
  the store. It turns them into keys (``surrogate.keys_for_purges``) and drops every entry
  holding one. A change whose commit has returned is never served stale afterwards in
  this process; other processes hear of it through the same feed (SQLite's data version,
  PostgreSQL's ``NOTIFY``), at their next request or within ``SYNC_EVERY`` seconds.
- A render that began before a purge is not kept (the generation counter moved): it may
  have read the old rows.
- Parts with their own clock keep their rules: a view records ``fresh_until`` (the
  weather widget's ``valid_until``), and the entry is dropped at that time. Every entry
  also goes after ``TTL`` seconds, as a bound on anything no purge names.
- Concurrent misses on one address wait for the first render instead of all rendering
  (a breaking story right after its publish purged it).
- The bytes are bounded (``DATELINE_PAGE_CACHE_MB``), least recently used out first.

The answer carries ``X-Cache: hit`` or ``miss`` (``bypass`` when not cacheable).

With page files (``DATELINE_PAGE_FILES``, ``web.pagefiles``), what is kept is also
written to disk for nginx to send, purged by the same feed; the feed is then read every
``FILES_SYNC_EVERY`` seconds, and before the answer to any write request goes out.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import logging
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import brotli
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dateline.model import Scope as PurgeScope
from dateline.store import PurgeFeed, Store
from dateline.weather.cache import CITY_COOKIE
from dateline.web import surrogate
from dateline.web.caching import KEPT_ON_304, PRIVATE_AREA, etag_matches
from dateline.web.pagefiles import BUCKET_SECONDS, NGINX_SENDS, PageFile, PageFiles, bucket_of

log = logging.getLogger("dateline.web")

TTL = 300.0  # seconds an entry lives at most, purged or not
SYNC_EVERY = 1.0  # seconds between looks at the purge feed when no request comes
# with page files, nginx answers hits without asking: the feed is read this often instead
# (a look costs about 15 microseconds when nothing changed)
FILES_SYNC_EVERY = 0.005
PRUNE_EVERY = 600.0  # seconds between trims of the store's purge log
PURGE_LOG_KEEP = 10_000  # rows of the purge log kept: a process further behind starts over
MIN_COMPRESS = 512  # bytes: smaller bodies are sent as they are
BROTLI_QUALITY = 5  # made on a miss, so fast; about gzip -9's size
GZIP_LEVEL = 6
COMPRESSIBLE = (
    b"text/",
    b"application/json",
    b"application/xml",
    b"application/rss+xml",
    b"application/atom+xml",
    b"application/feed+json",
    b"image/svg+xml",
)
# Query parameters that only tell analytics where a click came from (see ``untracked``).
TRACKING = frozenset(
    {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "twclid", "igshid", "mc_cid"}
    | {"mc_eid", "_ga", "_gl", "yclid", "ttclid", "li_fat_id", "s_cid", "ocid"}
)
IDENTITY, GZIP, BROTLI = "identity", "gzip", "br"
_SUFFIX = {GZIP: "-gz", BROTLI: "-br"}
_CITY = CITY_COOKIE.encode("latin-1") + b"="
_KEPT = {name.encode("latin-1") for name in KEPT_ON_304}
_REPLACED = {b"content-length", b"etag", b"content-encoding"}


@dataclass(slots=True)
class Variant:
    """One encoding of an entry: its full response headers and body."""

    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: str


@dataclass(slots=True)
class Entry:
    """A kept answer: its headers (without length, ETag and encoding) and variants."""

    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: str
    keys: frozenset[str]
    expires: float  # time.monotonic()
    compressible: bool
    variants: dict[str, Variant] = field(default_factory=dict)
    size: int = 0
    made: float = 0.0  # Unix time: its Last-Modified, else when it was rendered
    clocked: bool = False  # True when a part's own clock (fresh_until) ends it before TTL
    filed: int = -1  # the page-files bucket it was last written into
    fileable: bool = True  # False once page files said no

    def variant(self, encoding: str) -> Variant:
        """The entry in ``encoding``, made now if it was never asked for."""
        found = self.variants.get(encoding)
        if found is not None:
            return found
        if encoding == IDENTITY:
            body, etag = self.body, self.etag
        else:
            body = _compress(self.body, encoding)
            etag = self.etag[:-1] + _SUFFIX[encoding] + '"' if self.etag else ""
        headers = [*self.headers, (b"content-length", str(len(body)).encode())]
        if etag:
            headers.append((b"etag", etag.encode("latin-1")))
        if encoding != IDENTITY:
            headers.append((b"content-encoding", encoding.encode()))
        made = Variant(headers, body, etag)
        self.variants[encoding] = made
        if encoding != IDENTITY:  # the identity variant shares ``body``
            self.size += len(body)
        return made


def _compress(body: bytes, encoding: str) -> bytes:
    if encoding == BROTLI:
        return bytes(brotli.compress(body, quality=BROTLI_QUALITY))
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)


def accepted_encoding(header: str) -> str:
    """The best encoding ``Accept-Encoding`` allows: br, then gzip, else identity."""
    allowed: dict[str, float] = {}
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        q = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                q = float(params[2:])
            except ValueError:
                q = 0.0
        allowed[name.strip().lower()] = q
    star = allowed.get("*", 0.0)
    for encoding in (BROTLI, GZIP):
        if allowed.get(encoding, star) > 0:
            return encoding
    return IDENTITY


def untracked(query: bytes) -> str:
    """The query string without the tracking parameters links carry (``utm_*``, ``fbclid``...).

    A story shared on social networks arrives with a different ``fbclid`` on every click:
    without this, a breaking story's readers would each miss the cache. No view reads them.
    """
    if not query:
        return ""
    text = query.decode("latin-1")
    kept = [
        part for part in text.split("&") if part and not _tracking(part.partition("=")[0].lower())
    ]
    return "&".join(kept)


def _tracking(name: str) -> bool:
    return name.startswith("utm_") or name in TRACKING


class PageCache:
    """The entries, their keys and the purge feed; one per server process."""

    def __init__(self, store: Store, max_bytes: int, files: PageFiles | None = None) -> None:
        self.store = store
        self.files = files
        self.max_bytes = max_bytes
        self.entries: OrderedDict[str, Entry] = OrderedDict()
        self.by_key: dict[str, set[str]] = {}
        self.size = 0
        self.generation = 0  # moves whenever anything is purged
        self.feed: PurgeFeed | None = None
        self.encodings: dict[str, str] = {}  # Accept-Encoding values seen, and their choice

    # the feed
    def sync(self) -> None:
        """Apply the purges committed since the last look (by any process)."""
        if self.feed is None:
            self.feed = self.store.purge_feed()
        found = self.feed.take()
        if found is None:
            self.clear()
            return
        if not found:
            return
        ids = [
            p.article_id
            for p in found
            if p.scope is PurgeScope.LISTING and p.article_id is not None
        ]
        listings = {item.article_id: item for item in self.store.listings(ids)} if ids else {}
        keys = surrogate.keys_for_purges(found, listings)
        if keys is None:
            self.clear()
        else:
            self.purge(keys)

    async def keep_in_step(self) -> None:
        """Apply purges every ``SYNC_EVERY`` seconds (``FILES_SYNC_EVERY`` with page files),
        remove page-file buckets past, and trim the store's log now and then."""
        pruned = tidied = time.monotonic()
        every = SYNC_EVERY if self.files is None else FILES_SYNC_EVERY
        while True:
            await asyncio.sleep(every)
            try:
                self.sync()
                if self.files is not None and time.monotonic() - tidied > BUCKET_SECONDS / 4:
                    tidied = time.monotonic()
                    self.files.tidy()
                if time.monotonic() - pruned > PRUNE_EVERY:
                    pruned = time.monotonic()
                    await asyncio.to_thread(self.store.prune_page_purges, PURGE_LOG_KEEP)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("page cache: applying purges failed; starting over")
                self.clear()

    def close(self) -> None:
        if self.feed is not None:
            self.feed.close()
            self.feed = None

    # the entries
    def get(self, address: str) -> Entry | None:
        entry = self.entries.get(address)
        if entry is None:
            return None
        if entry.expires <= time.monotonic():
            self._drop(address)
            return None
        self.entries.move_to_end(address)
        return entry

    def put(self, address: str, entry: Entry) -> None:
        if address in self.entries:
            self._drop(address)
        entry.size = len(entry.body) + sum(
            len(v.body) for name, v in entry.variants.items() if name != IDENTITY
        )
        self.entries[address] = entry
        self.size += entry.size
        for key in entry.keys:
            self.by_key.setdefault(key, set()).add(address)
        self.trim()

    def grew(self, entry: Entry, before: int) -> None:
        """Count the bytes a new variant of ``entry`` added."""
        self.size += entry.size - before
        self.trim()

    def trim(self) -> None:
        while self.size > self.max_bytes and self.entries:
            self._drop(next(iter(self.entries)))

    def purge(self, keys: Iterable[str]) -> int:
        """Drop every entry holding one of ``keys`` (and its page files); how many went."""
        keys = tuple(keys)
        self.generation += 1
        dropped = 0
        for key in keys:
            for address in self.by_key.pop(key, ()):
                if address in self.entries:
                    self._drop(address)
                    dropped += 1
        if self.files is not None:
            self.files.purge(keys)
        return dropped

    def clear(self) -> None:
        self.generation += 1
        self.entries.clear()
        self.by_key.clear()
        self.size = 0
        if self.files is not None:
            self.files.clear()

    def file(self, path: str, entry: Entry) -> None:
        """Write ``entry`` (kept for ``path`` with no query) to the page files, once a bucket.

        Then read the feed again: a purge committed while writing is applied here, and
        finds the page's markers (``web.pagefiles``).
        """
        files = self.files
        if files is None or not entry.fileable or entry.filed == bucket_of(time.time()):
            return
        content_type = b""
        for key, value in entry.headers:
            if key not in NGINX_SENDS or (key == b"cache-control" and value != files.cache_control):
                entry.fileable = False  # a header nginx would not send the same
                return
            if key == b"content-type":
                content_type = value
        now = time.time()
        good_until = now + entry.expires - time.monotonic()
        if good_until < (bucket_of(now) + 1) * BUCKET_SECONDS:
            if entry.clocked:
                entry.fileable = False  # until the weather refresh purges it
            else:
                # near the end of its TTL: rendered afresh, the next reader's page is filed
                self._drop(path + "?")
            return
        encoded = {}
        if entry.compressible:
            for encoding in (GZIP, BROTLI):
                if encoding not in entry.variants:
                    before = entry.size
                    entry.variant(encoding)
                    self.grew(entry, before)
                encoded[encoding] = entry.variants[encoding].body
        page = PageFile(
            path=path,
            content_type=content_type,
            body=entry.body,
            encoded=encoded,
            keys=entry.keys,
            good_until=good_until,
            modified=entry.made,
        )
        try:
            written = files.write(page, now)
        except OSError as exc:  # a full or read-only disk: tried again in the next bucket
            log.warning("page files: could not write %s: %s", path, exc)
            entry.filed = bucket_of(now)
            return
        if written is None:  # a path or type nginx cannot take, or a short clock
            entry.fileable = False
            return
        entry.filed = written
        self.sync()

    def _drop(self, address: str) -> None:
        entry = self.entries.pop(address)
        self.size -= entry.size
        for key in entry.keys:
            holders = self.by_key.get(key)
            if holders is not None:
                holders.discard(address)
                if not holders:
                    del self.by_key[key]

    def encoding_for(self, accept: str) -> str:
        found = self.encodings.get(accept)
        if found is None:
            found = accepted_encoding(accept)
            if len(self.encodings) < 256:
                self.encodings[accept] = found
        return found


class _Request:
    """What the cache reads of one request's headers, in one pass."""

    __slots__ = ("accept", "bypass", "if_none_match")

    def __init__(self, scope: Scope) -> None:
        self.accept = ""
        self.if_none_match = ""
        self.bypass = False
        for key, value in scope["headers"]:
            if key == b"accept-encoding":
                self.accept = value.decode("latin-1")
            elif key == b"if-none-match":
                self.if_none_match = value.decode("latin-1")
            elif key == b"cookie":
                self.bypass = self.bypass or _CITY in value
            elif key == b"authorization":
                self.bypass = True


class PageCacheMiddleware:
    """Answer what ``cache`` holds; keep what may be kept (see the module docstring)."""

    def __init__(self, app: ASGIApp, cache: PageCache | None = None) -> None:
        self.app = app
        self.cache = cache
        self.inflight: dict[str, asyncio.Future[Entry | None]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        cache = self.cache
        if (
            cache is None
            or scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or scope["path"].startswith(PRIVATE_AREA)
            or scope["path"].startswith("/static/")
        ):
            if (
                cache is not None
                and cache.files is not None
                and scope["type"] == "http"
                and scope["method"] not in ("GET", "HEAD")
            ):
                send = _synced(send, cache)  # nginx will not ask before sending a page
            await self.app(scope, receive, send)
            return
        request = _Request(scope)
        if request.bypass:
            await self.app(scope, receive, _marked(send, b"bypass"))
            return
        cache.sync()
        address = scope["path"] + "?" + untracked(scope["query_string"])
        entry = cache.get(address)
        if entry is None and scope["method"] == "GET":
            waiting = self.inflight.get(address)
            if waiting is not None:
                entry = await asyncio.shield(waiting)
            else:
                await self._render(scope, receive, send, address, request)
                return
        if entry is None:  # a HEAD nobody rendered a GET for, or an answer not kept
            await self.app(scope, receive, _marked(send, b"bypass"))
            return
        await self._answer(entry, request, scope, send, b"hit")

    async def _answer(
        self, entry: Entry, request: _Request, scope: Scope, send: Send, how: bytes
    ) -> None:
        assert self.cache is not None
        encoding = self.cache.encoding_for(request.accept) if entry.compressible else IDENTITY
        if encoding not in entry.variants:
            before = entry.size
            entry.variant(encoding)
            self.cache.grew(entry, before)
        variant = entry.variants[encoding]
        if (
            request.if_none_match
            and variant.etag
            and etag_matches(request.if_none_match, variant.etag)
        ):
            kept = [(k, v) for k, v in variant.headers if k in _KEPT]
            await send({"type": "http.response.start", "status": 304, "headers": kept})
            await send({"type": "http.response.body", "body": b""})
            return
        if (
            self.cache.files is not None
            and entry.fileable
            and entry.filed != int(time.time()) // BUCKET_SECONDS
            and not scope["query_string"]
            and self.cache.entries.get(scope["path"] + "?") is entry
        ):
            # before answering: the reader's next request may come at once, through nginx
            self.cache.file(scope["path"], entry)
        headers = [*variant.headers, (b"x-cache", how)]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        body = b"" if scope["method"] == "HEAD" else variant.body
        await send({"type": "http.response.body", "body": body})

    async def _render(
        self, scope: Scope, receive: Receive, send: Send, address: str, request: _Request
    ) -> None:
        """Render a miss; keep and answer it when it may be kept, else pass it on."""
        assert self.cache is not None
        cache = self.cache
        waiting: asyncio.Future[Entry | None] = asyncio.get_running_loop().create_future()
        self.inflight[address] = waiting
        generation = cache.generation
        capture = _Capture(send)
        entry: Entry | None = None
        try:
            inner = dict(scope, state=dict(scope.get("state") or {}))
            await self.app(inner, receive, capture.send)
            if capture.kept is not None:
                entry = _entry_of(capture.kept, inner["state"])
            if entry is not None:
                cache.sync()  # what committed while rendering
                if cache.generation == generation:
                    cache.put(address, entry)
                await self._answer(entry, request, scope, send, b"miss")
            else:
                await capture.release()
        finally:
            del self.inflight[address]
            if not waiting.done():
                waiting.set_result(entry)


@dataclass(slots=True)
class _Kept:
    """A ``200`` answer sent in one piece, as the app sent it."""

    headers: list[tuple[bytes, bytes]]
    body: bytes


class _Capture:
    """Holds an answer sent in one piece; lets a streamed or uncacheable one through."""

    def __init__(self, send: Send) -> None:
        self.downstream = send
        self.start: Message | None = None
        self.kept: _Kept | None = None
        self.held: list[Message] = []
        self.passing = False

    async def send(self, message: Message) -> None:
        if self.passing:
            await self.downstream(message)
            return
        if message["type"] == "http.response.start":
            self.start = message
            return
        if (
            self.start is not None
            and message["type"] == "http.response.body"
            and not message.get("more_body", False)
            and _cacheable(self.start)
        ):
            self.kept = _Kept(list(self.start["headers"]), message["body"])
            self.held.append(message)
            return
        self.passing = True
        if self.start is not None:
            _mark(self.start, b"bypass")
            await self.downstream(self.start)
        await self.downstream(message)

    async def release(self) -> None:
        """Send what was held, as it came (the answer was not kept)."""
        if self.passing or self.start is None:
            return
        _mark(self.start, b"bypass")
        await self.downstream(self.start)
        for message in self.held:
            await self.downstream(message)


def _synced(send: Send, cache: PageCache) -> Send:
    """``send``, reading the purge feed before a response starts (a write's purges)."""

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            try:
                cache.sync()
            except Exception:
                log.exception("page cache: applying purges failed; starting over")
                cache.clear()
        await send(message)

    return wrapped


def _mark(start: Message, how: bytes) -> None:
    """Add the ``X-Cache`` header to a response start."""
    start["headers"] = [*start.get("headers", []), (b"x-cache", how)]


def _marked(send: Send, how: bytes) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            _mark(message, how)
        await send(message)

    return wrapped


def _cacheable(start: Message) -> bool:
    if start["status"] != 200:
        return False
    public = False
    for key, value in start.get("headers", []):
        if key == b"set-cookie":
            return False
        if key == b"cache-control":
            public = value.startswith(b"public")
    return public


def _entry_of(kept: _Kept, state: dict[str, Any]) -> Entry | None:
    headers = [(k, v) for k, v in kept.headers if k not in _REPLACED]
    etag = ""
    compressible = False
    made = time.time()
    for key, value in kept.headers:
        if key == b"etag":
            etag = value.decode("latin-1")
        elif key == b"last-modified":
            with contextlib.suppress(TypeError, ValueError):
                made = parsedate_to_datetime(value.decode("latin-1")).timestamp()
        elif key == b"content-encoding":
            return None  # already encoded by the view: not ours to vary
        elif key == b"content-type":
            compressible = value.startswith(COMPRESSIBLE)
    if not etag:
        return None
    expires = time.monotonic() + TTL
    clocked = False
    until = state.get("fresh_until")
    if isinstance(until, datetime):
        left = (until - datetime.now(UTC)).total_seconds()
        if left <= 0:
            return None
        clocked = left < TTL
        expires = min(expires, time.monotonic() + left)
    keys = frozenset(state.get("surrogate_keys") or ())
    entry = Entry(
        headers=headers,
        body=kept.body,
        etag=etag,
        keys=keys,
        expires=expires,
        compressible=compressible and len(kept.body) >= MIN_COMPRESS,
        made=made,
        clocked=clocked,
    )
    entry.variant(IDENTITY)
    entry.size = len(kept.body)
    return entry
