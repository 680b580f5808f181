"""Ingest end to end, against a real HTTP server on 127.0.0.1: poll, store, dedupe, publish."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from dateline.ingest.fetch import Fetcher, FetchLimits
from dateline.ingest.pipeline import PollReport, poll_due, poll_source
from dateline.model import FeedSource, Section, Status
from dateline.store import Store
from dateline.store.schema import articles, ingest_items
from tests.conftest import shared_path
from tests.ingest.feeds import (
    BASE_TIME,
    STORY,
    Entry,
    distinct_story,
    rss,
    story_page,
    three_services,
)
from tests.replay import ReplayServer, Reply

OWNER = "test-process"


def limits(**overrides: object) -> FetchLimits:
    values: dict[str, object] = {
        "user_agent": "dateline-test/1 (+https://news.example.org)",
        "allow_private": True,  # the replay server is on 127.0.0.1
        "timeout_s": 3.0,
    }
    values.update(overrides)
    return FetchLimits(**values)  # type: ignore[arg-type]


def poll(store: Store, *, force: bool = True, **overrides: object) -> list[PollReport]:
    async def go() -> list[PollReport]:
        async with Fetcher(limits(**overrides)) as fetcher:
            return await poll_due(store, fetcher, owner=OWNER, force=force)

    return asyncio.run(go())


@pytest.fixture
def newsroom(store: Store) -> Iterator[Store]:
    store.save_section(Section(slug="news", name="News"))
    store.save_section(Section(slug="world", name="World"))
    store.save_section(Section(slug="sport", name="Sport"))
    yield store


def add(store: Store, url: str, **fields: object) -> FeedSource:
    values: dict[str, object] = {"name": url.rsplit("/", 1)[-1], "section": "news"}
    values.update(fields)
    return store.add_source(FeedSource(url=url, **values), datetime.now(UTC))  # type: ignore[arg-type]


def count(store: Store, table: object) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_a_feed_becomes_drafts_in_review_then_updates_only_when_newer(
    newsroom: Store, replay_server: ReplayServer
) -> None:
    first = Entry(
        "n-1", "Council votes on budget", list(STORY[:3]), "https://x.example/1", BASE_TIME
    )
    replay_server.route("/feed.xml", Reply(200, rss("X", [first]), {"ETag": '"v1"'}))
    source = add(newsroom, f"{replay_server.url}/feed.xml")

    [report] = poll(newsroom)
    assert (report.status, report.created, report.published) == ("ok", 1, [])
    [article_id] = newsroom.review_queue()
    article = newsroom.article(article_id)
    assert article is not None
    assert article.status is Status.DRAFT  # review mode: waits for an editor
    assert article.headline == "Council votes on budget"
    assert article.dateline == "GENEVA"
    assert article.canonical_url == "https://x.example/1"
    assert article.source.syndicated and article.section.slug == "news"

    # the same feed again: a conditional GET, answered 304
    replay_server.route("/feed.xml", Reply(304, b"", {"ETag": '"v1"'}))
    [again] = poll(newsroom)
    assert again.status == "not_modified"
    assert replay_server.hits("/feed.xml")[-1].headers.get("If-None-Match") == '"v1"'

    # an older copy of the item changes nothing; a newer version updates the article
    older = Entry("n-1", "Old headline", list(STORY[:2]), "https://x.example/1", BASE_TIME)
    replay_server.route("/feed.xml", Reply(200, rss("X", [older])))
    [same] = poll(newsroom)
    assert (same.created, same.updated, same.unchanged) == (0, 0, 1)
    newer = Entry(
        "n-1",
        "Council passes budget",
        list(STORY[:3]),
        "https://x.example/1",
        BASE_TIME + timedelta(hours=1),
    )
    replay_server.route("/feed.xml", Reply(200, rss("X", [newer])))
    [changed] = poll(newsroom)
    assert changed.updated == 1
    updated = newsroom.article(article_id)
    assert updated is not None and updated.headline == "Council passes budget"
    assert count(newsroom, articles) == 1
    health = newsroom.source(source.id or 0)
    assert health is not None and health.items_taken == 2 and health.last_error == ""
    assert health.last_success_at is not None and health.next_poll_at is not None


def test_auto_publish_publishes_through_the_publish_path(
    newsroom: Store, replay_server: ReplayServer
) -> None:
    entries = [
        Entry(f"p-{i}", f"Story number {i}", distinct_story(i), "", BASE_TIME) for i in range(3)
    ]
    replay_server.route("/auto.xml", Reply(200, rss("Auto", entries)))
    add(newsroom, f"{replay_server.url}/auto.xml", auto_publish=True)
    [report] = poll(newsroom)
    assert report.created == 3 and len(report.published) == 3
    assert newsroom.review_queue() == []
    assert len(newsroom.published_ids()) == 3


def test_category_rules_choose_the_section(newsroom: Store, replay_server: ReplayServer) -> None:
    entries = [
        Entry("s-1", "Cup final tonight", [STORY[0]], "", BASE_TIME, ("Football",)),
        Entry("s-2", "Summit ends", [STORY[1]], "", BASE_TIME, ("Diplomacy", "Europe")),
        Entry("s-3", "Local fair", [STORY[2]], "", BASE_TIME, ("Fairs",)),
    ]
    replay_server.route("/mixed.xml", Reply(200, rss("Mixed", entries)))
    add(
        newsroom,
        f"{replay_server.url}/mixed.xml",
        category_sections={"football": "sport", "Europe": "world"},
    )
    poll(newsroom)
    sections = {}
    for article_id in newsroom.review_queue():
        article = newsroom.article(article_id)
        assert article is not None
        sections[article.uid.rsplit("#", 1)[-1]] = article.section.slug
    assert sections == {"s-1": "sport", "s-2": "world", "s-3": "news"}


def test_one_wire_story_from_three_feeds_is_one_article_with_two_alternates(
    newsroom: Store, replay_server: ReplayServer, settings: object
) -> None:
    for path, body in three_services().items():
        replay_server.route(path, Reply(200, body))
    # the later copies arrive first: the original publisher still ends up canonical
    for path in ("/paper-c.xml", "/wire-b.xml", "/wire-a.xml"):
        add(newsroom, f"{replay_server.url}{path}", auto_publish=True)
    reports = poll(newsroom)
    assert sum(r.created for r in reports) == 1
    assert sum(r.alternates for r in reports) == 2
    assert count(newsroom, articles) == 1
    [article_id] = newsroom.published_ids()
    article = newsroom.article(article_id)
    assert article is not None
    assert article.canonical_url == "https://wire-a.example/ceasefire-talks"
    alternates = newsroom.alternates(article_id)
    assert {a.url for a in alternates} == {
        "https://wire-b.example/2026/delegations-meet",
        "https://paper-c.example/world/truce-talks",
    }
    # polling all three again creates nothing
    again = poll(newsroom)
    assert sum(r.created + r.alternates for r in again) == 0
    assert count(newsroom, ingest_items) == 3

    from dateline.web.app import create_app

    with TestClient(create_app(settings, store=newsroom, background=False)) as client:  # type: ignore[arg-type]
        home = client.get("/").text
    assert home.count(article.path) >= 1
    assert "Delegations meet" not in home and "Border truce" not in home


def test_full_text_is_fetched_for_summary_only_entries(
    newsroom: Store, replay_server: ReplayServer
) -> None:
    replay_server.route("/story.html", Reply(200, story_page(), {"Content-Type": "text/html"}))
    entry = Entry(
        "f-1",
        "Ceasefire talks resume",
        [STORY[0]],
        f"{replay_server.url}/story.html",
        BASE_TIME,
        summary_only=True,
    )
    replay_server.route("/summaries.xml", Reply(200, rss("S", [entry])))
    add(newsroom, f"{replay_server.url}/summaries.xml", full_text=True)
    [report] = poll(newsroom)
    assert report.created == 1, report.problems
    [article_id] = newsroom.review_queue()
    article = newsroom.article(article_id)
    assert article is not None
    text = article.plain_text
    assert "next round is scheduled for Monday" in text
    assert "alert(1)" not in text and "Copyright" not in text


BROKEN: dict[str, Reply] = {
    "/invalid.xml": Reply(200, b"<rss><channel><title>x</title><item><title>a</item>"),
    "/html.xml": Reply(
        200,
        b"<!DOCTYPE html><html><body><p>Not a feed</p></body></html>",
        {"Content-Type": "text/html"},
    ),
    "/missing.xml": Reply(404, b"gone"),
    "/error.xml": Reply(500, b"oops"),
    "/busy.xml": Reply(429, b"", {"Retry-After": "3600"}),
    "/loop.xml": Reply(302, b"", {"Location": "/loop.xml"}),
    "/huge.xml": Reply(200, b"<rss>" + b" " * 3_000_000 + b"</rss>"),
    "/bomb.xml": Reply(
        200, gzip.compress(b"<rss>" + b"\0" * 50_000_000), {"Content-Encoding": "gzip"}
    ),
    "/stall.xml": Reply(200, b"<rss/>", delay=5.0),
    "/truncated.xml": Reply(200, b'<?xml version="1.0"?><rss version="2.0"><channel><ti'),
    "/wrong-encoding.xml": Reply(
        200,
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Café</title>'
        "<item><title>Caf\u00e9 \u00e0 Paris</title><guid>we-1</guid>"
        "<description>Une histoire</description></item></channel></rss>".encode("latin-1"),
    ),
}


def test_broken_sources_are_recorded_and_the_others_still_polled(
    newsroom: Store, replay_server: ReplayServer
) -> None:
    for path, reply in BROKEN.items():
        replay_server.route(path, reply)
        add(newsroom, f"{replay_server.url}{path}")
    good = Entry("g-1", "A good story", list(STORY[:2]), "", BASE_TIME)
    replay_server.route("/good.xml", Reply(200, rss("Good", [good])))
    add(newsroom, f"{replay_server.url}/good.xml")

    reports = {r.source.url.rsplit("/", 1)[-1]: r for r in poll(newsroom, max_bytes=2_000_000)}
    assert reports["good.xml"].created == 1
    failed = {name for name, r in reports.items() if r.status == "failed"}
    expected_failures = {
        "html.xml",
        "missing.xml",
        "error.xml",
        "busy.xml",
        "loop.xml",
        "huge.xml",
        "bomb.xml",
        "stall.xml",
        "truncated.xml",
    }
    assert expected_failures <= failed
    health = {s.url.rsplit("/", 1)[-1]: s for s in newsroom.sources()}
    for name in failed:
        source = health[name]
        assert source.last_error and source.failures == 1, name
        assert source.next_poll_at is not None and source.next_poll_at > datetime.now(UTC)
    assert "HTML page" in health["html.xml"].last_error
    assert "404" in health["missing.xml"].last_error
    assert "500" in health["error.xml"].last_error
    assert "redirect" in health["loop.xml"].last_error
    assert "larger than" in health["huge.xml"].last_error
    assert "larger than" in health["bomb.xml"].last_error
    assert "no complete response within" in health["stall.xml"].last_error
    # Retry-After: an hour, longer than the 15-minute interval's backoff
    busy = health["busy.xml"].next_poll_at
    assert busy is not None and busy > datetime.now(UTC) + timedelta(minutes=55)
    # a feed that is broken but readable in part still gives what it can
    for name in ("invalid.xml", "wrong-encoding.xml"):
        assert name in failed or reports[name].status == "ok"


def test_a_source_is_polled_by_one_process_at_a_time(
    newsroom: Store, replay_server: ReplayServer
) -> None:
    replay_server.route("/feed.xml", Reply(200, rss("X", [])))
    source = add(newsroom, f"{replay_server.url}/feed.xml")
    assert source.id is not None
    now = datetime.now(UTC)
    held = newsroom.claim_source(source.id, "other-process", now, now + timedelta(minutes=5))
    assert held is not None

    async def go() -> PollReport | None:
        async with Fetcher(limits()) as fetcher:
            return await poll_source(newsroom, fetcher, source.id or 0, owner=OWNER, force=True)

    assert asyncio.run(go()) is None  # leased to the other process
    assert replay_server.hits("/feed.xml") == []


def test_a_ninjs_item_and_a_json_feed_over_http(
    newsroom: Store, replay_server: ReplayServer
) -> None:
    seed = shared_path("seed", "article.ninjs.json")
    replay_server.route("/wire.json", Reply.file(seed))
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "JSON desk",
        "language": "de",
        "items": [
            {
                "id": "https://json.example/1",
                "url": "https://json.example/1",
                "title": "Gespräche gehen weiter",
                "content_html": "".join(f"<p>{p}</p>" for p in distinct_story(11)),
                "date_published": "2026-11-24T08:00:00+01:00",
            }
        ],
    }
    replay_server.route("/feed.json", Reply.json(feed, **{"Content-Type": "application/feed+json"}))
    add(newsroom, f"{replay_server.url}/wire.json", auto_publish=True)
    add(newsroom, f"{replay_server.url}/feed.json", auto_publish=True)
    reports = poll(newsroom)
    assert all(r.status == "ok" for r in reports), [r.error for r in reports]
    assert sum(r.created for r in reports) == 2
    by_language = {}
    for article_id in newsroom.published_ids():
        article = newsroom.article(article_id)
        assert article is not None
        by_language[article.language] = article
    wire = by_language["en"]
    assert wire.dateline == "TEL AVIV"
    assert "contributed to this report" in wire.credit_line
    german = by_language["de"]
    assert german.published_at == datetime(2026, 11, 24, 7, 0, tzinfo=UTC)


def test_the_same_text_months_apart_is_a_story_of_its_own(
    newsroom: Store, replay_server: ReplayServer
) -> None:
    spring = Entry("t-1", "Weekly market report", list(STORY), "", BASE_TIME - timedelta(days=90))
    autumn = Entry("t-2", "Weekly market report", list(STORY), "", BASE_TIME)
    replay_server.route("/template.xml", Reply(200, rss("Markets", [spring, autumn])))
    add(newsroom, f"{replay_server.url}/template.xml")
    [report] = poll(newsroom)
    assert (report.created, report.alternates) == (2, 0)
