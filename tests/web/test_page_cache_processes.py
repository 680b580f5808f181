"""The page cache across processes: two real ``dateline serve`` processes on one store.

The test process changes the store as a third process would (the newsroom, import, ingest
or the schedule of another server); each server's cache must drop exactly what the change
touched, within a second of the commit returning (SQLite's data version, PostgreSQL's
NOTIFY), and keep the rest.
"""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dateline import publish
from dateline.store import open_store
from dateline.testing import build_fixture_newsroom, publish_story
from tests.commands import dateline_env
from tests.servers import Serve, wait_for

WITHIN = 1.0  # seconds: the bound for an invalidation to reach every process


def fetch(server: Serve, path: str) -> tuple[int, str, str]:
    """Status, ``X-Cache`` and text of ``path`` on ``server``."""
    request = urllib.request.Request(server.url + path, headers={"Accept-Encoding": "identity"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            body = answer.read().decode("utf-8")
            return int(answer.status), answer.headers.get("x-cache", ""), body
    except urllib.error.HTTPError as error:
        return int(error.code), error.headers.get("x-cache", ""), ""


def warm(servers: list[Serve], *paths: str) -> None:
    for server in servers:
        for path in paths:
            fetch(server, path)
            assert fetch(server, path)[1] == "hit", (server.url, path)


def shows_within(servers: list[Serve], path: str, check: Callable[[int, str], bool]) -> None:
    """Every server answers ``path`` so that ``check(status, text)`` holds within WITHIN s."""
    deadline = time.monotonic() + WITHIN
    for server in servers:
        while True:
            status, _how, text = fetch(server, path)
            if check(status, text):
                break
            assert time.monotonic() < deadline, f"{server.url}{path} still stale after {WITHIN} s"
            time.sleep(0.01)


def test_two_servers_drop_exactly_what_a_change_touches(
    database_url: str, tmp_path: Path, serving: Callable[..., Serve]
) -> None:
    store = open_store(database_url)
    try:
        ids = build_fixture_newsroom(store)
        env = dateline_env(
            tmp_path, database_url, DATELINE_WEATHER_PROVIDER="off", DATELINE_INGEST="0"
        )
        servers = [serving(env, tmp_path / f"serve-{n}.log") for n in "ab"]
        for server in servers:
            wait_for(server.answers, "both servers to answer")
        first = store.article(ids[0])
        assert first is not None
        page = str(first.path)
        warm(servers, "/", "/section/world", "/rss.xml", page, "/author/tom-reyes")

        # a new article: the lists it joins change, another author's page does not
        publish_story(store, "Port of Lisbon reopens", "Ana Lima")
        for path in ("/", "/section/world", "/rss.xml", page):
            shows_within(servers, path, lambda _s, text: "Port of Lisbon reopens" in text)
        assert all(fetch(s, "/author/tom-reyes")[1] == "hit" for s in servers)

        # an edit: the article's page and the lists that show it
        warm(servers, page, "/")
        later = (first.version_at or datetime.now(UTC)) + timedelta(minutes=5)
        store.save_articles([replace(first, headline="Headline as corrected", version_at=later)])
        for path in (page, "/"):
            shows_within(servers, path, lambda _s, text: "Headline as corrected" in text)

        # unpublished: gone from its address and from every list
        warm(servers, page, "/rss.xml")
        publish.unpublish(store, ids[0])
        shows_within(servers, page, lambda status, _t: status == 404)
        for path in ("/", "/rss.xml"):
            shows_within(servers, path, lambda _s, text: "Headline as corrected" not in text)
    finally:
        store.close()
