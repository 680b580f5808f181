"""HTTP caching of every public response: ETag and 304, Cache-Control, Vary, Surrogate-Key."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from dateline import publish
from dateline.store import Store
from dateline.testing import build_fixture_newsroom, fixture_articles
from dateline.weather.cache import CITY_COOKIE
from dateline.web.caching import CachingMiddleware, etag_matches, not_modified_since
from dateline.web.routes import routes

PUBLIC = "public, max-age=0, s-maxage=60, stale-while-revalidate=600"


def article_url(client: TestClient, article_id: int) -> str:
    return str(client.get(f"/api/articles/{article_id}").json()["url"])


def keys(response: object) -> set[str]:
    return set(response.headers.get("surrogate-key", "").split())  # type: ignore[attr-defined]


@pytest.fixture
def ids(store: Store) -> list[int]:
    return build_fixture_newsroom(store)


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "ARTICLE",
        "/section/world",
        "/author/tom-reyes",
        "/api/articles",
        "ARTICLE_API",
        "/search?q=storm",
        "/rss.xml",
        "/atom.xml",
        "/feed.json",
        "/section/world/rss.xml",
        "/robots.txt",
        "/sitemap.xml",
        "/sitemaps/pages.xml",
        "/news-sitemap.xml",
    ],
)
def test_a_matching_if_none_match_gets_304(client: TestClient, ids: list[int], url: str) -> None:
    url = {"ARTICLE": article_url(client, ids[0]), "ARTICLE_API": f"/api/articles/{ids[0]}"}.get(
        url, url
    )
    first = client.get(url)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{24}(-br|-gz)?"', etag)  # the page cache marks encodings
    assert first.headers["cache-control"] == PUBLIC
    assert "Accept-Encoding" in first.headers["vary"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    for name in ("etag", "cache-control", "vary", "surrogate-key"):
        assert again.headers[name] == first.headers[name]
    assert "content-type" not in again.headers


def test_if_none_match_lists_wildcards_weak_tags_and_mismatches(
    client: TestClient, ids: list[int]
) -> None:
    etag = client.get("/").headers["etag"]
    status = {
        value: client.get("/", headers={"If-None-Match": value}).status_code
        for value in ('"other"', f'"other", {etag}', "*", f"W/{etag}", f'W/"x" , W/{etag}', "")
    }
    assert status == {
        '"other"': 200,
        f'"other", {etag}': 304,
        "*": 304,
        f"W/{etag}": 304,
        f'W/"x" , W/{etag}': 304,
        "": 200,
    }


def test_the_etag_changes_when_the_content_does(
    client: TestClient, store: Store, ids: list[int]
) -> None:
    url = article_url(client, ids[1])
    before = client.get(url).headers["etag"]
    home_before = client.get("/").headers["etag"]
    assert client.get(url).headers["etag"] == before  # stable while nothing changes
    store.add_correction(ids[1], "An earlier version misstated the date.", datetime.now(UTC))
    changed = client.get(url, headers={"If-None-Match": before})
    assert changed.status_code == 200 and changed.headers["etag"] != before
    new = replace(fixture_articles(datetime.now(UTC))[0], uid="new:1", slug="new-story")
    new = replace(new, headline="A brand new story", section=store.sections()[0])
    publish.publish(store, [store.save_articles([new])[0].article_id], datetime.now(UTC))
    home = client.get("/", headers={"If-None-Match": home_before})
    assert home.status_code == 200 and "A brand new story" in home.text


def test_head_gets_the_headers_of_get_and_no_body(client: TestClient, ids: list[int]) -> None:
    url = article_url(client, ids[0])
    get, head = client.get(url), client.head(url)
    assert head.status_code == 200 and head.content == b""
    for name in ("etag", "cache-control", "content-length", "content-type", "surrogate-key"):
        assert head.headers[name] == get.headers[name]
    assert client.head(url, headers={"If-None-Match": get.headers["etag"]}).status_code == 304


def test_the_article_page_names_everything_it_shows(client: TestClient, ids: list[int]) -> None:
    data = client.get(f"/api/articles/{ids[1]}").json()
    shown = {data["id"], *(r["id"] for r in data["related"]), *(r["id"] for r in data["recent"])}
    assert data["related"], "the fixture article has a related list"
    expected = {f"article-{i}" for i in shown} | {f"related-{ids[1]}", "section-world", "recent"}
    # the page also shows the navigation and the weather widget
    assert keys(client.get(data["url"])) == expected | {"sections", "weather"}
    assert keys(client.get(f"/api/articles/{ids[1]}")) == expected


def test_list_pages_name_their_subject_and_articles(client: TestClient, ids: list[int]) -> None:
    world = client.get("/api/articles", params={"section": "world"}).json()["items"]
    section = keys(client.get("/section/world"))
    listed = {f"article-{a['id']}" for a in world}
    assert section == {"section-world", "sections", "weather"} | listed
    home = keys(client.get("/"))
    assert {"home", "recent", "sections", "section-world"} <= home
    assert {f"article-{i}" for i in ids} <= home
    assert {"author-tom-reyes", "sections"} <= keys(client.get("/author/tom-reyes"))
    assert {"topic-gaza"} <= keys(client.get("/api/articles", params={"topic": "gaza"}))
    assert keys(client.get("/api/sections")) == {
        "sections",
        "section-world",
        "section-business",
        "section-science",
    }


def test_the_404_page_is_cacheable_and_names_its_lists(client: TestClient, ids: list[int]) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.headers["cache-control"] == PUBLIC
    assert {"recent", "sections"} <= keys(response)
    assert "etag" not in response.headers


def test_a_reader_with_a_chosen_city_gets_a_private_page(
    client: TestClient, ids: list[int]
) -> None:
    public = client.get("/")
    assert public.headers["cache-control"] == PUBLIC
    assert "Cookie" in public.headers["vary"]  # a shared cache must not answer a chooser
    client.cookies.set(CITY_COOKIE, "Oslo")
    chosen = client.get("/")
    assert chosen.headers["cache-control"] == "private, max-age=0, must-revalidate"
    assert client.get("/", headers={"If-None-Match": chosen.headers["etag"]}).status_code == 304
    api = client.get("/api/articles")  # no weather in the API: still public
    assert api.headers["cache-control"] == PUBLIC
    client.cookies.clear()


def test_the_newsroom_is_private_and_never_stored(client: TestClient) -> None:
    for url in ("/newsroom/login", "/newsroom/"):
        response = client.get(url, follow_redirects=False)
        assert response.headers["cache-control"] == "private, no-store", url
        assert "etag" not in response.headers and "surrogate-key" not in response.headers


def test_static_files_keep_their_immutable_policy(client: TestClient) -> None:
    href = re.search(r'href="(/static/[^"]+\.css)"', client.get("/").text)
    assert href is not None
    response = client.get(href.group(1))
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    etag = response.headers["etag"]
    assert client.get(href.group(1), headers={"If-None-Match": etag}).status_code == 304


def test_posts_and_bad_requests_are_not_made_cacheable(client: TestClient) -> None:
    post = client.post("/weather/city", data={"city": "Oslo"}, follow_redirects=False)
    assert post.status_code == 303
    assert "cache-control" not in post.headers and "etag" not in post.headers
    bad = client.get("/api/articles", params={"limit": "0"})
    assert bad.status_code == 400
    assert "cache-control" not in bad.headers and "etag" not in bad.headers


def test_every_public_page_without_parameters_is_cacheable(
    client: TestClient, ids: list[int]
) -> None:
    """Pages, feeds, sitemaps, robots, the API: whatever the URL map serves to readers."""
    paths = [
        path
        for route in routes()
        if "{" not in (path := getattr(route, "path", "{"))
        and not path.startswith("/newsroom")
        and "GET" in (getattr(route, "methods", None) or ())
    ]
    assert "/" in paths and "/api/openapi.json" in paths
    for path in paths:
        response = client.get(path, params={"q": "Gaza"} if "search" in path else None)
        assert response.status_code == 200, path
        assert "stale-while-revalidate=" in response.headers["cache-control"], path
        streamed = "content-length" not in response.headers  # no ETag for a streamed body
        assert streamed or response.headers["etag"], path


# The middleware alone, over a small app: Last-Modified, streaming, other statuses.

LAST_MODIFIED = "Tue, 10 Mar 2026 12:00:00 GMT"


async def dated(request: Request) -> Response:
    return PlainTextResponse("dated", headers={"Last-Modified": LAST_MODIFIED})


async def streamed(request: Request) -> Response:
    async def parts() -> AsyncIterator[bytes]:
        for part in (b"one ", b"two ", b"three"):
            yield part

    return StreamingResponse(parts(), media_type="text/plain")


async def missing(request: Request) -> Response:
    return PlainTextResponse("gone", status_code=500)


@pytest.fixture
def small() -> TestClient:
    app = Starlette(
        routes=[Route("/dated", dated), Route("/streamed", streamed), Route("/error", missing)],
        middleware=[Middleware(CachingMiddleware, max_age=5, stale=50)],
    )
    return TestClient(app)


def test_if_modified_since_is_answered_from_last_modified(small: TestClient) -> None:
    assert small.get("/dated", headers={"If-Modified-Since": LAST_MODIFIED}).status_code == 304
    later = "Wed, 11 Mar 2026 00:00:00 GMT"
    assert small.get("/dated", headers={"If-Modified-Since": later}).status_code == 304
    earlier = "Mon, 09 Mar 2026 00:00:00 GMT"
    assert small.get("/dated", headers={"If-Modified-Since": earlier}).status_code == 200
    assert small.get("/dated", headers={"If-Modified-Since": "garbage"}).status_code == 200
    # If-None-Match wins over If-Modified-Since
    both = {"If-Modified-Since": LAST_MODIFIED, "If-None-Match": '"nope"'}
    assert small.get("/dated", headers=both).status_code == 200


def test_a_streamed_body_streams_without_an_etag(small: TestClient) -> None:
    response = small.get("/streamed")
    assert response.text == "one two three"
    expected = "public, max-age=0, s-maxage=5, stale-while-revalidate=50"
    assert response.headers["cache-control"] == expected
    assert "etag" not in response.headers
    head = small.head("/streamed")
    assert head.status_code == 200 and head.content == b""


def test_server_errors_get_no_caching_headers(small: TestClient) -> None:
    response = small.get("/error")
    assert response.status_code == 500
    assert "cache-control" not in response.headers and "etag" not in response.headers


def test_validator_comparisons() -> None:
    assert etag_matches('"a", "b"', '"b"') and etag_matches('W/"b"', '"b"')
    assert etag_matches("*", '"z"') and not etag_matches('"a"', '"b"')
    assert not etag_matches(",", '"b"')
    assert not_modified_since(LAST_MODIFIED, LAST_MODIFIED)
    assert not not_modified_since("Mon, 09 Mar 2026 00:00:00 GMT", LAST_MODIFIED)
    assert not not_modified_since("", LAST_MODIFIED)
