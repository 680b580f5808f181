"""``Store.search`` on SQLite (FTS5) and PostgreSQL (full text): ranking, filters, pages,
any text at all, and an index that follows publish, update, unpublish and corrections."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import event

from dateline import publish
from dateline.model import SearchQuery
from dateline.store import Store
from tests.search.helpers import NOW, add


def headlines(store: Store, text: str, **filters: object) -> list[str]:
    results = store.search(SearchQuery(text, **filters))  # type: ignore[arg-type]
    return [hit.article.headline for hit in results.hits]


def test_a_word_in_the_headline_ranks_above_the_same_word_in_the_body(store: Store) -> None:
    add(store, "Council meets on budget", "The harbour dredging plan was discussed at length.")
    add(store, "Harbour dredging approved", "The council voted after a long debate.")
    results = store.search(SearchQuery("harbour"))
    assert [h.article.headline for h in results.hits] == [
        "Harbour dredging approved",
        "Council meets on budget",
    ]
    assert results.total == 2 and not results.capped
    assert results.hits[0].rank > results.hits[1].rank > 0


def test_every_word_must_match_and_stems_match(store: Store) -> None:
    add(store, "Fishermen protest new quotas", "Boats stayed in port on Monday.")
    add(store, "New quotas for farmers", "Grain prices rose.")
    assert headlines(store, "quota protesting") == ["Fishermen protest new quotas"]
    assert headlines(store, '"new quotas" -farmers') == ["Fishermen protest new quotas"]
    assert sorted(headlines(store, "fishermen OR grain")) == [
        "Fishermen protest new quotas",
        "New quotas for farmers",
    ]


def test_snippet_marks_the_matches_in_the_body(store: Store) -> None:
    add(store, "Storm", "Heavy rain flooded the lower town overnight, officials said.")
    [hit] = store.search(SearchQuery("flooded")).hits
    assert "<mark>flooded</mark>" in hit.snippet


def test_snippet_of_text_that_looks_like_html_is_escaped(store: Store) -> None:
    add(
        store, "Script kiddies", "The page said &lt;script&gt;alert('owned')&lt;/script&gt; inside."
    )
    [hit] = store.search(SearchQuery("script")).hits
    assert "<script" not in hit.snippet and "alert(" in hit.snippet
    if store.dialect == "sqlite":  # PostgreSQL's ts_headline drops what looks like a tag
        assert "&lt;<mark>script</mark>&gt;alert" in hit.snippet
    without_marks = hit.snippet.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in without_marks


def test_filters_by_section_and_publication_date(store: Store) -> None:
    add(store, "Tariff talks in Geneva", in_section="world", when=NOW - timedelta(days=10))
    add(store, "Tariff worries for exporters", in_section="business", when=NOW)
    assert headlines(store, "tariff", section="business") == ["Tariff worries for exporters"]
    day = (NOW - timedelta(days=10)).date()
    assert headlines(store, "tariff", since=day, until=day) == ["Tariff talks in Geneva"]
    assert headlines(store, "tariff", since=NOW.date()) == ["Tariff worries for exporters"]
    assert headlines(store, "tariff", until=date(2000, 1, 1)) == []


def test_pages_do_not_overlap_and_count_every_match(store: Store) -> None:
    for i in range(7):
        add(store, f"Lighthouse keeper diary part {i}", when=NOW - timedelta(hours=i))
    seen = []
    for page in (1, 2, 3):
        results = store.search(SearchQuery("lighthouse", page=page, per_page=3))
        assert results.total == 7
        seen += [h.article.id for h in results.hits]
    assert len(seen) == len(set(seen)) == 7
    assert store.search(SearchQuery("lighthouse", page=4, per_page=3)).hits == ()


def test_only_the_newest_matches_up_to_the_bound_are_ranked(store: Store) -> None:
    ids = [
        add(store, f"Ferry timetable change {i}", when=NOW + timedelta(minutes=i)) for i in range(6)
    ]
    results = store.search(SearchQuery("ferry", per_page=10), bound=4)
    assert results.capped and results.total == 4
    assert {h.article.id for h in results.hits} == set(ids[-4:])
    assert not store.search(SearchQuery("ferry"), bound=6).capped


def test_a_full_page_past_the_bound_and_a_page_beyond_it_keep_the_count(store: Store) -> None:
    for i in range(6):
        add(
            store, f"Harbour pilot roster {i}", in_section="business", when=NOW - timedelta(hours=i)
        )
    add(store, "Harbour pilot strike", in_section="world", when=NOW)
    full = store.search(SearchQuery("pilot", section="business", per_page=2), bound=4)
    assert full.capped and full.total == 4 and len(full.hits) == 2
    beyond = store.search(SearchQuery("pilot", section="business", page=3, per_page=2), bound=4)
    assert beyond.hits == () and beyond.total == 4 and beyond.capped
    last = store.search(SearchQuery("pilot", section="business", page=3, per_page=2), bound=6)
    assert [len(last.hits), last.total, last.capped] == [2, 6, False]
    assert store.search(SearchQuery("pilot", section="sports")).total == 0


def test_a_search_on_sqlite_reads_its_matches_once(store: Store) -> None:
    if store.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's search is one statement (dateline_search_newest)")
    for i in range(5):
        add(store, f"Tide gauge reading {i}", when=NOW - timedelta(hours=i))
    statements: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *rest: object) -> None:
        statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", seen)
    try:
        results = store.search(SearchQuery("tide", per_page=2), bound=3)
    finally:
        event.remove(store.engine, "before_cursor_execute", seen)
    assert results.total == 3 and results.capped and len(results.hits) == 2
    # the page and the count in one statement, then the page's snippets
    searching = [s for s in statements if "articles_search MATCH" in s]
    assert len(searching) == 2 and "snippet(" in searching[1]


@pytest.mark.parametrize(
    "text",
    [
        '"unclosed',
        "AND OR NOT",
        "*",
        "(",
        ")",
        "-",
        ":",
        "NEAR(",
        "NEAR(harbour dredging, 2)",
        "harbour*",
        "^harbour",
        "headline:harbour",
        "😀",
        "harbour 😀",
        "'; DROP TABLE articles; --",
        "\\",
        "\x00harbour",
        "x" * 1000,
        " ".join(["harbour"] * 300),
        "",
    ],
)
def test_any_text_is_a_query_that_never_fails(store: Store, text: str) -> None:
    add(store, "Harbour dredging approved", "The council voted.")
    results = store.search(SearchQuery(text))
    assert results.total == len(results.hits) <= 1
    assert store.count_published() == 1  # nothing was dropped


def test_words_only_in_drafts_are_not_found(store: Store) -> None:
    add(store, "Secret merger draft", published=False)
    assert headlines(store, "merger") == []


def test_the_index_follows_publish_update_unpublish_and_corrections(store: Store) -> None:
    article_id = add(store, "Bridge closure planned", "Engineers found cracks.", published=False)
    assert headlines(store, "bridge") == []

    publish.publish(store, [article_id], NOW)
    assert headlines(store, "bridge") == ["Bridge closure planned"]

    stored = store.article(article_id)
    assert stored is not None
    newer = replace(
        stored, headline="Viaduct closure postponed", version_at=NOW + timedelta(hours=1)
    )
    store.save_articles([newer])
    assert headlines(store, "viaduct") == ["Viaduct closure postponed"]
    assert headlines(store, "bridge") == []
    assert headlines(store, "cracks") == ["Viaduct closure postponed"]

    store.add_correction(article_id, "An earlier version misnamed the river.", NOW)
    assert headlines(store, "viaduct") == ["Viaduct closure postponed"]

    publish.unpublish(store, article_id)
    assert headlines(store, "viaduct") == []
    assert headlines(store, "cracks") == []

    publish.publish(store, [article_id], NOW)
    assert headlines(store, "viaduct") == ["Viaduct closure postponed"]


def test_accents_and_case_do_not_matter(store: Store) -> None:
    add(store, "Café owners rally in Zürich", "Owners of cafés gathered.")
    assert headlines(store, "CAFÉ") == ["Café owners rally in Zürich"]
    if store.dialect == "sqlite":  # PostgreSQL's english configuration keeps accents
        assert headlines(store, "zurich") == ["Café owners rally in Zürich"]
