"""A real nginx in front of two real ``dateline serve`` processes sharing page files.

nginx runs with exactly what ``dateline nginx-config`` prints. The test process changes
the store as a third process would (the newsroom of another machine, import, ingest, the
schedule); pages nginx sends from disk must show every change within a second of its
commit returning, as the page cache's own answers do (``test_page_cache_processes``),
and keep the pages the change did not touch.
"""

from __future__ import annotations

import gzip
import shutil
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dateline import publish
from dateline.store import open_store
from dateline.testing import build_fixture_newsroom, publish_story
from dateline.web.caching import public_cache_control
from dateline.web.pagefiles import BUCKET_SECONDS, bucket_of
from tests.commands import dateline_env, run_dateline
from tests.servers import Nginx, Serve, free_port, wait_for

pytestmark = pytest.mark.skipif(
    shutil.which("nginx") is None,
    reason="nginx is not installed (Debian's nginx-light; .ci/run installs it)",
)

WITHIN = 1.0  # seconds: the bound for an invalidation to reach every process


class Answer:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def how(self) -> str:
        return self.headers.get("x-cache", "")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def fetch(port: int, path: str, **headers: str) -> Answer:
    asked = {"Accept-Encoding": "identity"} | {k.replace("_", "-"): v for k, v in headers.items()}
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=asked)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            found = {k.lower(): v for k, v in answer.headers.items()}
            return Answer(int(answer.status), found, answer.read())
    except urllib.error.HTTPError as error:
        return Answer(int(error.code), {k.lower(): v for k, v in error.headers.items()}, b"")


def from_file(port: int, path: str) -> Answer:
    """GET ``path`` until nginx sends it from disk (the first asks dateline, which writes it;
    a new hundred seconds may start in between)."""
    for _ in range(5):
        answer = fetch(port, path)
        if answer.how == "file":
            return answer
    raise AssertionError(f"{path} never came from the page files: {answer.how!r}")


def shows_within(port: int, path: str, check: Callable[[Answer], bool]) -> None:
    deadline = time.monotonic() + WITHIN
    while not check(answer := fetch(port, path)):
        assert time.monotonic() < deadline, f"{path} still stale after {WITHIN} s ({answer.how})"
        time.sleep(0.01)


def test_nginx_sends_the_page_files_and_never_a_stale_one(
    database_url: str, tmp_path: Path, serving: Callable[..., Serve]
) -> None:
    store = open_store(database_url)
    nginx = None
    try:
        ids = build_fixture_newsroom(store)
        env = dateline_env(
            tmp_path,
            database_url,
            DATELINE_WEATHER_PROVIDER="off",
            DATELINE_INGEST="0",
            DATELINE_PAGE_FILES=str(tmp_path / "www"),
        )
        servers = [serving(env, tmp_path / f"serve-{n}.log") for n in "ab"]
        for server in servers:
            wait_for(server.answers, "both servers to answer")
        port = free_port()
        upstreams = [f"--upstream=127.0.0.1:{server.port}" for server in servers]
        made = run_dateline(env, "nginx-config", f"--listen=127.0.0.1:{port}", *upstreams)
        assert made.returncode == 0, made.stderr
        nginx = Nginx(tmp_path / "nginx", made.stdout)
        wait_for(lambda: _answers(port), "nginx to answer")

        first = store.article(ids[0])
        assert first is not None
        page = str(first.path)
        for path in ("/", "/section/world", "/rss.xml", page, "/author/tom-reyes"):
            from_file(port, path)

        # what nginx sends is what dateline sends (asked first: a server that renders the
        # page writes its file again, with a new time, so a new ETag)
        steady_bucket()
        status, direct = servers[0].get(page)
        sent = from_file(port, page)
        assert status == 200 and sent.body == direct
        assert sent.headers["content-type"] == "text/html; charset=utf-8"
        assert sent.headers["cache-control"] == public_cache_control(60, 600)
        assert "Cookie" in sent.headers["vary"]
        packed = fetch(port, page, Accept_Encoding="gzip, br")
        assert packed.how == "file" and packed.headers["content-encoding"] == "gzip"
        assert gzip.decompress(packed.body) == direct
        etag = sent.headers["etag"]
        assert fetch(port, page, If_None_Match=etag).status == 304
        # a reader's own weather city, credentials, or a query: dateline answers
        assert fetch(port, "/", Cookie="dateline_city=Oslo").how == "bypass"
        assert fetch(port, "/", Authorization="Basic eDp5").how == "bypass"
        assert fetch(port, "/?utm_source=social").how in ("hit", "miss")  # either server

        # a new article: the lists it joins change, another author's page does not
        steady_bucket()
        from_file(port, "/author/tom-reyes")
        publish_story(store, "Port of Lisbon reopens", "Ana Lima")
        for path in ("/", "/section/world", "/rss.xml", page):
            shows_within(port, path, lambda a: "Port of Lisbon reopens" in a.text)
        assert fetch(port, "/author/tom-reyes").how == "file"

        # an edit: the article's page and the lists that show it
        for path in (page, "/"):
            from_file(port, path)
        later = (first.version_at or datetime.now(UTC)) + timedelta(minutes=5)
        store.save_articles([replace(first, headline="Headline as corrected", version_at=later)])
        for path in (page, "/"):
            shows_within(port, path, lambda a: "Headline as corrected" in a.text)

        # unpublished: gone from its address and from every list
        for path in (page, "/rss.xml"):
            from_file(port, path)
        publish.unpublish(store, ids[0])
        shows_within(port, page, lambda a: a.status == 404)
        for path in ("/", "/rss.xml"):
            shows_within(port, path, lambda a: "Headline as corrected" not in a.text)
        assert "[crit]" not in nginx.errors() and "[alert]" not in nginx.errors()
    finally:
        if nginx is not None:
            nginx.stop()
        store.close()


def steady_bucket() -> None:
    """Wait for the next hundred seconds if fewer than 3 s of these are left: in a new
    folder, the first request for a page goes to dateline again, and the checks that
    follow expect the files written before them."""
    left = (bucket_of(time.time()) + 1) * BUCKET_SECONDS - time.time()
    if left < 3:
        time.sleep(left + 0.05)


def _answers(port: int) -> bool:
    try:
        return fetch(port, "/robots.txt").status == 200
    except OSError:
        return False
