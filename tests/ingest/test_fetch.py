"""The feed fetcher against the replay server: bodies, validators, limits, failures, policy.

The replay server listens on 127.0.0.1, so most tests allow private addresses; the address
policy tests use the default limits. DNS is the one outside service replaced here: where a
test needs a name (``*.example.test``), ``FakeDNS`` stands in for the event loop's
``getaddrinfo``. ``MockTransport`` serves the few cases a local server cannot: a first hop
on a public address (it is never contacted) redirecting to a private one, and what an
https request pinned to its checked address looks like.
"""

from __future__ import annotations

import asyncio
import email.utils
import gzip
import importlib
import pickle
import shutil
import socket
import ssl
import subprocess
import threading
import time
import tracemalloc
import zlib
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from dateline.ingest.fetch import (
    ACCEPT_ENCODING,
    DEFAULT_ACCEPT,
    MAX_RETRY_AFTER,
    Fetched,
    Fetcher,
    FetchError,
    FetchErrorKind,
    FetchLimits,
    address_problem,
    media_type,
    retry_after,
)
from tests.replay import ReplayServer, Reply

T = TypeVar("T")
AGENT = "dateline/0.1 (+https://news.example.org)"
LIMITS = FetchLimits(AGENT, timeout_s=5.0, allow_private=True)
STRICT = FetchLimits(AGENT, timeout_s=5.0)
PUBLIC = "93.184.215.14"  # a global address; only ever "reached" through MockTransport
TLS = ssl.create_default_context()  # built once: a client of its own costs 0.15 s a test
RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title></channel></rss>'


class FakeDNS:
    """Stands in for the loop's ``getaddrinfo``: names to addresses, each lookup recorded."""

    def __init__(self, **names: list[str]) -> None:
        self.names = {name.replace("_", "."): addresses for name, addresses in names.items()}
        self.lookups: list[str] = []

    async def getaddrinfo(self, host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        self.lookups.append(host)
        if host not in self.names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in self.names[host]
        ]


def run(
    call: Callable[[Fetcher], Awaitable[T]],
    limits: FetchLimits = LIMITS,
    *,
    dns: FakeDNS | None = None,
    transport: httpx.MockTransport | None = None,
    owned: bool = False,
) -> T:
    """Run ``call`` on a Fetcher with an injected client, or (``owned``) one of its own."""

    async def main() -> T:
        if dns is not None:
            asyncio.get_running_loop().getaddrinfo = dns.getaddrinfo  # type: ignore[method-assign]
        client = None if owned else httpx.AsyncClient(verify=TLS, transport=transport)
        try:
            async with Fetcher(limits, client) as fetcher:
                return await call(fetcher)
        finally:
            if client is not None:
                await client.aclose()

    return asyncio.run(main())


def fetch(url: str, limits: FetchLimits = LIMITS, **kwargs: Any) -> Fetched:
    options = {name: kwargs.pop(name) for name in ("dns", "transport", "owned") if name in kwargs}
    return run(lambda fetcher: fetcher.get(url, **kwargs), limits, **options)


def failure(url: str, limits: FetchLimits = LIMITS, **kwargs: Any) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch(url, limits, **kwargs)
    return caught.value


def lower(headers: dict[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def gzip_of_zeros(size: int) -> bytes:
    """gzip of ``size`` zero bytes, built a megabyte at a time (about 1 KB per MB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = bytes(1 << 20)
    return b"".join(packer.compress(block) for _ in range(size >> 20)) + packer.flush()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# Success, validators and headers.


def test_200_gives_body_media_type_charset_and_validators(replay_server: ReplayServer) -> None:
    replay_server.route(
        "/feed",
        Reply(
            200,
            RSS,
            {
                "Content-Type": 'Application/RSS+XML; charset="ISO-8859-1"',
                "ETag": '"v1"',
                "Last-Modified": "Wed, 02 Mar 2022 23:58:00 GMT",
            },
        ),
    )
    url = f"{replay_server.url}/feed"
    assert fetch(url, owned=True) == Fetched(
        url, 200, RSS, "application/rss+xml", "iso-8859-1", '"v1"', "Wed, 02 Mar 2022 23:58:00 GMT"
    )


def test_every_request_identifies_us_and_asks_for_feeds(replay_server: ReplayServer) -> None:
    replay_server.route("/feed", Reply(200, RSS))
    result = fetch(f"{replay_server.url}/feed")
    assert (result.content_type, result.charset, result.etag, result.last_modified) == ("",) * 4
    headers = lower(replay_server.hits("/feed")[0].headers)
    assert headers["user-agent"] == AGENT
    assert headers["accept"] == DEFAULT_ACCEPT
    assert headers["accept-encoding"] == ACCEPT_ENCODING
    assert headers["host"] == replay_server.url.removeprefix("http://")
    assert "if-none-match" not in headers and "if-modified-since" not in headers
    assert "cookie" not in headers


def test_accept_can_be_narrowed(replay_server: ReplayServer) -> None:
    replay_server.route("/ninjs", Reply.json({"uri": "x"}))
    fetch(f"{replay_server.url}/ninjs", accept="application/json")
    assert lower(replay_server.hits("/ninjs")[0].headers)["accept"] == "application/json"


def test_304_keeps_the_validators_sent(replay_server: ReplayServer) -> None:
    replay_server.route("/feed", Reply(304))
    lastmod = "Wed, 02 Mar 2022 23:58:00 GMT"
    result = fetch(f"{replay_server.url}/feed", etag='"v1"', last_modified=lastmod)
    assert result.not_modified
    assert result == Fetched(f"{replay_server.url}/feed", 304, b"", "", "", '"v1"', lastmod)
    headers = lower(replay_server.hits("/feed")[0].headers)
    assert headers["if-none-match"] == '"v1"'
    assert headers["if-modified-since"] == lastmod


def test_non_ascii_validators_go_back_as_utf8(replay_server: ReplayServer) -> None:
    replay_server.route("/feed", Reply(304))
    fetch(f"{replay_server.url}/feed", etag='W/"café"')
    sent = lower(replay_server.hits("/feed")[0].headers)["if-none-match"]
    assert sent.encode("latin-1").decode("utf-8") == 'W/"café"'  # http.server reads latin-1


def test_304_with_new_validators_reports_them(replay_server: ReplayServer) -> None:
    replay_server.route("/feed", Reply(304, headers={"ETag": '"v2"'}))
    result = fetch(f"{replay_server.url}/feed", etag='"v1"', last_modified="x")
    assert (result.status, result.etag, result.last_modified) == (304, '"v2"', "x")


def test_a_200_is_not_modified_false(replay_server: ReplayServer) -> None:
    replay_server.route("/feed", Reply(200, RSS))
    assert not fetch(f"{replay_server.url}/feed", etag='"old"').not_modified


# Content codings.


@pytest.mark.parametrize(
    ("coding", "encode"),
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("deflate", zlib.compress),  # zlib-wrapped, as RFC 9110 says
        ("deflate", lambda data: zlib.compress(data, wbits=-15)),  # raw, as some servers send
        ("gzip, gzip", lambda data: gzip.compress(gzip.compress(data))),
        ("gzip", lambda data: gzip.compress(data[:40]) + gzip.compress(data[40:])),  # 2 members
        ("identity", lambda data: data),
    ],
)
def test_coded_bodies_are_decoded(
    replay_server: ReplayServer, coding: str, encode: Callable[[bytes], bytes]
) -> None:
    replay_server.route("/feed", Reply(200, encode(RSS), {"Content-Encoding": coding}))
    assert fetch(f"{replay_server.url}/feed").body == RSS


def test_large_gzip_body_under_the_limit_is_whole(replay_server: ReplayServer) -> None:
    body = bytes(range(256)) * 4000  # 1,024,000 bytes, many 64 KiB inflate steps
    replay_server.route("/feed", Reply(200, gzip.compress(body), {"Content-Encoding": "gzip"}))
    assert fetch(f"{replay_server.url}/feed", FetchLimits(AGENT, allow_private=True)).body == body


def brotli_module() -> Any:
    for name in ("brotli", "brotlicffi"):
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    return None


@pytest.mark.skipif("br" not in ACCEPT_ENCODING, reason="no brotli module with bounded output")
def test_br_body_is_decoded_and_a_br_bomb_refused(replay_server: ReplayServer) -> None:
    brotli = brotli_module()
    replay_server.route("/feed", Reply(200, brotli.compress(RSS), {"Content-Encoding": "br"}))
    assert fetch(f"{replay_server.url}/feed").body == RSS
    bomb = brotli.compress(bytes(50_000_000))
    replay_server.route("/bomb", Reply(200, bomb, {"Content-Encoding": "br"}))
    limits = FetchLimits(AGENT, max_bytes=1_000_000, allow_private=True)
    assert failure(f"{replay_server.url}/bomb", limits).kind is FetchErrorKind.TOO_LARGE


@pytest.mark.parametrize(
    ("body", "coding", "problem"),
    [
        (b"not gzip at all", "gzip", "malformed gzip body"),
        (gzip.compress(RSS)[:-12], "gzip", "gzip body is truncated"),
        (RSS, "zstd", "unsupported Content-Encoding 'zstd'"),
        (RSS, "compress", "unsupported Content-Encoding 'compress'"),
    ],
)
def test_undecodable_bodies_are_network_errors(
    replay_server: ReplayServer, body: bytes, coding: str, problem: str
) -> None:
    replay_server.route("/feed", Reply(200, body, {"Content-Encoding": coding}))
    error = failure(f"{replay_server.url}/feed")
    assert error.kind is FetchErrorKind.NETWORK
    assert problem in str(error)


# Size.


def test_gzip_bomb_is_refused_without_inflating_it(replay_server: ReplayServer) -> None:
    bomb = gzip_of_zeros(64 << 20)  # 64 MiB of zeros in about 65 KB
    assert len(bomb) < 100_000
    replay_server.route("/feed", Reply(200, bomb, {"Content-Encoding": "gzip"}))
    limits = FetchLimits(AGENT, max_bytes=1_000_000, allow_private=True)
    tracemalloc.start()
    try:
        error = failure(f"{replay_server.url}/feed", limits)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.kind is FetchErrorKind.TOO_LARGE
    assert str(error) == f"{replay_server.url}/feed: response larger than 1,000,000 bytes"
    # Inflating one 64 KiB network read at once would take about 64 MB.
    assert peak < 8_000_000


def test_content_length_over_the_limit_is_refused(replay_server: ReplayServer) -> None:
    replay_server.route("/feed", Reply(200, b"x" * 2001))
    error = failure(
        f"{replay_server.url}/feed",
        FetchLimits(AGENT, max_bytes=2000, timeout_s=5, allow_private=True),
    )
    assert error.kind is FetchErrorKind.TOO_LARGE
    assert error.message == "response larger than 2,000 bytes"


def test_a_body_of_exactly_the_limit_is_accepted(replay_server: ReplayServer) -> None:
    replay_server.route("/feed", Reply(200, b"x" * 2000, chunked=True))
    limits = FetchLimits(AGENT, max_bytes=2000, allow_private=True)
    assert fetch(f"{replay_server.url}/feed", limits).body == b"x" * 2000


def test_a_chunked_body_over_the_limit_is_refused(replay_server: ReplayServer) -> None:
    replay_server.route("/feed", Reply(200, b"x" * 2001, chunked=True))
    limits = FetchLimits(AGENT, max_bytes=2000, allow_private=True)
    assert failure(f"{replay_server.url}/feed", limits).kind is FetchErrorKind.TOO_LARGE


# Statuses.


@pytest.mark.parametrize(
    ("status", "shown"),
    [(404, "HTTP 404 Not Found"), (500, "HTTP 500 Internal Server Error"), (410, "HTTP 410 Gone")],
)
def test_error_statuses_keep_the_status(
    replay_server: ReplayServer, status: int, shown: str
) -> None:
    replay_server.route("/feed", Reply(status, b"<html>nope</html>"))
    error = failure(f"{replay_server.url}/feed")
    assert (error.kind, error.status, error.retry_after) == (
        FetchErrorKind.HTTP_STATUS,
        status,
        None,
    )
    assert str(error) == f"{replay_server.url}/feed: {shown}"


def test_503_without_retry_after_is_an_http_status(replay_server: ReplayServer) -> None:
    replay_server.route("/feed", Reply(503))
    error = failure(f"{replay_server.url}/feed")
    assert (error.kind, error.status) == (FetchErrorKind.HTTP_STATUS, 503)


def test_429_with_seconds_is_rate_limited(replay_server: ReplayServer) -> None:
    replay_server.route("/feed", Reply(429, headers={"Retry-After": "120"}))
    error = failure(f"{replay_server.url}/feed")
    assert error.kind is FetchErrorKind.RATE_LIMITED
    assert (error.status, error.retry_after) == (429, timedelta(seconds=120))
    assert str(error) == f"{replay_server.url}/feed: HTTP 429 Too Many Requests, retry after 120 s"


def test_429_with_an_http_date_is_rate_limited(replay_server: ReplayServer) -> None:
    later = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    replay_server.route("/feed", Reply(429, headers={"Retry-After": later}))
    error = failure(f"{replay_server.url}/feed")
    assert error.kind is FetchErrorKind.RATE_LIMITED
    assert error.retry_after is not None
    assert timedelta(seconds=60) < error.retry_after <= timedelta(seconds=90)


def test_429_without_retry_after_is_rate_limited_with_no_delay(replay_server: ReplayServer) -> None:
    replay_server.route("/feed", Reply(429))
    error = failure(f"{replay_server.url}/feed")
    assert (error.kind, error.retry_after) == (FetchErrorKind.RATE_LIMITED, None)


def test_503_with_retry_after_is_rate_limited(replay_server: ReplayServer) -> None:
    replay_server.route("/feed", Reply(503, headers={"Retry-After": "30"}))
    error = failure(f"{replay_server.url}/feed")
    assert (error.kind, error.status) == (FetchErrorKind.RATE_LIMITED, 503)
    assert error.retry_after == timedelta(seconds=30)


NOW = datetime(2015, 10, 21, 7, 26, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", timedelta(seconds=120)),
        (" 0 ", timedelta(0)),
        ("Wed, 21 Oct 2015 07:28:00 GMT", timedelta(seconds=120)),
        ("Wed, 21 Oct 2015 07:00:00 GMT", timedelta(0)),  # already past
        ("99999999999999999999999", MAX_RETRY_AFTER),
        ("Fri, 01 Jan 2100 00:00:00 GMT", MAX_RETRY_AFTER),
        ("-5", None),
        ("soon", None),
        ("", None),
    ],
)
def test_retry_after_values(value: str, expected: timedelta | None) -> None:
    assert retry_after(value, NOW) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('Application/RSS+XML; Charset="UTF-8"', ("application/rss+xml", "utf-8")),
        ("text/xml;charset=windows-1252;foo=bar", ("text/xml", "windows-1252")),
        ("application/feed+json", ("application/feed+json", "")),
        ("", ("", "")),
    ],
)
def test_media_type(value: str, expected: tuple[str, str]) -> None:
    assert media_type(value) == expected


# Redirects.


def test_relative_redirect_is_followed_and_the_final_url_reported(
    replay_server: ReplayServer,
) -> None:
    replay_server.route("/old", Reply(301, headers={"Location": "/new/feed.xml"}))
    replay_server.route("/new/feed.xml", Reply(200, RSS))
    result = fetch(f"{replay_server.url}/old", etag='"v1"')
    assert (result.url, result.body) == (f"{replay_server.url}/new/feed.xml", RSS)
    # Every hop is a conditional GET naming us.
    for path in ("/old", "/new/feed.xml"):
        headers = lower(replay_server.hits(path)[0].headers)
        assert (headers["user-agent"], headers["if-none-match"]) == (AGENT, '"v1"')


def test_absolute_redirects_of_each_kind_are_followed(replay_server: ReplayServer) -> None:
    hops = [("/a", 302, "/b"), ("/b", 303, "/c"), ("/c", 307, "/d"), ("/d", 308, "/feed")]
    for path, status, target in hops:
        replay_server.route(path, Reply(status, headers={"Location": replay_server.url + target}))
    replay_server.route("/feed", Reply(200, RSS))
    result = fetch(f"{replay_server.url}/a")
    assert result.url == f"{replay_server.url}/feed"
    assert [seen.path for seen in replay_server.requests] == ["/a", "/b", "/c", "/d", "/feed"]


def test_redirect_loop_is_reported(replay_server: ReplayServer) -> None:
    replay_server.route("/a", Reply(302, headers={"Location": "/b"}))
    replay_server.route("/b", Reply(302, headers={"Location": "/a"}))
    error = failure(f"{replay_server.url}/a")
    assert error.kind is FetchErrorKind.TOO_MANY_REDIRECTS
    assert str(error) == f"{replay_server.url}/b: redirect loop back to {replay_server.url}/a"


def route_chain(server: ReplayServer, hops: int) -> None:
    for hop in range(hops):
        target = f"/r{hop + 1}" if hop + 1 < hops else "/feed"
        server.route(f"/r{hop}", Reply(302, headers={"Location": target}))
    server.route("/feed", Reply(200, RSS))


def test_max_redirects_are_followed(replay_server: ReplayServer) -> None:
    route_chain(replay_server, 3)
    limits = FetchLimits(AGENT, max_redirects=3, allow_private=True)
    assert fetch(f"{replay_server.url}/r0", limits).url == f"{replay_server.url}/feed"


def test_one_more_redirect_is_too_many(replay_server: ReplayServer) -> None:
    route_chain(replay_server, 3)
    limits = FetchLimits(AGENT, max_redirects=2, allow_private=True)
    error = failure(f"{replay_server.url}/r0", limits)
    assert error.kind is FetchErrorKind.TOO_MANY_REDIRECTS
    assert error.message == "more than 2 redirects"
    assert not replay_server.hits("/feed")


@pytest.mark.parametrize("location", ["ftp://files.example.org/feed", "file:///etc/passwd"])
def test_redirect_to_another_scheme_is_refused(replay_server: ReplayServer, location: str) -> None:
    replay_server.route("/feed", Reply(302, headers={"Location": location}))
    error = failure(f"{replay_server.url}/feed")
    assert error.kind is FetchErrorKind.BAD_URL
    assert location in error.message


def test_redirect_without_location_is_an_http_status(replay_server: ReplayServer) -> None:
    replay_server.route("/feed", Reply(302))
    error = failure(f"{replay_server.url}/feed")
    assert (error.kind, error.status) == (FetchErrorKind.HTTP_STATUS, 302)
    assert error.message == "HTTP 302 Found without a Location"


# Time.


def test_a_stalled_server_times_out(replay_server: ReplayServer) -> None:
    replay_server.route("/feed", Reply(200, RSS, delay=3.0))
    started = time.monotonic()
    error = failure(
        f"{replay_server.url}/feed", FetchLimits(AGENT, timeout_s=0.3, allow_private=True)
    )
    assert error.kind is FetchErrorKind.TIMEOUT
    assert time.monotonic() - started < 2.0


def test_a_trickling_server_is_cut_off_at_the_deadline(replay_server: ReplayServer) -> None:
    # A byte every 20 ms never trips the read timeout; the overall deadline must.
    replay_server.route("/feed", Reply(200, RSS * 3, trickle=0.02))
    limits = FetchLimits(AGENT, timeout_s=0.5, allow_private=True)
    started = time.monotonic()
    error = failure(f"{replay_server.url}/feed", limits)
    assert str(error) == f"{replay_server.url}/feed: no complete response within 0.5 s"
    assert error.kind is FetchErrorKind.TIMEOUT
    assert time.monotonic() - started < 2.5


def test_a_trickle_inside_the_deadline_is_read(replay_server: ReplayServer) -> None:
    replay_server.route("/feed", Reply(200, b"<rss/>", trickle=0.01, chunked=True))
    assert fetch(f"{replay_server.url}/feed").body == b"<rss/>"


# Network failures and bad URLs.


def test_connection_refused_is_a_network_error() -> None:
    url = f"http://127.0.0.1:{closed_port()}/feed"
    error = failure(url)
    assert error.kind is FetchErrorKind.NETWORK
    assert str(error).startswith(f"{url}: cannot connect: ")


def test_unknown_name_is_a_dns_error() -> None:
    error = failure("https://nowhere.example.test/feed", dns=FakeDNS())
    assert error.kind is FetchErrorKind.DNS
    assert error.message.startswith("cannot resolve nowhere.example.test")


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("ftp://files.example.org/feed.xml", "only http and https URLs are fetched"),
        ("feed.xml", "only http and https URLs are fetched"),
        ("javascript:alert(1)", "only http and https URLs are fetched"),
        ("http:///feed.xml", "the URL has no host"),
        ("https://", "the URL has no host"),
        ("http://[::1/feed", "unparsable URL"),
    ],
)
def test_bad_urls(url: str, problem: str) -> None:
    error = failure(url, STRICT, dns=FakeDNS())
    assert error.kind is FetchErrorKind.BAD_URL
    assert error.message.startswith(problem)


def test_a_password_in_the_url_is_used_but_never_shown(replay_server: ReplayServer) -> None:
    url = replay_server.url.replace("://", "://desk:s3cret@") + "/private"
    error = failure(url)
    assert error.kind is FetchErrorKind.HTTP_STATUS
    assert "s3cret" not in str(error) and "s3cret" not in error.url
    assert "//desk:***@127.0.0.1" in str(error)
    assert lower(replay_server.hits("/private")[0].headers)["authorization"].startswith("Basic ")


# The address policy.


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/feed",
        "http://localhost:{port}/feed",
        "http://LOCALHOST./feed",
        "http://feeds.localhost/feed",
        "http://10.0.0.1/feed",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:{port}/feed",
        "http://[::ffff:127.0.0.1]:{port}/feed",
        "http://0.0.0.0:{port}/feed",
        "http://2130706433:{port}/feed",  # 127.0.0.1 as one number
    ],
)
def test_private_addresses_are_refused_by_default(replay_server: ReplayServer, url: str) -> None:
    port = replay_server.url.rsplit(":", 1)[1]
    error = failure(url.format(port=port), STRICT)
    assert error.kind is FetchErrorKind.BLOCKED_ADDRESS
    assert not replay_server.requests


def test_a_name_with_any_private_address_is_refused() -> None:
    dns = FakeDNS(feeds_example_test=[PUBLIC, "10.1.2.3"])
    error = failure("https://feeds.example.test/rss", STRICT, dns=dns)
    assert error.kind is FetchErrorKind.BLOCKED_ADDRESS
    assert error.message == "feeds.example.test resolves to 10.1.2.3, a private address"


def test_a_refused_literal_is_named_once() -> None:
    error = failure("http://169.254.169.254/latest/meta-data/", STRICT)
    assert str(error) == (
        "http://169.254.169.254/latest/meta-data/: 169.254.169.254 is a link-local address"
    )


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("127.0.0.1", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("100.64.0.1", "non-global"),  # shared address space (CGNAT)
        ("0.0.0.0", "unspecified"),
        ("224.0.0.251", "multicast"),
        ("239.255.255.250", "multicast"),
        ("240.0.0.1", "private"),
        ("255.255.255.255", "private"),
        ("192.0.2.10", "private"),  # documentation
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("fec0::1", "site-local"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.0.0.1", "private"),
        ("64:ff9b::a00:1", "private"),  # NAT64 of 10.0.0.1
        ("2002:7f00:1::1", "loopback"),  # 6to4 of 127.0.0.1
        ("8.8.8.8", ""),
        (PUBLIC, ""),
        ("2606:4700:4700::1111", ""),
        ("::ffff:8.8.8.8", ""),
        ("64:ff9b::808:808", ""),  # NAT64 of 8.8.8.8, as DNS64 networks hand out
    ],
)
def test_address_problem(address: str, problem: str) -> None:
    assert address_problem(address) == problem


def test_private_addresses_are_fetched_when_allowed(replay_server: ReplayServer) -> None:
    replay_server.route("/feed", Reply(200, RSS))
    assert fetch(f"{replay_server.url}/feed", LIMITS).body == RSS


class Recorder:
    """A MockTransport handler answering from a table of (IP, path), requests kept."""

    def __init__(self, answers: dict[tuple[str, str], httpx.Response]) -> None:
        self.answers = answers
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.answers[(request.url.host, request.url.path)]


@pytest.mark.parametrize(
    "location",
    [
        "http://10.0.0.1/feed",
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost/feed",
        "http://[::1]/feed",
        "https://intranet.example.test/feed",
    ],
)
def test_redirect_to_a_private_address_is_refused(location: str) -> None:
    dns = FakeDNS(feeds_example_test=[PUBLIC], intranet_example_test=["192.168.1.20"])
    recorder = Recorder({(PUBLIC, "/rss"): httpx.Response(302, headers={"Location": location})})
    error = failure(
        "http://feeds.example.test/rss", STRICT, dns=dns, transport=httpx.MockTransport(recorder)
    )
    assert error.kind is FetchErrorKind.BLOCKED_ADDRESS
    assert [str(r.url) for r in recorder.requests] == [f"http://{PUBLIC}/rss"]


def test_http_connection_is_pinned_to_the_checked_address(replay_server: ReplayServer) -> None:
    # The name resolves only through FakeDNS: the server answering proves the connection
    # went to the address looked up once and checked, not to a second lookup by httpx.
    replay_server.route("/feed", Reply(200, RSS))
    port = replay_server.url.rsplit(":", 1)[1]
    dns = FakeDNS(feeds_example_test=["127.0.0.1"])
    result = fetch(f"http://feeds.example.test:{port}/feed", dns=dns, owned=True)
    assert (result.url, result.body) == (f"http://feeds.example.test:{port}/feed", RSS)
    assert lower(replay_server.hits("/feed")[0].headers)["host"] == f"feeds.example.test:{port}"
    assert dns.lookups == ["feeds.example.test"]


class TLSServer:
    """A one-route https server on 127.0.0.1 whose certificate names feeds.example.test."""

    def __init__(self, cert: Path, key: Path) -> None:
        self.hosts: list[str] = []
        self.server_names: list[str | None] = []
        hosts = self.hosts

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
                hosts.append(self.headers["Host"])
                self.send_response(200)
                self.send_header("Content-Length", str(len(RSS)))
                self.end_headers()
                self.wfile.write(RSS)

            def log_message(self, format: str, *args: Any) -> None:
                return

        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        context.sni_callback = lambda _socket, name, _context: self.server_names.append(name)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for feeds.example.test, made with the openssl command."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
        + ["-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2"]
        + ["-subj", "/CN=feeds.example.test", "-addext", "subjectAltName=DNS:feeds.example.test"],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def tls_server(certificate: tuple[Path, Path]) -> Iterator[TLSServer]:
    server = TLSServer(*certificate)
    yield server
    server.stop()


def test_https_pinned_connection_verifies_the_name(
    tls_server: TLSServer, certificate: tuple[Path, Path]
) -> None:
    # feeds.example.test and other.example.test both resolve to the server's address. The
    # first is served (SNI and certificate checked for the name, not the IP); the second
    # must not ride on the first one's TLS connection, so its own handshake fails.
    dns = FakeDNS(feeds_example_test=["127.0.0.1"], other_example_test=["127.0.0.1"])
    trusted = ssl.create_default_context(cafile=str(certificate[0]))
    feed = f"https://feeds.example.test:{tls_server.port}/feed"

    async def both(fetcher: Fetcher) -> tuple[Fetched, FetchError]:
        fetched = await fetcher.get(feed)
        with pytest.raises(FetchError) as caught:
            await fetcher.get(f"https://other.example.test:{tls_server.port}/feed")
        return fetched, caught.value

    async def main() -> tuple[Fetched, FetchError]:
        asyncio.get_running_loop().getaddrinfo = dns.getaddrinfo  # type: ignore[method-assign]
        async with httpx.AsyncClient(verify=trusted) as client:
            return await both(Fetcher(LIMITS, client))

    fetched, error = asyncio.run(main())
    assert (fetched.url, fetched.body) == (feed, RSS)
    assert tls_server.hosts == [f"feeds.example.test:{tls_server.port}"]
    assert tls_server.server_names[:2] == ["feeds.example.test", "other.example.test"]
    assert error.kind is FetchErrorKind.NETWORK
    assert "certificate verify failed" in error.message


def test_https_request_is_pinned_with_sni_and_not_reused() -> None:
    dns = FakeDNS(wire_example_test=[PUBLIC])
    recorder = Recorder({(PUBLIC, "/v1/items"): httpx.Response(200, content=b"{}")})
    result = fetch(
        "https://wire.example.test/v1/items?since=1",
        STRICT,
        dns=dns,
        transport=httpx.MockTransport(recorder),
    )
    assert result.url == "https://wire.example.test/v1/items?since=1"
    (request,) = recorder.requests
    assert str(request.url) == f"https://{PUBLIC}/v1/items?since=1"
    assert request.headers["host"] == "wire.example.test"
    assert request.extensions["sni_hostname"] == "wire.example.test"
    assert request.headers["connection"] == "close"
    assert dns.lookups == ["wire.example.test"]


def test_the_next_address_is_tried_when_one_refuses(replay_server: ReplayServer) -> None:
    replay_server.route("/feed", Reply(200, RSS))
    port = replay_server.url.rsplit(":", 1)[1]
    dns = FakeDNS(feeds_example_test=["127.0.0.2", "127.0.0.1"])  # nothing listens on .2
    assert fetch(f"http://feeds.example.test:{port}/feed", dns=dns).body == RSS


# Per-host concurrency.


def two_at_once(
    server: ReplayServer, limits: FetchLimits, urls: tuple[str, str], dns: FakeDNS | None = None
) -> list[float]:
    """Fetch both URLs concurrently; the server's (received, answered) times, in order."""

    async def both(fetcher: Fetcher) -> tuple[Fetched, Fetched]:
        return await asyncio.gather(fetcher.get(urls[0]), fetcher.get(urls[1]))

    run(both, limits, dns=dns)
    first, second = sorted(server.requests, key=lambda seen: seen.received)
    return [first.received, first.answered, second.received, second.answered]


def test_one_per_host_serializes_requests(replay_server: ReplayServer) -> None:
    replay_server.route("/feed", Reply(200, RSS, delay=0.2))
    limits = FetchLimits(AGENT, per_host=1, allow_private=True)
    url = f"{replay_server.url}/feed"
    _, first_answered, second_received, _ = two_at_once(replay_server, limits, (url, url))
    assert second_received >= first_answered


def test_two_per_host_overlap(replay_server: ReplayServer) -> None:
    replay_server.route("/feed", Reply(200, RSS, delay=0.2))
    limits = FetchLimits(AGENT, per_host=2, allow_private=True)
    url = f"{replay_server.url}/feed"
    _, first_answered, second_received, _ = two_at_once(replay_server, limits, (url, url))
    assert second_received < first_answered


def test_slots_are_per_host(replay_server: ReplayServer) -> None:
    replay_server.route("/feed", Reply(200, RSS, delay=0.2))
    port = replay_server.url.rsplit(":", 1)[1]
    dns = FakeDNS(a_example_test=["127.0.0.1"], b_example_test=["127.0.0.1"])
    urls = (f"http://a.example.test:{port}/feed", f"http://B.example.test:{port}/feed")
    limits = FetchLimits(AGENT, per_host=1, allow_private=True)
    _, first_answered, second_received, _ = two_at_once(replay_server, limits, urls, dns)
    assert second_received < first_answered


def test_waiting_for_a_slot_does_not_count_against_the_deadline(
    replay_server: ReplayServer,
) -> None:
    # Each fetch takes 0.5 s of its 0.8 s; the second waits 0.5 s for its slot first.
    replay_server.route("/feed", Reply(200, RSS, delay=0.5))
    limits = FetchLimits(AGENT, timeout_s=0.8, per_host=1, allow_private=True)
    url = f"{replay_server.url}/feed"
    _, first_answered, second_received, _ = two_at_once(replay_server, limits, (url, url))
    assert second_received >= first_answered


# Clients and limits.


def test_cookies_are_neither_kept_nor_sent(replay_server: ReplayServer) -> None:
    replay_server.route("/feed", Reply(200, RSS, {"Set-Cookie": "session=abc; Path=/"}))
    url = f"{replay_server.url}/feed"

    async def twice(fetcher: Fetcher) -> None:
        await fetcher.get(url)
        await fetcher.get(url)

    run(twice, owned=True)
    assert [lower(seen.headers).get("cookie") for seen in replay_server.hits("/feed")] == [None] * 2


def test_an_injected_client_is_left_open(replay_server: ReplayServer) -> None:
    replay_server.route("/feed", Reply(200, RSS))

    async def main() -> bool:
        async with httpx.AsyncClient() as client:
            async with Fetcher(LIMITS, client) as fetcher:
                await fetcher.get(f"{replay_server.url}/feed")
            return client.is_closed

    assert asyncio.run(main()) is False


def test_errors_survive_pickling() -> None:
    error = FetchError(
        FetchErrorKind.RATE_LIMITED,
        "https://desk:pw@wire.example.org/v1",
        "HTTP 429 Too Many Requests,\nretry after 30 s",
        status=429,
        retry_after=timedelta(seconds=30),
    )
    assert (
        str(error)
        == "https://desk:***@wire.example.org/v1: HTTP 429 Too Many Requests, retry after 30 s"
    )
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.kind, copy.url, copy.message, copy.status, copy.retry_after, str(copy)) == (
        error.kind,
        error.url,
        error.message,
        429,
        timedelta(seconds=30),
        str(error),
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"user_agent": " "},
        {"timeout_s": 0},
        {"max_bytes": 0},
        {"per_host": 0},
        {"max_redirects": -1},
    ],
)
def test_unworkable_limits_are_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        FetchLimits(**{"user_agent": AGENT, **changes})
