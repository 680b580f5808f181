"""HTTP caching for every public response: ETag, 304, Cache-Control and Surrogate-Key.

``CachingMiddleware`` is plain ASGI (not Starlette's ``BaseHTTPMiddleware``), so a
streamed body still streams. For a GET or HEAD answered with 200:

- a body sent in one piece gets a strong ``ETag`` (a hash of its bytes), and a request
  whose ``If-None-Match`` names it (or ``*``; compared weakly, as RFC 9110 says) gets
  ``304 Not Modified`` with no body and the same validators and caching headers; with no
  ``If-None-Match``, ``If-Modified-Since`` is answered from a ``Last-Modified`` the view
  set. A streamed body (sent in several pieces) keeps no ETag;
- ``Cache-Control: public, max-age=0, s-maxage=<max_age>, stale-while-revalidate=<stale>``,
  unless the view set its own (the immutable static files keep theirs): a shared cache
  (a CDN, or the page cache in front of dateline) may reuse the answer for ``max_age``
  seconds and purge it by surrogate key; a browser asks again each time (a cheap 304), so
  a reader who reloads after a publish sees it;
- ``Surrogate-Key`` lists what the view said it shows (``dateline.web.surrogate``);
- ``Vary: Accept-Encoding``, and on HTML pages ``Cookie`` as well.

HTML pages show the weather of the reader's city when the reader chose one (the
``dateline_city`` cookie): such a response is ``private, max-age=0, must-revalidate`` so
no shared cache stores one reader's choice for others, and ``Vary: Cookie`` on the public
page keeps a shared cache from answering that reader with it.

A HEAD request is run as a GET inside and its body dropped, so it gets the very headers
(ETag and Content-Length too) a GET would. Under ``/newsroom`` every response is
``private, no-store`` whatever the method; other methods pass untouched.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from email.utils import parsedate_to_datetime

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dateline.weather.cache import CITY_COOKIE
from dateline.web import surrogate

PRIVATE_AREA = "/newsroom"
NO_STORE = "private, no-store"
PERSONAL = "private, max-age=0, must-revalidate"
# What a 304 repeats from the 200 it stands for (RFC 9110, section 15.4.5), plus our keys.
KEPT_ON_304 = (
    "cache-control",
    "content-location",
    "date",
    "etag",
    "expires",
    "last-modified",
    "vary",
    surrogate.HEADER.lower(),
)


def public_cache_control(max_age: int, stale: int) -> str:
    """The ``Cache-Control`` of public answers whose view set none."""
    return f"public, max-age=0, s-maxage={max_age}, stale-while-revalidate={stale}"


def etag_of(body: bytes) -> str:
    """A strong entity tag for ``body``: a short hash of its bytes, quoted."""
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def _opaque(tag: str) -> str:
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag


def etag_matches(if_none_match: str, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag``: ``*`` or a list, compared weakly."""
    wanted = _opaque(etag)
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or (candidate and _opaque(candidate) == wanted):
            return True
    return False


def not_modified_since(if_modified_since: str, last_modified: str) -> bool:
    """Whether the resource is unchanged since ``If-Modified-Since``; False when unreadable."""
    try:
        since = parsedate_to_datetime(if_modified_since)
        modified = parsedate_to_datetime(last_modified)
    except (TypeError, ValueError, IndexError):
        return False
    if since.tzinfo is None or modified.tzinfo is None:
        return False
    return modified <= since


def add_vary(headers: MutableHeaders, names: Iterable[str]) -> None:
    """Add ``names`` to ``Vary``, keeping what is there and naming each once."""
    present = [v.strip() for v in headers.get("vary", "").split(",") if v.strip()]
    lower = {v.lower() for v in present}
    present.extend(n for n in names if n.lower() not in lower)
    headers["vary"] = ", ".join(present)


class CachingMiddleware:
    """Validators, 304s and caching headers for GET and HEAD; see the module docstring."""

    def __init__(self, app: ASGIApp, max_age: int = 60, stale: int = 600) -> None:
        self.app = app
        self.public = public_cache_control(max_age, stale)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] == PRIVATE_AREA or scope["path"].startswith(PRIVATE_AREA + "/"):
            await self.app(scope, receive, _private(send))
            return
        method = scope["method"]
        if method not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        scope.setdefault("state", {})  # shared with the HEAD copy: views record keys there
        exchange = _Exchange(scope, send, self.public)
        inner = dict(scope, method="GET") if method == "HEAD" else scope
        await self.app(inner, receive, exchange.send)


def _private(send: Send) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            MutableHeaders(scope=message)["cache-control"] = NO_STORE
        await send(message)

    return wrapped


class _Exchange:
    """One GET or HEAD: holds the response start until the body says how to answer."""

    def __init__(self, scope: Scope, send: Send, public: str) -> None:
        self.scope = scope
        self.request = Request(scope)
        self.downstream = send
        self.public = public
        self.head = scope["method"] == "HEAD"
        self.start: Message | None = None
        self.streaming = False  # True once the start went on without waiting for the body

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            self.start = message
            return
        if self.start is None or self.streaming:
            await self._forward(message)
            return
        if kind != "http.response.body" or message.get("more_body", False):
            # a streamed body, or a file the server sends itself: no ETag
            self.streaming = True
            self._decorate(None)
            await self.downstream(self.start)
            await self._forward(message)
            return
        body = message.get("body", b"")
        if self._decorate(body):
            await self._not_modified()
            return
        await self.downstream(self.start)
        await self.downstream(
            {"type": "http.response.body", "body": b"" if self.head else body, "more_body": False}
        )

    async def _forward(self, message: Message) -> None:
        """Pass a later message on; for HEAD, only the end of the body, empty."""
        if self.head and message["type"].startswith("http.response."):
            if message.get("more_body", False):
                return
            message = {"type": "http.response.body", "body": b"", "more_body": False}
        await self.downstream(message)

    def _decorate(self, body: bytes | None) -> bool:
        """Set the caching headers on the held start; True when the answer is a 304."""
        assert self.start is not None
        headers = MutableHeaders(scope=self.start)
        status = self.start["status"]
        html = headers.get("content-type", "").startswith("text/html")
        add_vary(headers, ["Accept-Encoding", "Cookie"] if html else ["Accept-Encoding"])
        if status not in (200, 301, 308, 404, 410):
            return False
        if "cache-control" not in headers:
            personal = html and CITY_COOKIE in self.request.cookies
            headers["cache-control"] = PERSONAL if personal else self.public
        keys = surrogate.keys_of(self.request)
        if keys:
            headers[surrogate.HEADER] = surrogate.header_value(keys)
        if status != 200:
            return False
        if body is not None and "etag" not in headers:
            headers["etag"] = etag_of(body)
        return self._unchanged(headers)

    def _unchanged(self, headers: MutableHeaders) -> bool:
        asked = Headers(scope=self.scope)
        if_none_match = asked.get("if-none-match")
        if if_none_match is not None:
            etag = headers.get("etag")
            return etag is not None and etag_matches(if_none_match, etag)
        if_modified_since = asked.get("if-modified-since")
        last_modified = headers.get("last-modified")
        if if_modified_since and last_modified:
            return not_modified_since(if_modified_since, last_modified)
        return False

    async def _not_modified(self) -> None:
        assert self.start is not None
        kept = MutableHeaders(scope=self.start)
        raw = [
            (name.encode("latin-1"), value.encode("latin-1"))
            for name, value in kept.items()
            if name in KEPT_ON_304
        ]
        await self.downstream({"type": "http.response.start", "status": 304, "headers": raw})
        await self.downstream({"type": "http.response.body", "body": b"", "more_body": False})
