"""The only network code of ingest: one careful GET of a feed or wire URL an operator typed in.

A ``Fetcher`` wraps an ``httpx.AsyncClient`` (injected, or created and owned) and applies
one policy to every request, because the URLs are arbitrary and the servers untrusted:

- **Address policy.** Each hop's host is resolved with the event loop's ``getaddrinfo``
  and refused when any address is not global: private, loopback, link-local, reserved,
  multicast, unspecified, shared (CGNAT), IPv6 site-local, or an IPv4-mapped, NAT64 or
  6to4 IPv6 address wrapping one of those; ``localhost`` names are refused without a
  lookup. ``allow_private`` (``DATELINE_INGEST_ALLOW_PRIVATE=1``) turns the check off.
- **Pinning.** The connection goes to the address that was checked, not to a second
  lookup (DNS rebinding): the request URL carries the IP, the ``Host`` header the name,
  and for https the ``sni_hostname`` extension makes TLS verify the certificate for the
  name. Pinned https requests say ``Connection: close``, so that a TLS connection
  verified for one name is never reused for another name on the same IP. An injected
  client must therefore speak HTTP/1.1 (h2 forbids that header).
- **Redirects** are followed here, never by httpx: at most ``max_redirects``, http and
  https only, each hop checked and pinned like the first, a loop reported as such.
- **Size.** A ``Content-Length`` over ``max_bytes`` is refused before reading. Otherwise
  the raw stream is inflated here (gzip, deflate, and br when a bounded brotli decoder is
  installed), 64 KiB of output at a time, and reading stops as soon as the raw or the
  decoded total passes ``max_bytes``: a gzip bomb costs about ``max_bytes`` of memory.
- **Time.** httpx connect and read timeouts, plus one deadline (``timeout_s``) over the
  lookups, every hop and the body, so a server that trickles bytes is cut off. Waiting
  for a per-host slot does not count: a queue is not a slow server.
- **Courtesy.** At most ``per_host`` requests at once to one host[:port], per Fetcher;
  the operator's ``User-Agent``; conditional GETs with the validators given back; no
  cookies kept or sent; ``Retry-After`` read on 429 and 503.

Every failure is a ``FetchError`` with a ``FetchErrorKind``; httpx exceptions never leak,
and a password in a URL is shown as ``***``.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import email.utils
import enum
import ipaddress
import re
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any

import httpx

from dateline.ingest.coding import ACCEPT_ENCODING, decoders_for, finish, through

DEFAULT_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
MAX_RETRY_AFTER = timedelta(days=7)  # a longer or absurd Retry-After is read as this

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PASSWORD = re.compile(r"(//[^/?#@:]*):[^/?#@]*@")


class FetchErrorKind(enum.StrEnum):
    """Why a fetch failed; callers decide on retries and backoff by kind."""

    BAD_URL = "bad_url"
    BLOCKED_ADDRESS = "blocked_address"
    DNS = "dns"
    NETWORK = "network"
    TIMEOUT = "timeout"
    TOO_LARGE = "too_large"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    HTTP_STATUS = "http_status"
    RATE_LIMITED = "rate_limited"


class FetchError(Exception):
    """A failed fetch: ``str()`` is one line, the URL (password hidden) and the problem."""

    def __init__(
        self,
        kind: FetchErrorKind,
        url: str,
        message: str,
        *,
        status: int | None = None,
        retry_after: timedelta | None = None,
    ) -> None:
        self.kind = kind
        self.url = hide_password(url)
        self.message = hide_password(" ".join(message.split()))
        self.status = status
        self.retry_after = retry_after
        super().__init__(f"{self.url}: {self.message}")

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle with every field (a job runner may carry errors across processes)."""
        extra = {"status": self.status, "retry_after": self.retry_after}
        return (type(self), (self.kind, self.url, self.message), extra)


@dataclasses.dataclass(frozen=True, slots=True)
class FetchLimits:
    """What one Fetcher allows itself and the servers it talks to."""

    user_agent: str
    timeout_s: float = 20.0
    connect_timeout_s: float = 10.0
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    per_host: int = 2
    allow_private: bool = False

    def __post_init__(self) -> None:
        """Refuse limits that cannot work."""
        if not self.user_agent.strip():
            raise ValueError("FetchLimits.user_agent is empty")
        if self.timeout_s <= 0 or self.connect_timeout_s <= 0:
            raise ValueError("FetchLimits timeouts must be positive")
        if self.max_bytes < 1 or self.max_redirects < 0 or self.per_host < 1:
            raise ValueError("FetchLimits: max_bytes and per_host >= 1, max_redirects >= 0")


@dataclasses.dataclass(frozen=True, slots=True)
class Fetched:
    """A successful fetch: 2xx with its decoded body, or 304 with an empty one."""

    url: str
    status: int
    body: bytes
    content_type: str
    charset: str
    etag: str
    last_modified: str

    @property
    def not_modified(self) -> bool:
        """True for a 304: the copy the caller has is current."""
        return self.status == 304


class Fetcher:
    """GETs URLs under one ``FetchLimits``; use as ``async with Fetcher(limits) as f``."""

    def __init__(self, limits: FetchLimits, client: httpx.AsyncClient | None = None) -> None:
        self.limits = limits
        self._timeout = httpx.Timeout(limits.timeout_s, connect=limits.connect_timeout_s)
        self._owns_client = client is None
        if client is None:
            client = httpx.AsyncClient(
                follow_redirects=False,
                timeout=self._timeout,
                cookies=CookieJar(DefaultCookiePolicy(allowed_domains=[])),  # keeps none
            )
        self._client = client
        self._slots: dict[str, asyncio.Semaphore] = {}

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the client if this Fetcher created it."""
        if self._owns_client:
            await self._client.aclose()

    async def get(
        self, url: str, *, etag: str = "", last_modified: str = "", accept: str = DEFAULT_ACCEPT
    ) -> Fetched:
        """GET ``url`` under the limits, following redirects; raises ``FetchError``."""
        current = _http_url(url)
        headers = {
            "User-Agent": self.limits.user_agent,
            "Accept": accept,
            "Accept-Encoding": ACCEPT_ENCODING,
        }
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        visited = {str(current.copy_with(fragment=None))}
        try:
            async with asyncio.timeout(self.limits.timeout_s) as deadline:
                while True:
                    answer = await self._exchange(current, headers, deadline)
                    if isinstance(answer, Fetched):
                        return _validators_kept(answer, etag, last_modified)
                    current = self._redirect(current, answer, visited)
        except TimeoutError:
            raise FetchError(
                FetchErrorKind.TIMEOUT,
                str(current),
                f"no complete response within {self.limits.timeout_s:g} s",
            ) from None

    def _redirect(self, current: httpx.URL, location: str, visited: set[str]) -> httpx.URL:
        """The next hop after ``current`` answered with ``location``."""
        try:
            target = current.join(location)
        except httpx.InvalidURL:
            target = None
        if target is None or target.scheme not in ("http", "https") or not target.raw_host:
            raise FetchError(
                FetchErrorKind.BAD_URL,
                str(current),
                f"redirects to {hide_password(location)!r}, not an http(s) URL",
            )
        key = str(target.copy_with(fragment=None))
        if key in visited:
            raise FetchError(
                FetchErrorKind.TOO_MANY_REDIRECTS, str(current), f"redirect loop back to {key}"
            )
        if len(visited) > self.limits.max_redirects:
            raise FetchError(
                FetchErrorKind.TOO_MANY_REDIRECTS,
                str(current),
                f"more than {self.limits.max_redirects} redirects",
            )
        visited.add(key)
        return target

    async def _exchange(
        self, url: httpx.URL, headers: dict[str, str], deadline: asyncio.Timeout
    ) -> Fetched | str:
        """One hop: a ``Fetched``, or the ``Location`` of a redirect."""
        addresses = await self._addresses(url)
        async with self._slot(url, deadline):
            response = await self._send(url, addresses, headers)
            try:
                return await self._answer(url, response)
            finally:
                await response.aclose()

    async def _addresses(self, url: httpx.URL) -> list[str]:
        """The addresses ``url``'s host resolves to, all checked against the policy."""
        host = url.raw_host.decode("ascii")
        if not self.limits.allow_private and is_localhost_name(host):
            raise FetchError(FetchErrorKind.BLOCKED_ADDRESS, str(url), f"{host} is a local name")
        try:
            addresses = await resolve(host, url.port or _default_port(url))
        except (OSError, UnicodeError) as exc:
            raise FetchError(
                FetchErrorKind.DNS, str(url), f"cannot resolve {host}: {_describe(exc)}"
            ) from None
        if not self.limits.allow_private:
            for address in addresses:
                if problem := address_problem(address):
                    named = f"{host} is" if host == address else f"{host} resolves to {address},"
                    raise FetchError(
                        FetchErrorKind.BLOCKED_ADDRESS, str(url), f"{named} a {problem} address"
                    )
        return addresses

    @contextlib.asynccontextmanager
    async def _slot(self, url: httpx.URL, deadline: asyncio.Timeout) -> AsyncIterator[None]:
        """Hold one of ``per_host`` slots for ``url``'s host; queueing stops the clock."""
        host = url.raw_host.decode("ascii").lower()
        key = f"{host}:{url.port}" if url.port else host
        slot = self._slots.setdefault(key, asyncio.Semaphore(self.limits.per_host))
        when = deadline.when()
        if slot.locked() and when is not None:
            loop = asyncio.get_running_loop()
            remaining = when - loop.time()
            deadline.reschedule(None)
            try:
                await slot.acquire()
            finally:
                if not deadline.expired():
                    deadline.reschedule(loop.time() + remaining)
        else:
            await slot.acquire()
        try:
            yield
        finally:
            slot.release()

    async def _send(
        self, url: httpx.URL, addresses: list[str], headers: dict[str, str]
    ) -> httpx.Response:
        """Send to each checked address in turn until one connects; the response streams."""
        failure: httpx.HTTPError | None = None
        for address in addresses:
            request = pinned_request(url, address, headers)
            request.extensions["timeout"] = self._timeout.as_dict()
            try:
                return await self._client.send(
                    request, stream=True, auth=None, follow_redirects=False
                )
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                failure = exc  # the next address may answer
            except httpx.HTTPError as exc:
                raise _transport_error(url, exc) from exc
        assert failure is not None, "resolve() returns at least one address"
        raise _transport_error(url, failure) from failure

    async def _answer(self, url: httpx.URL, response: httpx.Response) -> Fetched | str:
        """What ``response`` means: a result, a redirect ``Location``, or a ``FetchError``."""
        status = response.status_code
        if status in _REDIRECTS and response.headers.get("Location"):
            return response.headers["Location"]
        if 200 <= status < 300 or status == 304:
            content_type, charset = media_type(response.headers.get("Content-Type", ""))
            body = b"" if status == 304 else await self._body(url, response)
            return Fetched(
                str(url),
                status,
                body,
                content_type,
                charset,
                response.headers.get("ETag", ""),
                response.headers.get("Last-Modified", ""),
            )
        shown = f"HTTP {status} {response.reason_phrase}".rstrip()
        wait = response.headers.get("Retry-After")
        if status == 429 or (status == 503 and wait is not None):
            delay = retry_after(wait or "")
            later = f", retry after {delay.total_seconds():g} s" if delay is not None else ""
            raise FetchError(
                FetchErrorKind.RATE_LIMITED,
                str(url),
                f"{shown}{later}",
                status=status,
                retry_after=delay,
            )
        if status in _REDIRECTS:
            shown += " without a Location"
        raise FetchError(FetchErrorKind.HTTP_STATUS, str(url), shown, status=status)

    async def _body(self, url: httpx.URL, response: httpx.Response) -> bytes:
        """The decoded body, refused as soon as it (raw or decoded) passes ``max_bytes``."""
        limit = self.limits.max_bytes
        too_large = FetchError(
            FetchErrorKind.TOO_LARGE, str(url), f"response larger than {limit:,} bytes"
        )
        length = response.headers.get("Content-Length", "").strip()
        if length.isdigit() and int(length) > limit:
            raise too_large
        try:
            decoders = decoders_for(response.headers.get("Content-Encoding", ""))
        except ValueError as exc:
            raise FetchError(FetchErrorKind.NETWORK, str(url), str(exc)) from None
        if response.is_stream_consumed:  # built in memory (MockTransport): httpx decoded it
            if len(response.content) > limit:
                raise too_large
            return response.content
        body = bytearray()
        raw = 0
        try:
            async for chunk in response.aiter_raw():
                raw += len(chunk)
                if raw > limit:
                    raise too_large
                for piece in through(decoders, (chunk,)):
                    body += piece
                    if len(body) > limit:
                        raise too_large
            if raw:
                for piece in finish(decoders):
                    body += piece
                    if len(body) > limit:
                        raise too_large
        except ValueError as exc:
            raise FetchError(FetchErrorKind.NETWORK, str(url), str(exc)) from None
        except httpx.HTTPError as exc:
            raise _transport_error(url, exc) from exc
        return bytes(body)


def _validators_kept(fetched: Fetched, etag: str, last_modified: str) -> Fetched:
    """A 304 keeps the validators sent when the reply carries none."""
    if not fetched.not_modified:
        return fetched
    return dataclasses.replace(
        fetched, etag=fetched.etag or etag, last_modified=fetched.last_modified or last_modified
    )


def hide_password(url: str) -> str:
    """``url`` with the password of its userinfo, if any, shown as ``***``."""
    return _PASSWORD.sub(r"\1:***@", url)


# The address policy.


def is_localhost_name(host: str) -> bool:
    """True for ``localhost`` and names under it (RFC 6761), refused without a lookup."""
    name = host.lower().rstrip(".")
    return name == "localhost" or name.endswith(".localhost")


def address_problem(address: str) -> str:
    """Why ``address`` may not be fetched (``"loopback"``, ``"private"``, …); "" if global."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or _nat64(ip)
        if embedded is not None:
            return address_problem(str(embedded))
    for problem, flagged in (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("site-local", isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local),
        ("reserved", ip.is_reserved),
        ("non-global", not ip.is_global),
    ):
        if flagged:
            return problem
    return ""


def _nat64(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address inside a NAT64 well-known-prefix address (64:ff9b::/96)."""
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


async def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to for TCP, in the resolver's order, each once."""
    with contextlib.suppress(ValueError):
        return [str(ipaddress.ip_address(host))]  # a literal needs no lookup
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise OSError(f"no address for {host}")
    return addresses


def pinned_request(url: httpx.URL, address: str, headers: dict[str, str]) -> httpx.Request:
    """A GET of ``url`` sent to ``address``: ``Host`` (and for https, SNI) name the host."""
    pinned = dict(headers, Host=url.netloc.decode("ascii"))
    extensions: dict[str, Any] = {}
    if url.scheme == "https":
        extensions["sni_hostname"] = url.raw_host.decode("ascii")
        pinned["Connection"] = "close"
    # As bytes: a validator a server sent with non-ASCII characters goes back as UTF-8.
    raw = [(name.encode("ascii"), value.encode("utf-8")) for name, value in pinned.items()]
    return httpx.Request("GET", url.copy_with(host=address), headers=raw, extensions=extensions)


def _http_url(text: str) -> httpx.URL:
    """``text`` as an absolute http(s) URL with a host, or a BAD_URL error."""
    try:
        url = httpx.URL(text)
    except httpx.InvalidURL as exc:
        raise FetchError(FetchErrorKind.BAD_URL, text, f"unparsable URL: {exc}") from None
    if url.scheme not in ("http", "https"):
        raise FetchError(FetchErrorKind.BAD_URL, text, "only http and https URLs are fetched")
    if not url.raw_host:
        raise FetchError(FetchErrorKind.BAD_URL, text, "the URL has no host")
    return url


def _default_port(url: httpx.URL) -> int:
    return 443 if url.scheme == "https" else 80


# Headers.


def media_type(content_type: str) -> tuple[str, str]:
    """``Content-Type`` as (media type, charset), both lower-cased, "" when absent."""
    kind, _, parameters = content_type.partition(";")
    charset = ""
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').strip().lower()
    return kind.strip().lower(), charset


def http_date(value: str) -> datetime | None:
    """An HTTP date as an aware UTC datetime, or ``None`` when absent or invalid."""
    try:
        parsed = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def retry_after(value: str, now: datetime | None = None) -> timedelta | None:
    """``Retry-After`` (delta-seconds or HTTP date), at most ``MAX_RETRY_AFTER``; or None."""
    value = value.strip()
    if value.isascii() and value.isdigit():
        seconds = min(int(value), int(MAX_RETRY_AFTER.total_seconds()))
        return timedelta(seconds=seconds)
    when = http_date(value)
    if when is None:
        return None
    return min(max(when - (now or datetime.now(UTC)), timedelta(0)), MAX_RETRY_AFTER)


# Transport failures.


def _transport_error(url: httpx.URL, exc: httpx.HTTPError) -> FetchError:
    """``exc`` as a ``FetchError``: TIMEOUT for httpx timeouts, NETWORK for the rest."""
    if isinstance(exc, httpx.ConnectTimeout):
        return FetchError(FetchErrorKind.TIMEOUT, str(url), "timed out connecting")
    if isinstance(exc, httpx.TimeoutException):
        return FetchError(FetchErrorKind.TIMEOUT, str(url), f"timed out ({type(exc).__name__})")
    if isinstance(exc, httpx.ConnectError):
        problem = f"cannot connect: {_describe(exc)}"
    elif isinstance(exc, httpx.RemoteProtocolError):
        problem = f"malformed response: {_describe(exc)}"
    else:
        problem = f"{type(exc).__name__}: {_describe(exc)}"
    return FetchError(FetchErrorKind.NETWORK, str(url), problem)


def _describe(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__
