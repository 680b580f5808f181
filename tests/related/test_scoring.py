"""The related ranking: pure scoring, and the lists it writes on publish."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from dateline import publish
from dateline.model import Article, Block, BlockKind, Section
from dateline.related.scoring import (
    TIME_FLOOR,
    UNDATED_FACTOR,
    Document,
    RelatedIndex,
    terms,
    time_factor,
)
from dateline.store import Store

NOW = datetime(2026, 11, 20, tzinfo=UTC)

DOCS = [
    Document(
        1,
        "Port workers strike over automation",
        "Dockworkers walked out at the port "
        "of Port Alder over automated cranes, halting container traffic.",
        NOW,
    ),
    Document(
        2,
        "Port strike enters third day as cranes sit idle",
        "The dockworkers' strike over automated cranes at the port kept container ships waiting.",
        NOW + timedelta(days=2),
    ),
    Document(
        3,
        "Lunar lander reaches orbit",
        "The lander fired its engine and entered orbit around the moon before its descent.",
        NOW,
    ),
    Document(
        4,
        "Dockworkers return after strike ends",
        "Port Alder dockworkers went back to "
        "the cranes after the union accepted limits on automation.",
        NOW + timedelta(days=200),
    ),
]


def test_terms_drop_stop_words_and_fold_case() -> None:
    assert terms("The Port of Port Alder’s strike") == ["port", "port", "alder's", "strike"]


def test_time_factor_prefers_close_dates_and_tolerates_missing_ones() -> None:
    assert time_factor(NOW, NOW) == 1.0
    assert time_factor(NOW, NOW + timedelta(days=21)) < 1.0
    assert TIME_FLOOR <= time_factor(NOW, NOW + timedelta(days=3000)) < TIME_FLOOR + 0.01
    assert time_factor(None, NOW) == UNDATED_FACTOR


def test_same_story_ranks_first_and_unrelated_is_left_out() -> None:
    index = RelatedIndex(DOCS)
    ranked = index.similar(1, 5)
    ids = [doc_id for doc_id, _ in ranked]
    assert ids[0] == 2
    assert 3 not in ids
    assert 1 not in ids
    assert all(a[1] >= b[1] for a, b in zip(ranked, ranked[1:], strict=False))


def test_closeness_in_time_breaks_near_ties() -> None:
    twin = replace(DOCS[1], id=5, published_at=NOW + timedelta(days=400))
    index = RelatedIndex([*DOCS, twin])
    ranked = dict(index.similar(1, 5))
    assert ranked[2] > ranked[5]


def test_undated_articles_still_rank_on_text() -> None:
    undated = [replace(d, published_at=None) for d in DOCS]
    assert {doc_id for doc_id, _ in RelatedIndex(undated).similar(1, 2)} == {2, 4}


def _article(section: Section, n: int, headline: str, text: str, when: datetime) -> Article:
    return Article(
        uid=f"urn:rel:{n}",
        slug=f"story-{n}",
        headline=headline,
        section=section,
        body=(Block(BlockKind.PARAGRAPH, html=text),),
        published_at=when,
        version_at=when,
    )


def test_publishing_updates_the_neighbours_lists(store: Store) -> None:
    section = store.save_section(Section("local", "Local"))
    first = [_article(section, d.id, d.headline, d.text, d.published_at or NOW) for d in DOCS[:3]]
    ids = [r.article_id for r in store.save_articles(first)]
    publish.publish(store, ids, NOW)
    assert [link.article.id for link in store.related_links(ids[0])] == [ids[1]]
    late = DOCS[3]
    [new] = store.save_articles([_article(section, 4, late.headline, late.text, NOW)])
    publish.publish(store, [new.article_id], NOW)
    assert new.article_id in [link.article.id for link in store.related_links(ids[0])]
    assert ids[0] in [link.article.id for link in store.related_links(new.article_id)]
    assert [link.article.id for link in store.related_links(ids[2])] == []
