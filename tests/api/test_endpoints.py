"""The JSON API's endpoints through the real app, on each database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from starlette.testclient import TestClient

from dateline.model import Author
from dateline.store import Store
from dateline.testing import build_fixture_newsroom, fixture_articles

# The fixture's five articles, published 52, 30, 12, 6 and 3 hours before this.
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
LIST_KEYS = {"items", "limit", "offset", "total"}


@pytest.fixture
def dated(store: Store) -> list[int]:
    return build_fixture_newsroom(store, NOW)


def headlines(client: TestClient, url: str, **params: str) -> list[str]:
    response = client.get(url, params=params)
    assert response.status_code == 200, response.text
    return [i["headline"].split()[0] for i in response.json()["items"]]


def test_articles_filter_by_author_topic_and_section(client: TestClient, dated: list[int]) -> None:
    assert headlines(client, "/api/articles", author="nadia-farouk") == ["Security", "Aid"]
    assert headlines(client, "/api/articles", author="tom-reyes", topic="gaza") == ["Aid"]
    assert headlines(client, "/api/articles", topic="gaza", section="business") == []
    body = client.get("/api/articles", params={"author": "ellen-park", "limit": 1}).json()
    assert body["total"] == 2 and len(body["items"]) == 1


def test_articles_filter_by_publication_days(client: TestClient, dated: list[int]) -> None:
    assert headlines(client, "/api/articles", since="2026-03-10") == [
        "Ocean",
        "Regional",
        "Shipping",
    ]
    assert headlines(client, "/api/articles", until="2026-03-09") == ["Security", "Aid"]
    both = client.get("/api/articles", params={"since": "2026-03-09", "until": "2026-03-09"})
    assert both.json()["total"] == 1
    assert headlines(client, "/api/articles", since="2026-03-11") == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": "101"}, "limit"),
        ({"limit": "1.5"}, "limit"),
        ({"offset": "x"}, "offset"),
        ({"section": "No Such"}, "section"),
        ({"author": "nobody"}, "author"),
        ({"topic": "nothing"}, "topic"),
        ({"topic": "\x00"}, "topic"),
        ({"since": "2026-02-30"}, "since"),
        ({"since": "10/03/2026"}, "since"),
        ({"until": "2026-3-1"}, "until"),
        ({"since": "2026-03-10", "until": "2026-03-09"}, "until"),
    ],
)
def test_bad_list_parameters_get_400_naming_the_field(
    client: TestClient, dated: list[int], params: dict[str, str], field: str
) -> None:
    response = client.get("/api/articles", params=params)
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == field and field in body["error"]


def test_sections_list_every_section_in_order_with_counts(
    client: TestClient, dated: list[int]
) -> None:
    body = client.get("/api/sections").json()
    assert set(body) == LIST_KEYS and body["total"] == 3
    assert [(s["slug"], s["article_count"]) for s in body["items"]] == [
        ("world", 2),
        ("business", 2),
        ("science", 1),
    ]
    world = body["items"][0]
    assert world["url"] == "/section/world"
    assert client.get(world["articles_url"]).json()["total"] == 2
    detail = client.get(world["api_url"]).json()
    assert [a["headline"].split()[0] for a in detail["articles"]] == ["Security", "Aid"]
    page = client.get("/api/sections", params={"limit": 1, "offset": 2}).json()
    assert [s["slug"] for s in page["items"]] == ["science"] and page["total"] == 3


def test_authors_and_topics_are_listed_by_name_and_paged(
    client: TestClient, dated: list[int]
) -> None:
    authors = client.get("/api/authors").json()
    assert [(a["name"], a["article_count"]) for a in authors["items"]] == [
        ("Ellen Park", 2),
        ("Nadia Farouk", 2),
        ("Tom Reyes", 2),
    ]
    topics = client.get("/api/topics", params={"limit": 2, "offset": 1}).json()
    assert set(topics) == LIST_KEYS
    assert topics["total"] == 5 and [t["slug"] for t in topics["items"]] == ["oceans", "retail"]
    tom = client.get("/api/authors/tom-reyes").json()
    assert tom["article_count"] == 2 and tom["articles_url"] == "/api/articles?author=tom-reyes"
    assert [a["headline"].split()[0] for a in tom["articles"]] == ["Ocean", "Aid"]
    gaza = client.get("/api/topics/gaza").json()
    assert gaza["name"] == "Gaza" and len(gaza["articles"]) == 2


def test_an_author_of_drafts_only_is_not_public(
    client: TestClient, store: Store, dated: list[int]
) -> None:
    draft = replace(
        fixture_articles(NOW)[0],
        uid="draft:1",
        slug="a-draft",
        section=store.sections()[0],
        bylines=(Author("dana-draft", "Dana Draft"),),
    )
    store.save_articles([draft])
    assert store.author("dana-draft") is not None
    assert "dana-draft" not in [a["slug"] for a in client.get("/api/authors").json()["items"]]
    assert client.get("/api/authors").json()["total"] == 3
    assert client.get("/api/authors/dana-draft").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/api/sections/nowhere",
        "/api/sections/UPPER",
        "/api/authors/nobody",
        "/api/topics/%00",
        "/api/articles/0",
        "/api/articles/99999999999999999999",
    ],
)
def test_unknown_things_are_json_404s(client: TestClient, dated: list[int], url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert response.json()["error"] == "not found"


def test_a_draft_article_is_not_served(client: TestClient, store: Store, dated: list[int]) -> None:
    store.unpublish(dated[0])
    assert client.get(f"/api/articles/{dated[0]}").status_code == 404
    assert dated[0] not in [a["id"] for a in client.get("/api/articles").json()["items"]]
