"""The purge log and its feed: every change a page shows is heard, once, after its commit."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from dateline import publish
from dateline.model import Observation, PagePurge, Scope, Section
from dateline.store import PurgeFeed, Store
from dateline.store.purgefeed import parse_payload
from dateline.testing import build_fixture_newsroom


def heard(feed: PurgeFeed, within: float = 1.0) -> list[PagePurge]:
    """What the feed reports, waiting up to ``within`` seconds for something to come."""
    deadline = time.monotonic() + within
    while True:
        found = feed.take()
        assert found is not None, "the feed lost track"
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.01)


def test_each_kind_of_change_is_heard_with_its_scope(store: Store) -> None:
    ids = build_fixture_newsroom(store)
    feed = store.purge_feed()
    try:
        assert feed.take() == []
        publish.unpublish(store, ids[0])
        assert PagePurge(Scope.LISTING, ids[0]) in heard(feed)

        store.add_correction(ids[1], "A name was misspelled.", datetime.now(UTC))
        assert set(heard(feed)) == {PagePurge(Scope.CONTENT, ids[1])}

        store.replace_related({ids[1]: [(ids[2], 0.5, {"text": 0.5})]})
        assert set(heard(feed)) == {PagePurge(Scope.RELATED, ids[1])}

        now = datetime.now(UTC)
        store.save_observation(Observation("New York", "New York", 15.5, now, now, "test"))
        assert set(heard(feed)) == {PagePurge(Scope.WEATHER)}

        world = store.section("world")
        assert world is not None
        store.save_section(Section(world.slug, "World News", world.position, id=world.id))
        assert set(heard(feed)) == {PagePurge(Scope.ALL)}
        assert feed.take() == []
    finally:
        feed.close()


def test_changes_to_drafts_are_not_heard(store: Store) -> None:
    ids = build_fixture_newsroom(store)
    publish.unpublish(store, ids[0])
    feed = store.purge_feed()
    try:
        article = store.article(ids[0])
        assert article is not None
        later = (article.version_at or datetime.now(UTC)) + timedelta(minutes=1)
        store.save_articles([replace(article, headline="Still a draft", version_at=later)])
        assert heard(feed, within=0.3) == []
    finally:
        feed.close()


def test_a_feed_that_fell_behind_the_kept_log_says_so(store: Store) -> None:
    ids = build_fixture_newsroom(store)
    feed = store.purge_feed()
    try:
        for article_id in ids[:3]:
            store.add_correction(article_id, "Corrected.", datetime.now(UTC))
        assert store.prune_page_purges(keep=1) > 0
        if store.dialect == "sqlite":  # PostgreSQL's feed heard them as they committed
            assert feed.take() is None
            assert feed.take() == []
    finally:
        feed.close()


def test_listings_name_the_section_authors_and_topics(store: Store) -> None:
    ids = build_fixture_newsroom(store)
    found = {item.article_id: item for item in store.listings(ids + [999_999])}
    assert set(found) == set(ids)
    article = store.article(ids[0])
    assert article is not None
    assert found[ids[0]].section == article.section.slug
    assert found[ids[0]].authors == tuple(a.slug for a in article.bylines)


def test_payloads_name_their_schema() -> None:
    assert parse_payload("public listing:7") == ("public", PagePurge(Scope.LISTING, 7))
    assert parse_payload("t_1 weather:") == ("t_1", PagePurge(Scope.WEATHER))
    assert parse_payload("public nonsense:x") == ("public", None)


def test_a_weather_observation_fetched_again_unchanged_purges_nothing(store: Store) -> None:
    now = datetime.now(UTC)
    store.save_observation(Observation("New York", "New York", 15.5, now, now, "test"))
    feed = store.purge_feed()
    try:
        later = now + timedelta(minutes=10)
        store.save_observation(Observation("New York", "New York", 15.5, now, later, "test"))
        assert heard(feed, within=0.3) == []
        store.save_observation(Observation("New York", "New York", 16.0, later, later, "test"))
        assert set(heard(feed)) == {PagePurge(Scope.WEATHER)}
    finally:
        feed.close()


def test_a_change_to_what_every_page_shows_purges_every_page(store: Store) -> None:
    """The navigation (sections, their order) and an author's biography (migration 0010)."""
    ids = build_fixture_newsroom(store)
    feed = store.purge_feed()
    try:
        store.save_section(Section("science", "Science", 9))
        assert set(heard(feed)) == {PagePurge(Scope.ALL)}

        world = store.section("world")
        assert world is not None
        store.save_section(replace(world, position=world.position + 10))
        assert set(heard(feed)) == {PagePurge(Scope.ALL)}

        store.save_section(replace(world, position=world.position + 10))  # no change
        assert heard(feed, within=0.3) == []

        article = store.article(ids[0])
        assert article is not None and article.bylines
        author = replace(article.bylines[0], bio="Covers the courts.")
        later = (article.version_at or datetime.now(UTC)) + timedelta(minutes=1)
        store.save_articles([replace(article, bylines=(author,), version_at=later)])
        assert PagePurge(Scope.ALL) in heard(feed)
    finally:
        feed.close()
