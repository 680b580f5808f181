"""``Store.article_page``: the article page's one batch of prepared reads, on both databases.

The page read must give exactly what the one-off reads give (``Store.article``,
``related_links``, ``list_published``, ``sections``, ``latest_observation``), in one
transaction.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event

from dateline.model import Author, Observation, Status, Topic
from dateline.store import Store
from dateline.testing import build_fixture_newsroom
from tests.store.test_store import NOW, make_article


def _observation(location: str, at: datetime) -> Observation:
    return Observation(
        location=location,
        city=location.title(),
        temperature_c=12.5,
        observed_at=at,
        fetched_at=at,
        provider="metno",
        condition="rain",
        attribution="MET Norway",
    )


def _rich_article(store: Store) -> int:
    """An article with bylines out of name order, topics, two corrections and a related list."""
    [section] = [s for s in store.sections() if s.slug == "world"]
    article = make_article(
        section,
        uid="urn:test:rich",
        slug="rich-story",
        bylines=(Author("zoe-adams", "Zoe Adams"), Author("al-brown", "Al Brown")),
        topics=(Topic("ports", "Ports"), Topic("budget", "Budget"), Topic("council", "Council")),
    )
    [saved] = store.save_articles([article])
    store.publish([saved.article_id], NOW)
    store.add_correction(saved.article_id, "A later fix.", NOW + timedelta(hours=2))
    store.add_correction(saved.article_id, "An earlier fix.", NOW + timedelta(hours=1))
    others = [s.id for s in store.list_published(limit=4, exclude_id=saved.article_id)]
    ranked = [
        (rid, 1.0 - i / 10, {"text": 0.5, "pinned": 1.0 if i == 0 else 0.0})
        for i, rid in enumerate(others)
    ]
    store.replace_related({saved.article_id: ranked})
    return saved.article_id


def test_the_page_is_what_the_one_off_reads_give(store: Store) -> None:
    build_fixture_newsroom(store, NOW)
    article_id = _rich_article(store)
    store.save_observation(_observation("oslo", NOW))
    by_slug = store.article_page("rich-story", related_limit=3, frame_for=("oslo", "lima"))
    by_id = store.article_page(article_id=article_id, related_limit=3)
    assert by_slug is not None and by_id is not None
    article = store.article(article_id)
    assert by_slug.article == by_id.article == article
    assert article is not None
    assert [a.slug for a in article.bylines] == ["zoe-adams", "al-brown"]
    assert [t.name for t in article.topics] == ["Budget", "Council", "Ports"]
    assert [c.text for c in article.corrections] == ["An earlier fix.", "A later fix."]
    assert by_slug.related == by_id.related == store.related_links(article_id, 3)
    assert len(by_slug.related) == 3 and by_slug.related[0].reasons["pinned"] == 1.0
    assert by_slug.recent == store.list_published(limit=5, exclude_id=article_id)
    assert by_id.frame is None
    assert by_slug.frame is not None
    assert by_slug.frame.sections == store.sections()
    assert by_slug.frame.observations == {"oslo": store.latest_observation("oslo")}


def test_an_unknown_article_has_no_page(store: Store) -> None:
    build_fixture_newsroom(store, NOW)
    assert store.article_page("no-such-story", frame_for=("oslo",)) is None
    assert store.article_page(article_id=10**9) is None


def test_an_unpublished_article_still_reads_and_leaves_the_lists(store: Store) -> None:
    """The store gives the page of any status; the view decides what readers may see."""
    build_fixture_newsroom(store, NOW)
    article_id = _rich_article(store)
    store.unpublish(article_id)
    page = store.article_page("rich-story")
    assert page is not None
    assert page.article.status is Status.UNPUBLISHED
    others = store.list_published(limit=3)
    assert article_id not in [s.id for s in others]
    other = store.article_page(article_id=others[0].id)
    assert other is not None
    assert article_id not in [r.article.id for r in other.related]
    assert article_id not in [s.id for s in other.recent]


def test_the_page_is_one_transaction_and_listeners_see_every_statement(store: Store) -> None:
    build_fixture_newsroom(store, NOW)
    _rich_article(store)
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement.split(None, 1)[0].upper())

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        page = store.article_page("rich-story", frame_for=("oslo", "lima"))
    finally:
        event.remove(store.engine, "before_cursor_execute", record)
    assert page is not None
    selects = ["SELECT"] * 5
    if store.dialect == "sqlite":
        assert statements == ["BEGIN", *selects, "COMMIT"]
    else:  # psycopg opens the transaction itself; the COMMIT goes in the same pipeline
        assert statements == selects


def test_the_frame_reads_one_or_two_locations(store: Store) -> None:
    build_fixture_newsroom(store, NOW)
    when = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    store.save_observation(_observation("oslo", when))
    store.save_observation(_observation("lima", when))
    one = store.article_page("rich-story", frame_for=("oslo",))
    assert one is None  # no such article: nothing, frame included
    slug = store.list_published(limit=1)[0].path.rsplit("/", 1)[1]
    page = store.article_page(slug, frame_for=("lima",))
    assert page is not None and page.frame is not None
    assert list(page.frame.observations) == ["lima"]
    assert page.frame.observations["lima"].observed_at == when
    both = store.article_page(slug, frame_for=("oslo", "lima"))
    assert both is not None and both.frame is not None
    assert sorted(both.frame.observations) == ["lima", "oslo"]
