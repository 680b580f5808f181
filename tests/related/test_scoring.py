"""The related ranking: signals, copies, diversity, determinism, incremental updates."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from dateline.related.scoring import Document, RelatedIndex

NOW = datetime(2026, 11, 20, tzinfo=UTC)

STRIKE = (
    "Dockworkers at the port of Port Alder walked out over automated cranes on Monday, "
    "halting container traffic. The Harbour Workers Union said Maria Okafor would lead "
    "talks with Alder Terminals. Ships queued outside the breakwater as cranes sat idle."
)
STRIKE_2 = (
    "The strike at Port Alder entered a third day as Maria Okafor of the Harbour Workers "
    "Union met Alder Terminals managers. Container ships waited while automated cranes sat "
    "idle and dockworkers picketed the gates."
)
OTHER_STRIKE = (
    "Dockworkers at the port of Brennhaven walked out over automated cranes, halting "
    "container traffic. The Coastal Dockers Guild said Tomas Lindqvist would lead talks "
    "with Brennhaven Shipping. Ships queued as cranes sat idle at the gates."
)
LANDER = (
    "The Selene lunar lander fired its engine and entered orbit around the moon before "
    "its planned descent near the Shackleton crater, the Orbital Agency said."
)
BUDGET = (
    "The city council of Marlow approved a budget that raises spending on schools and "
    "libraries, after councillor Ada Brightwater proposed cuts to road repairs."
)


def doc(doc_id: int, headline: str, body: str, **kw: object) -> Document:
    return Document(doc_id, headline, body=body, **kw)  # type: ignore[arg-type]


def corpus() -> list[Document]:
    return [
        doc(1, "Port workers strike over automation", STRIKE),
        doc(2, "Port strike enters third day", STRIKE_2),
        doc(3, "Dockers strike at Brennhaven", OTHER_STRIKE),
        doc(4, "Lunar lander reaches orbit", LANDER),
        doc(5, "Council approves school budget", BUDGET),
    ]


def test_same_story_first_unrelated_left_out() -> None:
    index = RelatedIndex(corpus())
    ranked = index.similar(1, 5)
    ids = [s.id for s in ranked]
    assert ids[0] == 2
    assert 1 not in ids and 4 not in ids and 5 not in ids
    assert set(ranked[0].reasons) == {"text", "entities", "numbers", "topics", "section", "time"}


def test_entities_separate_look_alike_events() -> None:
    index = RelatedIndex(corpus())
    same = index.score_pair(1, 2)
    look_alike = index.score_pair(1, 3)
    assert same.score > look_alike.score
    assert same.reasons["entities"] > look_alike.reasons["entities"]
    assert index.score_pair(1, 2).score == index.score_pair(2, 1).score


def test_syndicated_copies_collapse_and_own_copies_never_show() -> None:
    copy = doc(6, "Dockers down tools at Port Alder", STRIKE.replace("Monday", "Tuesday"))
    copy_2 = doc(7, "Alder port halted", STRIKE.replace("Ships queued", "Vessels queued"))
    index = RelatedIndex([*corpus(), copy, copy_2])
    assert index.near_duplicates(1) == [6, 7]
    assert index.near_duplicates(2) == []
    ids = [s.id for s in index.similar(1, 5)]
    assert 6 not in ids and 7 not in ids
    from_story = index.similar(2, 5)
    entries = [s for s in from_story if s.id in {1, 6, 7}]
    assert len(entries) == 1
    assert {entries[0].id, *entries[0].duplicates} == {1, 6, 7}


def test_mmr_keeps_different_stories_when_available() -> None:
    base = corpus()
    updates = [
        doc(10 + i, f"Port Alder strike update {i}", f"{STRIKE_2} Update number {i} of the day.")
        for i in range(6)
    ]
    index = RelatedIndex([*base, *updates])
    ranked = index.similar(1, 5)
    assert 3 in [s.id for s in ranked] or 2 in [s.id for s in ranked]
    assert len({s.id for s in ranked}) == len(ranked)


def test_undated_rank_on_text_and_time_breaks_ties() -> None:
    undated = RelatedIndex(corpus())
    assert undated.similar(1, 1)[0].id == 2
    twin_a = doc(8, "Port strike enters third day", STRIKE_2 + " Later.", published_at=NOW)
    twin_b = replace(twin_a, id=9, published_at=NOW + timedelta(days=300))
    query = doc(1, "Port workers strike over automation", STRIKE, published_at=NOW)
    index = RelatedIndex([query, twin_a, twin_b, *corpus()[3:]])
    assert index.score_pair(1, 8).score > index.score_pair(1, 9).score
    assert index.score_pair(1, 8).reasons["time"] == 1.0


def test_topics_and_section_help_when_present() -> None:
    plain = RelatedIndex(corpus())
    tagged = [
        replace(d, topics=("labour",), section="business") if d.id in (1, 2) else d
        for d in corpus()
    ]
    index = RelatedIndex(tagged)
    assert index.score_pair(1, 2).score > plain.score_pair(1, 2).score
    gap = index.score_pair(1, 2).score - index.score_pair(1, 3).score
    assert gap > plain.score_pair(1, 2).score - plain.score_pair(1, 3).score
    assert index.score_pair(1, 2).reasons["topics"] == 1.0


def test_deterministic() -> None:
    first = RelatedIndex(corpus()).similar(1, 5)
    second = RelatedIndex(reversed(corpus())).similar(1, 5)
    assert first == second


def test_add_remove_replace_match_a_fresh_build() -> None:
    docs = corpus()
    index = RelatedIndex(docs[:2])
    for d in docs[2:]:
        index.add(d)
    index.similar(1, 5)
    extra = doc(20, "Port strike talks", STRIKE_2)
    index.add(extra)
    index.remove(20)
    index.add(replace(docs[2], body=BUDGET))
    fresh = RelatedIndex([*docs[:2], replace(docs[2], body=BUDGET), *docs[3:]])
    assert len(index) == len(fresh) == 5
    assert 20 not in index and 3 in index
    assert index.ids() == fresh.ids()
    for doc_id in fresh.ids():
        assert index.similar(doc_id, 5) == fresh.similar(doc_id, 5)


def test_numbers_tell_look_alike_events_apart() -> None:
    quake = "A magnitude {m} earthquake struck Sonoma County in {y}, the survey said."
    docs = [
        doc(1, "Quake shakes Sonoma", quake.format(m="4.6", y="2013")),
        doc(2, "Sonoma quake", "Sonoma County residents felt a 4.6 earthquake early in 2013."),
        doc(3, "Quake shakes Sonoma", quake.format(m="4.4", y="2008") + " Nobody was hurt."),
        doc(4, "Lunar lander reaches orbit", LANDER),
    ]
    index = RelatedIndex(docs)
    same, other = index.score_pair(1, 2), index.score_pair(1, 3)
    assert same.reasons["numbers"] > 0 and index.score_pair(1, 4).reasons["numbers"] == 0
    assert same.score > other.score
    assert [s.id for s in index.similar(1, 2)] == [2, 3]


def test_similar_many_equals_similar() -> None:
    from benchmarks.corpus import ECB_PATH, generate

    archive = generate(300, seed=5, fresh=0, ecb=ECB_PATH if ECB_PATH.exists() else None)
    index = RelatedIndex(archive.documents())
    ids = index.ids()
    assert len(ids) == 300
    many = index.similar_many([*ids, 10**9], 5)
    assert many[10**9] == []
    assert sorted(many) == sorted([*ids, 10**9])
    for doc_id in ids:
        assert many[doc_id] == index.similar(doc_id, 5)
    assert any(many[doc_id] for doc_id in ids)
    # the same lists in any order and batch, and on a fresh index (neighbourhoods unsettled)
    fresh = RelatedIndex(archive.documents())
    assert fresh.similar_many(list(reversed(ids[:40])), 5) == {i: many[i] for i in ids[:40]}
    assert index.similar_many(ids, 3) == {i: index.similar(i, 3) for i in ids}


def test_a_fresh_index_settles_only_what_its_first_lists_need() -> None:
    """After a build (a restart), the first list computes the neighbourhoods it uses, not
    every article's; its list, and those of articles added next, are those of an index
    settled in full beforehand."""
    from benchmarks.corpus import ECB_PATH, generate

    archive = generate(300, seed=6, fresh=4, ecb=ECB_PATH if ECB_PATH.exists() else None)
    lazy = RelatedIndex(archive.documents())
    eager = RelatedIndex(archive.documents())
    eager.settle()
    assert len(eager._neighbours) == 300
    ids = lazy.ids()
    first = lazy.similar(ids[7], 5)
    assert first and first == eager.similar(ids[7], 5)
    assert 0 < len(lazy._neighbours) < 60  # its own and its candidates', not all 300
    for new in archive.fresh_documents():
        lazy.add(new)
        eager.add(new)
        assert lazy.similar(new.id, 5) == eager.similar(new.id, 5)
    assert len(lazy._neighbours) < 300
    lazy.settle()
    assert len(lazy._neighbours) == len(lazy) == 304


def test_settling_ahead_goes_newest_first_a_block_at_a_time_and_ends_settled() -> None:
    """What a related-list process does with idle time after a restart: a few
    neighbourhoods a call, newest first, until the index is settled as ``settle`` leaves
    it; lists asked for on the way are those of an index settled in full."""
    from benchmarks.corpus import ECB_PATH, generate

    archive = generate(200, seed=5, fresh=2, ecb=ECB_PATH if ECB_PATH.exists() else None)
    ahead = RelatedIndex(archive.documents())
    eager = RelatedIndex(archive.documents())
    eager.settle()
    ids = ahead.ids()
    assert ahead.settle_ahead(50) == 150
    assert set(ahead._neighbours) == set(ids[-50:])  # the newest, nothing else
    new = archive.fresh_documents()[0]
    ahead.add(new)
    eager.add(new)
    assert ahead.similar(new.id, 5) == eager.similar(new.id, 5)
    calls = 0
    while ahead.settle_ahead(50):
        calls += 1
    assert calls < 4  # a list's own settling is not offered again
    # as the index settled in full and then given the new article (which outranked a
    # member of some kept neighbourhoods: those settle again when a list needs them)
    assert set(ahead._neighbours) == set(eager._neighbours)
    assert len(ahead._neighbours) > 190
    assert ahead.settle_ahead(50) == 0  # done: nothing more to do
    # the same lists; scores within a percent: a neighbourhood settled after the new
    # article arrived can hold it, which one settled before could not
    for doc_id in (*ids[::37], new.id):
        mine, theirs = ahead.similar(doc_id, 5), eager.similar(doc_id, 5)
        assert [s.id for s in mine] == [s.id for s in theirs]
        assert [s.score for s in mine] == pytest.approx([s.score for s in theirs], rel=0.01)
