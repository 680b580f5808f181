"""The page cache: pages kept in memory, and dropped exactly when what they show changes.

Every change is made through the store (the path the newsroom, import, ingest and the
schedule all take), and every check is an HTTP request through the whole app: a page is
``X-Cache: hit`` when it came from memory and ``miss`` when it was rendered.
"""

from __future__ import annotations

import asyncio
import gzip
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import brotli
import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from dateline import publish
from dateline.config import Settings
from dateline.model import Listing, Observation, PagePurge
from dateline.model import Scope as PurgeScope
from dateline.store import Store, open_store
from dateline.testing import build_fixture_newsroom, publish_story
from dateline.weather.cache import CITY_COOKIE
from dateline.web.app import create_app
from dateline.web.pagecache import PageCache, PageCacheMiddleware, accepted_encoding, untracked
from dateline.web.surrogate import keys_for_purges, tag

PLAIN = {"Accept-Encoding": "identity"}


@pytest.fixture
def ids(store: Store) -> list[int]:
    return build_fixture_newsroom(store)


def cached(client: TestClient, url: str) -> str:
    """Fetch ``url`` until it comes from memory; returns its text."""
    client.get(url, headers=PLAIN)
    response = client.get(url, headers=PLAIN)
    assert response.status_code == 200, url
    assert response.headers["x-cache"] == "hit", url
    return response.text


def fetch(client: TestClient, url: str) -> tuple[str, str]:
    response = client.get(url, headers=PLAIN)
    return response.headers.get("x-cache", ""), response.text


def article_path(client: TestClient, article_id: int) -> str:
    return str(client.get(f"/api/articles/{article_id}").json()["url"])


def test_a_second_request_comes_from_memory(client: TestClient, ids: list[int]) -> None:
    first = client.get("/", headers=PLAIN)
    second = client.get("/", headers=PLAIN)
    assert first.headers["x-cache"] == "miss"
    assert second.headers["x-cache"] == "hit"
    assert second.content == first.content
    assert second.headers["etag"] == first.headers["etag"]
    assert second.headers["cache-control"] == first.headers["cache-control"]
    assert "article-" in second.headers["surrogate-key"]
    head = client.head("/", headers=PLAIN)
    assert head.headers["x-cache"] == "hit"
    assert head.content == b""
    assert head.headers["content-length"] == str(len(first.content))


@pytest.mark.parametrize(
    ("accept", "encoding"),
    [("br, gzip", "br"), ("gzip, deflate", "gzip"), ("identity", None), ("br;q=0, gzip", "gzip")],
)
def test_pages_are_sent_compressed_as_the_reader_accepts(
    client: TestClient, ids: list[int], accept: str, encoding: str | None
) -> None:
    plain = client.get("/", headers=PLAIN).content
    response = client.get("/", headers={"Accept-Encoding": accept})
    assert response.headers.get("content-encoding") == encoding
    assert response.content == plain  # decoded by the client
    assert "Accept-Encoding" in response.headers["vary"]
    etag = response.headers["etag"]
    assert etag.endswith({"br": '-br"', "gzip": '-gz"', None: '"'}[encoding])
    again = client.get("/", headers={"Accept-Encoding": accept, "If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""


def test_compressed_bytes_decode_to_the_page(client: TestClient, ids: list[int]) -> None:
    plain = client.get("/rss.xml", headers=PLAIN).content
    cache = client.app.state.page_cache  # type: ignore[attr-defined]
    entry = cache.get("/rss.xml?")
    assert brotli.decompress(entry.variant("br").body) == plain
    assert gzip.decompress(entry.variant("gzip").body) == plain


def test_a_conditional_request_is_answered_from_memory(client: TestClient, ids: list[int]) -> None:
    etag = client.get("/section/world", headers=PLAIN).headers["etag"]
    response = client.get("/section/world", headers={**PLAIN, "If-None-Match": etag})
    assert response.status_code == 304
    assert response.headers["etag"] == etag
    assert "s-maxage" in response.headers["cache-control"]


def test_publishing_changes_exactly_the_pages_that_show_it(
    client: TestClient, store: Store, ids: list[int]
) -> None:
    shows = ["/", "/section/world", "/rss.xml", "/section/world/atom.xml", "/api/articles"]
    shows.append(article_path(client, ids[0]))  # its "Recent articles" list
    unaffected = ["/author/tom-reyes", "/topic/oceans", "/section/science"]
    for url in shows + unaffected:
        cached(client, url)

    publish_story(store, "Talks on river rights resume", "Ana Lima")

    for url in shows:
        how, text = fetch(client, url)
        assert how == "miss", url
        assert "Talks on river rights resume" in text, url
    for url in unaffected:
        assert fetch(client, url)[0] == "hit", url
    assert "Talks on river rights resume" in fetch(client, "/author/ana-lima")[1]


def test_an_edit_reaches_its_page_and_the_lists_that_show_it(
    client: TestClient, store: Store, ids: list[int]
) -> None:
    path = article_path(client, ids[0])
    original = store.article(ids[0])
    assert original is not None
    elsewhere = next(
        url
        for url in ("/topic/oceans", "/section/science")
        if original.headline not in cached(client, url)
    )
    cached(client, path)
    cached(client, "/")
    later = (original.version_at or datetime.now(UTC)) + timedelta(minutes=5)
    store.save_articles([replace(original, headline="A corrected headline", version_at=later)])

    assert "A corrected headline" in fetch(client, path)[1]
    assert "A corrected headline" in fetch(client, "/")[1]
    assert fetch(client, elsewhere)[0] == "hit"

    cached(client, path)
    store.add_correction(ids[0], "An earlier version misstated the vote count.", later)
    how, text = fetch(client, path)
    assert how == "miss"
    assert "misstated the vote count" in text


def test_unpublishing_takes_the_article_off_every_cached_page(
    client: TestClient, store: Store, ids: list[int]
) -> None:
    path = article_path(client, ids[0])
    article = store.article(ids[0])
    assert article is not None
    cached(client, path)
    assert article.headline in cached(client, "/")
    publish.unpublish(store, ids[0])
    assert client.get(path, headers=PLAIN).status_code == 404
    assert article.headline not in fetch(client, "/")[1]
    assert article.headline not in fetch(client, "/rss.xml")[1]


def test_a_new_observation_reaches_every_cached_page(
    client: TestClient, store: Store, ids: list[int]
) -> None:
    now = datetime.now(UTC)
    store.save_observation(Observation("New York", "New York", 15.5, now, now, "test"))
    assert "15.5 C" in cached(client, "/")
    later = now + timedelta(seconds=1)
    store.save_observation(Observation("New York", "New York", 17.0, later, later, "test"))
    how, text = fetch(client, "/")
    assert how == "miss"
    assert "17.0 C" in text


def test_a_cached_page_goes_when_its_weather_would_go_stale(
    client: TestClient, store: Store, ids: list[int]
) -> None:
    observed = datetime.now(UTC) - timedelta(minutes=58)  # shown plainly for two more minutes
    store.save_observation(Observation("New York", "New York", 15.5, observed, observed, "test"))
    cached(client, "/")
    entry = client.app.state.page_cache.entries["/?"]  # type: ignore[attr-defined]
    assert entry.expires - time.monotonic() < 125


def test_a_reader_with_a_chosen_city_is_never_served_from_memory(
    client: TestClient, ids: list[int]
) -> None:
    cached(client, "/")
    client.cookies.set(CITY_COOKIE, "Oslo")
    response = client.get("/", headers=PLAIN)
    assert response.headers["x-cache"] == "bypass"
    assert response.headers["cache-control"].startswith("private")


def test_the_newsroom_and_errors_are_not_kept(client: TestClient, ids: list[int]) -> None:
    for _ in range(2):
        assert client.get("/no-such-page", headers=PLAIN).headers["x-cache"] == "bypass"
    assert "x-cache" not in client.get("/newsroom/login", headers=PLAIN).headers


def test_the_cache_can_be_turned_off(settings: Settings, store: Store, ids: list[int]) -> None:
    app = create_app(replace(settings, page_cache=False), store=store, background=False)
    with TestClient(app) as client:
        for _ in range(2):
            assert "x-cache" not in client.get("/", headers=PLAIN).headers


def test_the_cache_keeps_to_its_size(settings: Settings, store: Store, ids: list[int]) -> None:
    cache = PageCache(store, max_bytes=20_000)
    app = create_app(replace(settings, page_cache=False), store=store, background=False)
    with TestClient(PageCacheMiddleware(app, cache)) as client:
        for url in ("/", "/section/world", "/section/science", "/rss.xml", "/atom.xml"):
            assert client.get(url, headers=PLAIN).headers["x-cache"] == "miss"
    assert 0 < cache.size <= 20_000
    assert 0 < len(cache.entries) < 5
    cache.close()


def test_changes_by_another_store_on_the_database_reach_the_cache(
    client: TestClient, database_url: str, ids: list[int]
) -> None:
    """A second store is what another process sees: its own connections, its own writes."""
    cached(client, "/")
    other = open_store(database_url)
    try:
        publish_story(other, "Ferry service restored", "Ana Lima")
    finally:
        other.close()
    deadline = time.monotonic() + 1.0  # PostgreSQL's NOTIFY crosses a socket
    while "Ferry service restored" not in fetch(client, "/")[1]:
        assert time.monotonic() < deadline, "the change did not reach the cache within 1 s"
        time.sleep(0.02)


@pytest.mark.parametrize(
    ("header", "chosen"),
    [
        ("", "identity"),
        ("gzip", "gzip"),
        ("gzip, br", "br"),
        ("br;q=0", "identity"),
        ("*", "br"),
        ("*;q=0, gzip;q=0.5", "gzip"),
        ("deflate", "identity"),
    ],
)
def test_accept_encoding_is_read_with_its_weights(header: str, chosen: str) -> None:
    assert accepted_encoding(header) == chosen


def test_purges_turn_into_the_keys_they_make_wrong() -> None:
    listed = {7: Listing(7, "world", ("ana-lima",), ("rivers",))}
    keys = keys_for_purges([PagePurge(PurgeScope.LISTING, 7)], listed)
    assert keys == {
        "article-7",
        "section-world",
        "author-ana-lima",
        "topic-rivers",
        "home",
        "recent",
        "feeds",
        "sitemaps",
        "search",
    }
    assert keys_for_purges([PagePurge(PurgeScope.RELATED, 3)], {}) == {"related-3"}
    assert keys_for_purges([PagePurge(PurgeScope.CONTENT, 3)], {}) == {"article-3", "search"}
    assert keys_for_purges([PagePurge(PurgeScope.WEATHER)], {}) == {"weather"}
    unknown = keys_for_purges([PagePurge(PurgeScope.LISTING, 9)], {})  # deleted since
    assert unknown is not None and unknown >= {"article-9", "home", "recent"}
    assert keys_for_purges([PagePurge(PurgeScope.ALL)], {}) is None


def test_a_render_that_overlaps_a_purge_is_not_kept(store: Store, ids: list[int]) -> None:
    """Rendering reads rows; if a change commits before the bytes are kept, they may be old."""

    async def page(request: Request) -> Response:
        tag(request, f"article-{ids[0]}")
        if request.query_params.get("change"):
            publish.unpublish(store, ids[0])  # commits while this answer is being made
        return PlainTextResponse(
            "old rows", headers={"cache-control": "public, max-age=0", "etag": '"x"'}
        )

    cache = PageCache(store, max_bytes=1_000_000)
    app = PageCacheMiddleware(Starlette(routes=[Route("/", page)]), cache)
    with TestClient(app) as client:
        assert client.get("/?change=1").headers["x-cache"] == "miss"
        assert client.get("/?change=1").headers["x-cache"] == "miss"  # not kept
        assert client.get("/").headers["x-cache"] == "miss"
        assert client.get("/").headers["x-cache"] == "hit"
    cache.close()


def test_readers_arriving_together_wait_for_one_render(store: Store) -> None:
    """A breaking story right after its publish purged it: one render, not one per reader."""
    renders = 0

    async def page(request: Request) -> Response:
        nonlocal renders
        renders += 1
        tag(request, "article-1")
        await asyncio.sleep(0.2)  # rendering takes a while; everyone else arrives meanwhile
        return PlainTextResponse(
            "the story", headers={"cache-control": "public, max-age=0", "etag": '"s"'}
        )

    cache = PageCache(store, max_bytes=1_000_000)
    app = PageCacheMiddleware(Starlette(routes=[Route("/story", page)]), cache)

    async def readers() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return list(await asyncio.gather(*(client.get("/story") for _ in range(10))))

    answers = asyncio.run(readers())
    cache.close()
    assert renders == 1
    assert all(a.status_code == 200 and a.text == "the story" for a in answers)
    assert sorted(a.headers["x-cache"] for a in answers) == ["hit"] * 9 + ["miss"]


def test_tracking_parameters_of_shared_links_find_the_same_page(
    client: TestClient, ids: list[int]
) -> None:
    path = article_path(client, ids[0])
    cached(client, path)
    for query in ("?fbclid=IwAR0abc", "?utm_source=x&utm_medium=social", "?gclid=1&UTM_ID=2"):
        assert client.get(path + query, headers=PLAIN).headers["x-cache"] == "hit", query
    assert client.get("/section/world?page=1", headers=PLAIN).headers["x-cache"] == "miss"


@pytest.mark.parametrize(
    ("query", "key"),
    [
        (b"", ""),
        (b"q=storm&utm_source=x", "q=storm"),
        (b"fbclid=1", ""),
        (b"page=2&gclid=z&ref=a", "page=2&ref=a"),
    ],
)
def test_the_cache_key_leaves_out_tracking_parameters(query: bytes, key: str) -> None:
    assert untracked(query) == key
