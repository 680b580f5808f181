"""Related lists in the store: publish-time updates, overrides, unpublish, resumable rebuild."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dateline import publish
from dateline.model import Article, Block, BlockKind, Section
from dateline.related import refresh
from dateline.store import Store

NOW = datetime(2026, 11, 20, tzinfo=UTC)
STORIES = [
    (
        "Port workers strike over automation at Port Alder",
        "Dockworkers walked out at the Gull Point terminal in Port Alder over automated cranes, "
        "halting container traffic, union leader Ray Costa said.",
    ),
    (
        "Port Alder strike enters third day as cranes sit idle",
        "The dockworkers' strike at Gull Point over automated cranes kept container ships "
        "waiting off Port Alder, Ray Costa of the union said.",
    ),
    (
        "Port Alder dockworkers reach a deal ending the Gull Point strike",
        "Union leader Ray Costa said dockworkers at Gull Point in Port Alder accepted limits on "
        "automated cranes, ending the strike.",
    ),
    (
        "Lunar lander Ardent reaches orbit around the moon",
        "Selene Dynamics said its Ardent lander fired its engine and entered lunar orbit before "
        "its descent to Nobile crater.",
    ),
    (
        "Ardent lander touches down near the moon's south pole",
        "Selene Dynamics engineers cheered as Ardent landed upright on the rim of Nobile crater "
        "near the lunar south pole.",
    ),
    (
        "City council passes budget with a 4.9 percent tax rise",
        "The Port Alder city council voted 6-3 for a budget that keeps both library branches "
        "open, Mayor Elena Ruiz said.",
    ),
]


def save(store: Store, section: Section, items: list[tuple[str, str]], start: int = 0) -> list[int]:
    articles = [
        Article(
            uid=f"urn:refresh:{start + n}",
            slug=f"story-{start + n}",
            headline=headline,
            section=section,
            body=(Block(BlockKind.PARAGRAPH, html=text),),
            published_at=NOW + timedelta(hours=start + n),
            version_at=NOW + timedelta(hours=start + n),
        )
        for n, (headline, text) in enumerate(items)
    ]
    return [r.article_id for r in store.save_articles(articles)]


@pytest.fixture
def newsroom(store: Store) -> tuple[Store, list[int]]:
    refresh.forget(store)
    section = store.save_section(Section("local", "Local"))
    ids = save(store, section, STORIES[:5])
    publish.publish(store, ids, NOW)
    return store, ids


def linked(store: Store, article_id: int) -> list[int]:
    return [link.article.id for link in store.related_links(article_id, limit=5)]


def test_lists_carry_scores_and_reasons(newsroom: tuple[Store, list[int]]) -> None:
    store, ids = newsroom
    links = store.related_links(ids[0], limit=5)
    assert links and links[0].article.id in ids[1:3]
    assert all(link.reasons and link.score > 0 for link in links)
    assert ids[3] not in linked(store, ids[0])[:2]


def test_publishing_joins_the_lists_it_belongs_in(newsroom: tuple[Store, list[int]]) -> None:
    store, ids = newsroom
    section = store.section("local")
    assert section is not None
    [budget] = save(store, section, STORIES[5:], start=10)
    publish.publish(store, [budget], NOW)
    assert linked(store, budget)
    assert budget not in linked(store, ids[3])[:1]
    [late] = save(
        store,
        section,
        [
            (
                "Port Alder strike talks collapse as Gull Point cranes idle",
                "Ray Costa said talks over automated cranes at Gull Point "
                "collapsed, and the Port Alder strike goes on.",
            )
        ],
        start=20,
    )
    publish.publish(store, [late], NOW)
    assert late in linked(store, ids[0])
    assert ids[0] in linked(store, late)


def test_pins_and_exclusions_survive_recomputation(newsroom: tuple[Store, list[int]]) -> None:
    store, ids = newsroom
    strike, moon = ids[0], ids[3]
    best = linked(store, strike)[0]
    store.set_related_override(strike, moon, "pin", NOW)
    store.set_related_override(strike, best, "exclude", NOW)
    refresh.refresh(store, [strike])
    links = store.related_links(strike, limit=5)
    assert links[0].article.id == moon and links[0].reasons == {"pinned": 1.0}
    assert best not in linked(store, strike)
    refresh.rebuild(store, restart=True)
    assert linked(store, strike)[0] == moon and best not in linked(store, strike)
    store.clear_related_override(strike, best)
    refresh.refresh(store, [strike])
    assert best in linked(store, strike)


def test_unpublishing_removes_it_from_every_list(newsroom: tuple[Store, list[int]]) -> None:
    store, ids = newsroom
    gone = ids[1]
    showing = store.listed_in(gone)
    assert showing
    publish.unpublish(store, gone)
    assert store.listed_in(gone) == []
    assert all(gone not in linked(store, i) for i in ids if i != gone)
    assert linked(store, ids[0])


def test_rebuild_resumes_after_an_interruption(newsroom: tuple[Store, list[int]]) -> None:
    store, ids = newsroom
    seen: list[int] = []

    def stop_after_first_batch(n: int) -> None:
        seen.append(n)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        refresh.rebuild(store, progress=stop_after_first_batch, batch=2)
    state = store.job_state(refresh.REBUILD_JOB)
    assert state is not None and state["after"] == sorted(ids)[1]
    written, skipped = refresh.rebuild(store, batch=2)
    assert (written, skipped) == (3, 2)
    assert store.job_state(refresh.REBUILD_JOB) is None
    written, skipped = refresh.rebuild(store, batch=2)
    assert (written, skipped) == (5, 0)


def test_a_rebuild_in_worker_processes_writes_the_same_lists(
    newsroom: tuple[Store, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from dateline.related import scoring

    store, ids = newsroom
    section = store.section("local")
    assert section is not None
    more = save(store, section, STORIES, start=10)  # a second copy of each, and the rest
    publish.publish(store, more, NOW)
    everything = sorted([*ids, *more])
    refresh.rebuild(store, restart=True)
    serial = {i: store.related_links(i, limit=5) for i in everything}
    monkeypatch.setattr(scoring, "SETTLE_BLOCK", 2)  # several blocks: the workers share them

    def stop_after_first_batch(n: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):  # interrupted with workers running: they stop
        refresh.rebuild(store, progress=stop_after_first_batch, batch=2, workers=2)
    written, skipped = refresh.rebuild(store, batch=3, workers=2)
    assert (written, skipped) == (len(everything) - 2, 2)
    assert {i: store.related_links(i, limit=5) for i in everything} == serial


def test_a_whole_rebuild_drops_the_updates_queued_before_it(
    newsroom: tuple[Store, list[int]],
) -> None:
    store, ids = newsroom
    store.queue_related(ids[:3], NOW)  # as a bulk publish without applying the queue does
    store.queue_related([ids[4]], NOW)
    assert len(store.queued_related(None)) == 4
    refresh.rebuild(store)
    assert store.queued_related(None) == []
    assert linked(store, ids[0])


def test_a_resumed_rebuild_keeps_the_queue(newsroom: tuple[Store, list[int]]) -> None:
    store, ids = newsroom

    def stop_after_first_batch(n: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        refresh.rebuild(store, progress=stop_after_first_batch, batch=2)
    store.queue_related([ids[0]], NOW)  # after the first lists were ranked
    refresh.rebuild(store, batch=2)  # resumed: its first lists predate the update
    assert [article for _, article, _ in store.queued_related(None)] == [ids[0]]


def test_a_long_queue_is_applied_by_one_pass_over_the_archive(
    newsroom: tuple[Store, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, ids = newsroom
    passes: list[int] = []
    real_rank_all = refresh.rank_all

    def counted(store: Store, batch: int = 2000) -> int:
        passes.append(real_rank_all(store, batch))
        return passes[-1]

    monkeypatch.setattr(refresh, "rank_all", counted)
    monkeypatch.setattr(publish, "RANK_ALL_MIN", 2)
    monkeypatch.setattr(publish, "RANK_ALL_SHARE", 0.5)
    store.queue_related([ids[0]], NOW)  # one of five: refreshed alone
    publish.apply_queue(store)
    assert passes == [] and store.queued_related(None) == []
    before = {i: linked(store, i) for i in ids}
    store.queue_related(ids[:3], NOW)  # three of five: one pass over the archive
    publish.apply_queue(store)
    assert passes == [5] and store.queued_related(None) == []
    assert {i: linked(store, i) for i in ids} == before  # the same lists either way
    assert store.job_state(refresh.REBUILD_JOB) is None  # nothing for a rebuild to resume


def test_a_failed_pass_leaves_the_queue_to_the_one_by_one_path(
    newsroom: tuple[Store, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, ids = newsroom

    def broken(store: Store, batch: int = 2000) -> int:
        raise RuntimeError("a fault in the pass")

    monkeypatch.setattr(refresh, "rank_all", broken)
    monkeypatch.setattr(publish, "RANK_ALL_MIN", 2)
    store.queue_related(ids, NOW)
    assert publish.apply_queue(store) == len(ids)
    assert store.queued_related(None) == []
    assert linked(store, ids[0])
