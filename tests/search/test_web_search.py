"""The ``/search`` page and ``/api/search``: results, no results, any text, bad filters."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from dateline.store import Store
from tests.search.helpers import NOW, add


def test_the_empty_page_has_a_labelled_search_form(client: TestClient) -> None:
    response = client.get("/search")
    assert response.status_code == 200
    assert '<form class="search-form" role="search"' in response.text
    assert '<label for="search-q">' in response.text and 'type="search"' in response.text
    assert response.headers["surrogate-key"] == "search sections weather"


def test_results_show_highlighted_snippets_and_keep_the_query_in_page_links(
    client: TestClient, store: Store
) -> None:
    ids = [
        add(store, f"Harbour dredging report {i}", "The harbour silted up again.")
        for i in range(12)
    ]
    response = client.get("/search?q=harbour&section=world")
    assert response.status_code == 200
    assert response.text.count('<li class="teaser">') == 10
    assert "<mark>harbour</mark>" in response.text
    assert 'href="/search?q=harbour&amp;section=world&amp;page=2"' in response.text
    keys = response.headers["surrogate-key"].split()
    assert "search" in keys and len([k for k in keys if k.startswith("article-")]) == 10
    second = client.get("/search?q=harbour&section=world&page=2")
    assert second.text.count('<li class="teaser">') == 2
    assert 'rel="prev" href="/search?q=harbour&amp;section=world"' in second.text
    assert set(ids) >= {
        int(k[8:]) for k in second.headers["surrogate-key"].split() if k.startswith("article-")
    }


def test_no_results_is_a_clear_page_with_suggestions(client: TestClient, store: Store) -> None:
    add(store, "Harbour dredging approved")
    response = client.get("/search?q=zeppelin&section=world")
    assert response.status_code == 200
    assert "No results for “zeppelin”" in response.text
    assert "Check the spelling" in response.text
    assert 'href="/search?q=zeppelin"' in response.text  # drop the filters


@pytest.mark.parametrize(
    "query", ['"unclosed', "AND OR NOT", "*", "(", "-", ":", "NEAR(", "%F0%9F%98%80", "x" * 1000]
)
def test_malformed_queries_are_answered_never_an_error(
    client: TestClient, store: Store, query: str
) -> None:
    add(store, "Harbour dredging approved")
    page = client.get(f"/search?q={query}")
    assert page.status_code == 200
    assert 'id="search-q"' in page.text
    api = client.get(f"/api/search?q={query}")
    assert api.status_code == 200
    assert api.json()["items"] == []


def test_an_article_with_script_text_is_shown_escaped(client: TestClient, store: Store) -> None:
    add(
        store,
        "Injection attempt <script>alert(1)</script>",
        "Watch for &lt;script&gt;alert('x')&lt;/script&gt; in comments.",
    )
    response = client.get("/search?q=injection+comments")
    assert response.status_code == 200
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    data = client.get("/api/search?q=injection+comments").json()
    assert "<mark>comments</mark>" in data["items"][0]["snippet"]
    assert "<script" not in data["items"][0]["snippet"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ("since=2026-13-01", "since"),
        ("since=yesterday", "since"),
        ("until=2026-02-30", "until"),
        ("since=2026-05-01&until=2026-04-01", "until"),
        ("section=nowhere", "section"),
        ("section=%3Cb%3E", "section"),
        ("page=0", "page"),
        ("page=abc", "page"),
    ],
)
def test_a_bad_filter_is_a_400_page_naming_the_field(
    client: TestClient, params: str, field: str
) -> None:
    response = client.get(f"/search?q=harbour&{params}")
    assert response.status_code == 400
    assert 'role="alert"' in response.text and f"Correct the {field}" in response.text
    assert '<form class="search-form"' in response.text
    api = client.get(f"/api/search?q=harbour&{params}")
    assert api.status_code == 400
    assert api.json()["field"] == field and api.json()["error"]


def test_the_api_answers_json_with_snippets_and_paging(client: TestClient, store: Store) -> None:
    first = add(store, "Harbour dredging approved", "The harbour silted up.", when=NOW)
    add(store, "Harbour fees rise", in_section="business", when=NOW)
    response = client.get("/api/search?q=harbour&section=world&per_page=5")
    assert response.status_code == 200
    data = response.json()
    assert set(data) >= {"query", "items", "page", "per_page", "total", "capped"}
    assert (data["query"], data["page"], data["per_page"], data["total"]) == ("harbour", 1, 5, 1)
    assert data["capped"] is False
    [item] = data["items"]
    assert item["id"] == first and item["section"] == "world"
    assert item["url"].endswith("/harbour-dredging-approved")
    assert "<mark>harbour</mark>" in item["snippet"] and item["rank"] > 0
    assert item["published_at"].startswith("2026-11-20")
    assert f"article-{first}" in response.headers["surrogate-key"].split()


@pytest.mark.parametrize(
    ("params", "field"), [("", "q"), ("q=", "q"), ("q=x&per_page=51", "per_page")]
)
def test_the_api_names_a_missing_or_bad_parameter(
    client: TestClient, params: str, field: str
) -> None:
    response = client.get(f"/api/search?{params}")
    assert response.status_code == 400
    assert response.json()["field"] == field
