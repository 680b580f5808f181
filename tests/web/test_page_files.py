"""Page files: what the page cache keeps, written for nginx, removed by what it shows.

The folder is checked as nginx would read it (``web.nginx`` looks for
``<bucket>$uri@.<suffix>``); a real nginx in front of real servers is in
``test_nginx_front.py``.
"""

from __future__ import annotations

import gzip
import os
import stat
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from dateline import publish
from dateline.config import Settings
from dateline.model import DatelineError
from dateline.store import Store, open_store
from dateline.testing import build_fixture_newsroom, publish_story
from dateline.weather.cache import CITY_COOKIE
from dateline.web.app import create_app, page_files
from dateline.web.caching import public_cache_control
from dateline.web.pagecache import PageCache, PageCacheMiddleware
from dateline.web.pagefiles import (
    BUCKET_SECONDS,
    PageFile,
    PageFiles,
    bucket_of,
    file_name,
)
from dateline.web.surrogate import tag

HTML = b"text/html; charset=utf-8"
PLAIN = {"Accept-Encoding": "identity"}
DEFAULT = public_cache_control(60, 600)


@pytest.fixture(autouse=True)
def steady_bucket() -> None:
    """Start each test at least 6 s before the current bucket ends, so that what a test
    writes is where it looks (and a 5-second clock ends within the bucket)."""
    left = (bucket_of(time.time()) + 1) * BUCKET_SECONDS - time.time()
    if left < 6:
        time.sleep(left + 0.05)


def on_disk(root: Path, path: str, content_type: bytes = HTML) -> Path:
    """Where nginx looks for ``path`` in the current bucket."""
    name = file_name(path, content_type)
    assert name is not None, path
    return root / str(bucket_of(time.time())) / name


def page(path: str, keys: set[str], good_for: float = 3600.0) -> PageFile:
    body = f"<p>{path}</p>".encode() * 100
    return PageFile(
        path=path,
        content_type=HTML,
        body=body,
        encoded={"gzip": gzip.compress(body)},
        keys=frozenset(keys),
        good_until=time.time() + good_for,
        modified=1_700_000_000.0,
    )


@pytest.mark.parametrize(
    ("path", "content_type", "name"),
    [
        ("/", HTML, "@.dl-html"),
        ("/2026/11/28/port-reopens", HTML, "2026/11/28/port-reopens@.dl-html"),
        ("/section/world/", HTML, "section/world/@.dl-html"),
        ("/rss.xml", b"application/rss+xml; charset=utf-8", "rss.xml@.dl-rss"),
        ("/api/articles", b"application/json", "api/articles@.dl-json"),
        ("/a%20b", HTML, None),  # nginx would look for the decoded name
        ("/a b", HTML, None),
        ("/../etc/passwd", HTML, None),
        ("/a/./b", HTML, None),
        ("//twice", HTML, None),
        ("/.keys/k-home", HTML, None),
        ("/café", HTML, None),
        ("/image", b"image/png", None),
        ("/page", b"text/html", None),  # not the exact type nginx would send
    ],
)
def test_only_plain_paths_of_known_types_get_a_file(
    path: str, content_type: bytes, name: str | None
) -> None:
    assert file_name(path, content_type) == name


def test_buckets_are_hundreds_of_seconds_as_nginx_reads_msec() -> None:
    assert BUCKET_SECONDS == 100
    assert bucket_of(1_764_300_099.999) == 17_643_000
    assert bucket_of(1_764_300_100.0) == 17_643_001


def test_a_page_is_written_whole_and_goes_with_what_it_shows(tmp_path: Path) -> None:
    files = PageFiles(tmp_path, DEFAULT)
    story = page("/world/port-reopens", {"article-1", "home"})
    other = page("/world/ferry", {"article-2"})
    assert files.write(story) == bucket_of(time.time())
    assert files.write(other) is not None
    target = on_disk(tmp_path, story.path)
    assert target.read_bytes() == story.body
    assert gzip.decompress(Path(f"{target}.gz").read_bytes()) == story.body
    assert target.stat().st_mtime == story.modified  # nginx's Last-Modified and ETag
    assert not list(target.parent.glob(".tmp-*"))

    assert files.purge({"section-science", "article-9"}) == 0
    assert target.exists()
    assert files.purge({"home"}) == 1
    assert not target.exists() and not Path(f"{target}.gz").exists()
    assert on_disk(tmp_path, other.path).exists()
    assert files.purge({"article-1"}) == 0  # its markers went with it


def test_pages_are_readable_by_nginx_whatever_the_umask(tmp_path: Path) -> None:
    """nginx's workers run as a user of their own: a private umask (systemd's
    ``UMask=0077``, say) must not leave the pages unreadable to them."""
    root = tmp_path / "pages"
    before = os.umask(0o077)
    try:
        settings = Settings(database_url=f"sqlite:///{tmp_path / 'site.db'}", page_files=str(root))
        files = page_files(settings)
        assert files is not None
        story = page("/world/port-reopens", {"article-1"})
        assert files.write(story) is not None
    finally:
        os.umask(before)
    target = on_disk(root, story.path)
    for path in (target, Path(f"{target}.gz")):
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path
    folder = target.parent
    while folder != tmp_path:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o755, folder
        folder = folder.parent


def test_a_page_that_would_outlive_its_clock_is_not_written(tmp_path: Path) -> None:
    """The weather widget's freshness: nginx may send a file until its bucket ends."""
    files = PageFiles(tmp_path, DEFAULT)
    assert files.write(page("/", {"weather"}, good_for=-1.0)) is None
    bucket_end = (bucket_of(time.time()) + 1) * BUCKET_SECONDS
    short = replace(page("/", {"weather"}), good_until=bucket_end - 0.5)
    assert files.write(short) is None
    assert not on_disk(tmp_path, "/").exists()
    assert files.write(replace(short, good_until=bucket_end)) is not None


def test_past_buckets_are_tidied_and_clear_removes_everything(tmp_path: Path) -> None:
    files = PageFiles(tmp_path, DEFAULT)
    now = time.time()
    files.write(page("/a", {"home"}), now - 2 * BUCKET_SECONDS)
    files.write(page("/b", {"home"}), now)
    files.tidy(now)
    assert [p.name for p in tmp_path.iterdir()] == [str(bucket_of(now))]
    files.clear()
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def ids(store: Store) -> list[int]:
    return build_fixture_newsroom(store)


@pytest.fixture
def filed(settings: Settings, store: Store, tmp_path: Path) -> Settings:
    return replace(settings, page_files=str(tmp_path / "www"))


def test_kept_pages_are_written_as_they_were_served(
    filed: Settings, store: Store, ids: list[int]
) -> None:
    root = Path(filed.page_files)
    with TestClient(create_app(filed, store=store, background=False)) as client:
        path = client.get(f"/api/articles/{ids[0]}").json()["url"]
        for url, content_type in (
            ("/", HTML),
            (path, HTML),
            ("/section/world", HTML),
            ("/rss.xml", b"application/rss+xml; charset=utf-8"),
        ):
            answer = client.get(url, headers=PLAIN)
            assert answer.headers["x-cache"] == "miss"
            assert answer.headers["content-type"].encode() == content_type
            target = on_disk(root, url, content_type)
            assert target.read_bytes() == answer.content, url
            assert gzip.decompress(Path(f"{target}.gz").read_bytes()) == answer.content

        # personal, credentialed or queried answers stay with dateline
        client.get("/section/science?page=1", headers=PLAIN)
        client.get("/section/science?page=1", headers=PLAIN)
        assert not on_disk(root, "/section/science").exists()
        client.cookies.set(CITY_COOKIE, "Oslo")
        client.get("/section/business", headers=PLAIN)
        assert not on_disk(root, "/section/business").exists()


def test_a_disk_that_refuses_costs_readers_nothing(
    filed: Settings, store: Store, ids: list[int], caplog: pytest.LogCaptureFixture
) -> None:
    """A full or read-only disk: the page is answered from memory, the write is tried
    once a bucket (not on every hit), and no half-written file is left."""
    root = Path(filed.page_files)
    with TestClient(create_app(filed, store=store, background=False)) as client:
        bucket = root / str(bucket_of(time.time()))
        bucket.write_text("in the way")  # every write under it now fails
        first = client.get("/section/world", headers=PLAIN)
        again = client.get("/section/world", headers=PLAIN)
        assert (first.status_code, again.status_code) == (200, 200)
        assert (first.headers["x-cache"], again.headers["x-cache"]) == ("miss", "hit")
        assert again.content == first.content
    refused = [r for r in caplog.records if "could not write /section/world" in r.getMessage()]
    assert len(refused) == 1, refused
    assert bucket.read_text() == "in the way"
    assert not list(root.glob("**/.tmp-*"))


def test_a_page_file_written_half_is_not_left_behind(tmp_path: Path) -> None:
    files = PageFiles(tmp_path, DEFAULT)
    story = page("/world/port-reopens", {"article-1"})
    (tmp_path / str(bucket_of(time.time()))).mkdir()
    blocker = on_disk(tmp_path, story.path)
    blocker.mkdir(parents=True)  # the page's own name is taken by a folder
    with pytest.raises(OSError):
        files.write(story)
    assert not list(tmp_path.glob("**/.tmp-*"))


def test_a_change_by_another_process_removes_every_page_showing_it(
    filed: Settings, store: Store, database_url: str, ids: list[int]
) -> None:
    """Process A wrote the pages; process B never held them, and still removes them."""
    root = Path(filed.page_files)
    with TestClient(create_app(filed, store=store, background=False)) as client:
        path = client.get(f"/api/articles/{ids[0]}").json()["url"]
        for url in ("/", path, "/author/tom-reyes"):
            client.get(url, headers=PLAIN)
            assert on_disk(root, url).exists(), url
    other_store, writer = open_store(database_url), open_store(database_url)
    other = PageCache(other_store, 1_000_000, PageFiles(root, DEFAULT))
    try:
        other.sync()  # B is running: its feed starts before the change
        publish_story(writer, "Port of Lisbon reopens", "Ana Lima")
        deadline = time.monotonic() + 1.0  # PostgreSQL's NOTIFY crosses a socket
        while on_disk(root, "/").exists():
            assert time.monotonic() < deadline, "the home page's file outlived the change"
            other.sync()
            time.sleep(0.01)
        assert on_disk(root, "/author/tom-reyes").exists()  # another author's page stays
        publish.unpublish(writer, ids[0])
        deadline = time.monotonic() + 1.0
        while on_disk(root, path).exists():
            assert time.monotonic() < deadline, "the article's file outlived its unpublishing"
            other.sync()
            time.sleep(0.01)
    finally:
        other.close()
        other_store.close()
        writer.close()


def test_a_write_request_removes_the_pages_before_it_answers(
    store: Store, tmp_path: Path, ids: list[int]
) -> None:
    """A publish in the newsroom: once its answer arrives, nginx no longer has the page."""

    async def story(request: Request) -> Response:
        tag(request, f"article-{ids[0]}")
        return PlainTextResponse(
            "the story " * 100,
            media_type="text/html",
            headers={"cache-control": DEFAULT, "etag": '"s"'},
        )

    async def unpublish(_request: Request) -> Response:
        publish.unpublish(store, ids[0])
        return PlainTextResponse("done")

    files = PageFiles(tmp_path, DEFAULT)
    cache = PageCache(store, 1_000_000, files)
    routes = [Route("/story", story), Route("/unpublish", unpublish, methods=["POST"])]
    with TestClient(PageCacheMiddleware(Starlette(routes=routes), cache)) as client:
        assert client.get("/story").headers["x-cache"] == "miss"
        assert on_disk(tmp_path, "/story").exists()
        assert client.post("/unpublish").status_code == 200
        assert not on_disk(tmp_path, "/story").exists()
    cache.close()


def test_answers_nginx_would_send_otherwise_are_not_written(store: Store, tmp_path: Path) -> None:
    async def own_rules(_request: Request) -> Response:
        return PlainTextResponse(
            "x" * 1000,
            media_type="text/html",
            headers={"cache-control": "public, max-age=3600", "etag": '"o"'},
        )

    async def linked(_request: Request) -> Response:
        return PlainTextResponse(
            "x" * 1000,
            media_type="text/html",
            headers={"cache-control": DEFAULT, "etag": '"l"', "link": "</a>; rel=next"},
        )

    cache = PageCache(store, 1_000_000, PageFiles(tmp_path, DEFAULT))
    app = Starlette(routes=[Route("/own", own_rules), Route("/linked", linked)])
    with TestClient(PageCacheMiddleware(app, cache)) as client:
        for url in ("/own", "/linked"):
            assert client.get(url).headers["x-cache"] == "miss"
            assert client.get(url).headers["x-cache"] == "hit"
            assert not on_disk(tmp_path, url).exists(), url
    cache.close()


def test_page_files_need_the_page_cache(tmp_path: Path) -> None:
    with pytest.raises(DatelineError, match="DATELINE_PAGE_FILES"):
        Settings(page_files=str(tmp_path), page_cache=False).check()
    assert os.listdir(tmp_path) == []


def test_a_page_near_the_end_of_its_life_is_rendered_afresh_to_be_filed(
    store: Store, tmp_path: Path
) -> None:
    """A file lives until its bucket ends; a kept page whose TTL ends sooner is rendered
    again rather than written, unless a part's own clock (the weather) is what ends it."""
    renders = 0

    async def story(request: Request) -> Response:
        nonlocal renders
        renders += 1
        if request.url.path == "/weather":
            request.scope["state"]["fresh_until"] = datetime.now(UTC) + timedelta(seconds=5)
        return PlainTextResponse(
            "x" * 1000, media_type="text/html", headers={"cache-control": DEFAULT, "etag": '"a"'}
        )

    cache = PageCache(store, 1_000_000, PageFiles(tmp_path, DEFAULT))
    app = Starlette(routes=[Route("/story", story), Route("/weather", story)])
    with TestClient(PageCacheMiddleware(app, cache)) as client:
        assert client.get("/story").headers["x-cache"] == "miss"
        assert on_disk(tmp_path, "/story").exists()
        on_disk(tmp_path, "/story").unlink()  # a new bucket: nginx asks dateline again
        cache.entries["/story?"].filed = -1
        cache.entries["/story?"].expires = time.monotonic() + 1.0  # its TTL nearly over
        assert client.get("/story").headers["x-cache"] == "hit"
        assert not on_disk(tmp_path, "/story").exists()
        assert client.get("/story").headers["x-cache"] == "miss"
        assert on_disk(tmp_path, "/story").exists() and renders == 2

        for _ in range(3):  # the weather's clock: kept in memory, never written
            client.get("/weather")
        assert not on_disk(tmp_path, "/weather").exists() and renders == 3
    cache.close()
