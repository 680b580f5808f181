"""The feeds through the real app, on each database: URLs, media types, validity, ids,
dates, the content setting, hostile content, the query count, and the alternate links."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from lxml import etree
from sqlalchemy import event
from starlette.testclient import TestClient

from dateline.config import Settings
from dateline.model import Article, Block, BlockKind, DatelineError, Section
from dateline.store import Store
from dateline.testing import build_fixture_newsroom
from dateline.web.app import create_app
from tests.feeds.validators import CONTENT, check_atom, check_jsonfeed, check_rss

SITE = "https://news.example.org"  # the conftest settings' site_url
LISTS = ["", "/section/world", "/author/nadia-farouk", "/topic/gaza"]
FORMATS = {
    "rss.xml": ("application/rss+xml; charset=utf-8", check_rss),
    "atom.xml": ("application/atom+xml; charset=utf-8", check_atom),
    "feed.json": ("application/feed+json; charset=utf-8", check_jsonfeed),
}
ALTERNATE = re.compile(r'<link rel="alternate" type="([^"]+)" title="[^"]*" href="([^"]+)">')


def _json_items(client: TestClient, path: str = "/feed.json") -> list[dict[str, object]]:
    response = client.get(path)
    assert response.status_code == 200
    items: list[dict[str, object]] = json.loads(response.content)["items"]
    return items


def test_every_feed_is_served_valid_with_its_media_type(client: TestClient, store: Store) -> None:
    build_fixture_newsroom(store)
    for prefix in LISTS:
        for name, (media_type, check) in FORMATS.items():
            path = f"{prefix}/{name}"
            response = client.get(path)
            assert response.status_code == 200, path
            assert response.headers["content-type"] == media_type, path
            assert check(response.content, f"{SITE}{path}") == [], path


def test_list_feeds_hold_the_lists_articles(client: TestClient, store: Store) -> None:
    build_fixture_newsroom(store)
    world = {a.headline for a in store.list_published(limit=50, section_slug="world")}
    assert {i["title"] for i in _json_items(client, "/section/world/feed.json")} == world
    author = store.author("nadia-farouk")
    assert author is not None and author.id is not None
    written = {a.headline for a in store.list_published(limit=50, author_id=author.id)}
    assert {i["title"] for i in _json_items(client, "/author/nadia-farouk/feed.json")} == written
    channel = etree.fromstring(client.get("/topic/gaza/rss.xml").content).find("channel")
    assert channel is not None
    assert channel.findtext("title") == "Gaza · The Test Dateline"
    assert channel.findtext("link") == f"{SITE}/topic/gaza"
    site = _json_items(client)
    assert [i["title"] for i in site] == [a.headline for a in store.list_published(limit=50)]


def test_unknown_slugs_are_not_found(client: TestClient, store: Store) -> None:
    build_fixture_newsroom(store)
    for kind in ("section", "author", "topic"):
        for name in FORMATS:
            assert client.get(f"/{kind}/no-such-thing/{name}").status_code == 404
    assert client.get("/section/world/feed.xml").status_code == 404


def test_ids_stay_and_dates_follow_an_edit(client: TestClient, store: Store) -> None:
    build_fixture_newsroom(store)
    before = {str(i["id"]): i for i in _json_items(client)}
    original = store.article_by_uid(
        "fixture:ocean-probe-maps-a-trench-deeper-than-expected-off-the-azores"
    )
    assert original is not None and original.published_at is not None
    later = datetime.now(UTC) + timedelta(minutes=5)
    edited = replace(
        original,
        headline="Ocean probe finds the Azores trench is deeper still",
        version_at=later,
        updated_at=later,
    )
    assert store.save_articles([edited])[0].outcome == "updated"
    after = {str(i["id"]): i for i in _json_items(client)}
    assert after.keys() == before.keys()
    (changed,) = [k for k in after if after[k]["title"] != before[k]["title"]]
    assert after[changed]["title"] == edited.headline
    assert after[changed]["date_published"] == before[changed]["date_published"]
    assert after[changed]["date_modified"] == later.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert changed.startswith("tag:news.example.org,") and changed.endswith(
        f":article:{original.id}"
    )
    rss_ids = [g.text for g in etree.fromstring(client.get("/rss.xml").content).iter("guid")]
    atom_ids = [
        e.text
        for e in etree.fromstring(client.get("/atom.xml").content).iter(
            "{http://www.w3.org/2005/Atom}id"
        )
    ][1:]  # the first is the feed's own
    assert rss_ids == atom_ids == list(after)


def test_dates_are_the_articles(client: TestClient, store: Store) -> None:
    build_fixture_newsroom(store)
    newest = store.list_published(limit=1)[0]
    assert newest.published_at is not None
    item = etree.fromstring(client.get("/rss.xml").content).find("channel/item")
    assert item is not None
    assert parsedate_to_datetime(item.findtext("pubDate") or "") == newest.published_at.replace(
        microsecond=0
    )
    first = _json_items(client)[0]
    assert first["date_published"] == newest.published_at.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_full_content_by_default_and_summary_by_setting(
    client: TestClient, store: Store, settings: Settings
) -> None:
    build_fixture_newsroom(store)
    full = client.get("/rss.xml").content
    assert b"content:encoded" in full and b"Researchers said the sonar data" in full
    summary_settings = replace(settings, feed_content="summary")
    with TestClient(create_app(summary_settings, store=store, background=False)) as summary:
        for name, (_media_type, check) in FORMATS.items():
            body = summary.get(f"/{name}").content
            assert b"Researchers said the sonar data" not in body, name
            assert check(body, f"{SITE}/{name}") == [], name
        root = etree.fromstring(summary.get("/rss.xml").content)
        assert root.find(f"channel/item/{{{CONTENT}}}encoded") is None
        assert "content_html" not in _json_items(summary)[0]


def test_feed_content_setting_is_checked() -> None:
    with pytest.raises(DatelineError, match="DATELINE_FEED_CONTENT"):
        Settings.from_env({"DATELINE_FEED_CONTENT": "everything"})
    assert Settings.from_env({"DATELINE_FEED_CONTENT": "summary"}).feed_content == "summary"


def _raw_article(section: Section, n: int, when: datetime, body: tuple[Block, ...]) -> Article:
    return Article(
        uid=f"test:feeds-{n}",
        slug=f"feed-story-{n}",
        headline=f"Feed story {n}",
        section=section,
        body=body,
        published_at=when - timedelta(minutes=n),
        version_at=when - timedelta(minutes=n),
    )


def test_hostile_body_stays_out_and_images_become_enclosures(
    client: TestClient, store: Store
) -> None:
    section = store.save_section(Section("local", "Local", 1))
    body = (
        Block(
            BlockKind.PARAGRAPH, html='Hi <script>alert(1)</script><a href="/x" onclick="y()">x</a>'
        ),
        Block(BlockKind.IMAGE, src="/media/lead.png", alt="Lead"),
    )
    saved = store.save_articles([_raw_article(section, 1, datetime.now(UTC), body)])
    store.publish([saved[0].article_id], datetime.now(UTC))
    for name, (_media_type, check) in FORMATS.items():
        response = client.get(f"/section/local/{name}")
        assert check(response.content, f"{SITE}/section/local/{name}") == [], name
        text = response.text
        assert "<script" not in text and "&lt;script" not in text and "onclick" not in text
    enclosure = etree.fromstring(client.get("/rss.xml").content).find("channel/item/enclosure")
    assert enclosure is not None
    assert enclosure.get("url") == f"{SITE}/media/lead.png" and enclosure.get("type") == "image/png"
    assert f'href=\\"{SITE}/x\\"' in client.get("/feed.json").text


@contextmanager
def _counting(store: Store) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(store.engine, "before_cursor_execute", count)


def test_newest_fifty_in_a_fixed_number_of_queries(settings: Settings, store: Store) -> None:
    # the page cache off: this counts what rendering the feed costs, not what the cache
    # reads of the purge log after the writes below
    app = create_app(replace(settings, page_cache=False), store=store, background=False)
    client = TestClient(app)
    build_fixture_newsroom(store)
    with _counting(store) as small:
        assert len(_json_items(client)) == 5
    section = store.save_section(Section("local", "Local", 1))
    now = datetime.now(UTC) + timedelta(hours=1)
    body = (Block(BlockKind.PARAGRAPH, html="Text."),)
    saved = store.save_articles([_raw_article(section, n, now, body) for n in range(60)])
    store.publish([s.article_id for s in saved], now)
    with _counting(store) as large:
        items = _json_items(client)
    assert len(items) == 50
    assert items[0]["title"] == "Feed story 0" and items[-1]["title"] == "Feed story 49"
    assert len(large) == len(small)


def test_unpublished_articles_leave_the_feeds(client: TestClient, store: Store) -> None:
    ids = build_fixture_newsroom(store)
    store.unpublish(ids[0])
    assert all(not str(i["id"]).endswith(f":article:{ids[0]}") for i in _json_items(client))
    assert len(_json_items(client)) == len(ids) - 1


def _alternates(html: str) -> list[tuple[str, str]]:
    return ALTERNATE.findall(html)


SITE_FEEDS = [
    ("application/rss+xml", f"{SITE}/rss.xml"),
    ("application/atom+xml", f"{SITE}/atom.xml"),
    ("application/feed+json", f"{SITE}/feed.json"),
]


def test_every_public_page_links_its_feeds(client: TestClient, store: Store) -> None:
    build_fixture_newsroom(store)
    article_path = store.list_published(limit=1)[0].path
    for path in ("/", article_path, "/no-such-page"):
        response = client.get(path)
        assert _alternates(response.text) == SITE_FEEDS, path
    assert client.get("/no-such-page").status_code == 404
    for path in ("/section/world", "/author/nadia-farouk", "/topic/gaza"):
        links = _alternates(client.get(path).text)
        assert links == [
            *SITE_FEEDS,
            ("application/rss+xml", f"{SITE}{path}/rss.xml"),
            ("application/atom+xml", f"{SITE}{path}/atom.xml"),
            ("application/feed+json", f"{SITE}{path}/feed.json"),
        ], path
        for media_type, href in links:
            response = client.get(href.removeprefix(SITE))
            assert response.status_code == 200, href
            assert response.headers["content-type"].startswith(media_type), href


def test_feeds_carry_surrogate_keys_and_answer_conditional_requests(
    client: TestClient, store: Store
) -> None:
    ids = build_fixture_newsroom(store)
    world = {a.id for a in store.list_published(limit=50, section_slug="world")}
    response = client.get("/section/world/atom.xml")
    keys = set(response.headers["surrogate-key"].split())
    assert keys == {"feeds", "section-world", *(f"article-{i}" for i in world)}
    site_keys = set(client.get("/rss.xml").headers["surrogate-key"].split())
    assert site_keys == {"feeds", *(f"article-{i}" for i in ids)}
    author_keys = client.get("/author/tom-reyes/feed.json").headers["surrogate-key"].split()
    assert "author-tom-reyes" in author_keys
    topic_keys = client.get("/topic/gaza/rss.xml").headers["surrogate-key"].split()
    assert "topic-gaza" in topic_keys
    etag = response.headers["etag"]
    again = client.get("/section/world/atom.xml", headers={"If-None-Match": etag})
    assert again.status_code == 304
