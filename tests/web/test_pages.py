"""Reader pages and the JSON API through the real app, on each database."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from starlette.testclient import TestClient

from dateline.model import Observation
from dateline.store import Store
from dateline.testing import build_fixture_newsroom


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style|head)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def first_path(client: TestClient, section: str = "world") -> str:
    items = client.get("/api/articles", params={"section": section}).json()["items"]
    return str(items[-1]["url"])


def test_home_shows_top_stories_and_every_section(client: TestClient, store: Store) -> None:
    build_fixture_newsroom(store)
    response = client.get("/")
    assert response.status_code == 200
    text = visible_text(response.text)
    assert "Ocean probe maps a trench" in text
    for name in ("World", "Business", "Science"):
        assert f'id="front-{name.lower()}"' in response.text
    assert 'href="/static/' in response.text


def test_article_page_parts_come_in_order(client: TestClient, store: Store) -> None:
    build_fixture_newsroom(store)
    now = datetime.now(UTC)
    store.save_observation(Observation("New York", "New York", 15.5, now, now, "test"))
    path = first_path(client)
    response = client.get(path)
    assert response.status_code == 200
    text = visible_text(response.text)
    parts = [
        "15.5 C",
        "New York",
        "Aid groups warn of famine in northern Gaza",
        "A U.N.-backed report says half",
        "By Nadia Farouk and Tom Reyes",
        "Published",
        "DOHA, Qatar — Negotiators from Israel and Hamas",
        "Nadia Farouk reported from Doha.",
        "Related articles",
        "Security Council deadlocks again",
        "Recent articles",
    ]
    positions = [text.find(p) for p in parts]
    assert -1 not in positions, [p for p, i in zip(parts, positions, strict=True) if i < 0]
    assert positions == sorted(positions)
    recent_block = text[text.index("Recent articles") :]
    assert "Aid groups warn" not in recent_block


def test_weather_widget_is_absent_without_a_fresh_value(client: TestClient, store: Store) -> None:
    build_fixture_newsroom(store)
    old = datetime.now(UTC) - timedelta(hours=4)
    store.save_observation(Observation("New York", "New York", 15.5, old, old, "test"))
    response = client.get("/")
    assert 'class="weather"' not in response.text
    assert "15.5" not in response.text


def test_stale_weather_says_as_of(client: TestClient, store: Store) -> None:
    build_fixture_newsroom(store)
    when = datetime.now(UTC) - timedelta(minutes=90)
    store.save_observation(Observation("New York", "New York", 15.5, when, when, "test"))
    assert "as of " in client.get("/").text


def test_wrong_date_in_path_redirects_to_the_canonical_path(
    client: TestClient, store: Store
) -> None:
    build_fixture_newsroom(store)
    path = first_path(client)
    slug = path.rsplit("/", 1)[1]
    response = client.get(f"/1999/01/01/{slug}", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"] == path


def test_section_author_and_topic_pages(client: TestClient, store: Store) -> None:
    build_fixture_newsroom(store)
    section = client.get("/section/business")
    assert section.status_code == 200
    assert "Regional grocer" in section.text and "Security Council" not in section.text
    author = client.get("/author/nadia-farouk")
    assert author.status_code == 200 and "Aid groups warn" in author.text
    topic = client.get("/topic/gaza")
    assert topic.status_code == 200 and "Security Council deadlocks" in topic.text
    assert client.get("/section/business?page=5").status_code == 404
    assert client.get("/section/business?page=abc").status_code == 200


def test_unknown_pages_get_a_helpful_404(client: TestClient, store: Store) -> None:
    build_fixture_newsroom(store)
    for path in ("/no/such/page", "/section/nope", "/author/nobody", "/2026/01/01/missing"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "couldn’t find that page" in response.text
        assert "Latest articles" in response.text


def test_unpublished_articles_are_not_served(client: TestClient, store: Store) -> None:
    ids = build_fixture_newsroom(store)
    path = client.get(f"/api/articles/{ids[0]}").json()["url"]
    store.unpublish(ids[0])
    assert client.get(path).status_code == 404
    assert client.get(f"/api/articles/{ids[0]}").status_code == 404


def test_api_list_and_detail(client: TestClient, store: Store) -> None:
    build_fixture_newsroom(store)
    listing = client.get("/api/articles", params={"limit": 2})
    assert listing.status_code == 200
    body = listing.json()
    assert body["total"] == 5 and len(body["items"]) == 2
    first = body["items"][0]
    assert set(first) == {"id", "headline", "url", "published_at", "section"}
    assert first["headline"].startswith("Ocean probe")
    second_page = client.get("/api/articles", params={"limit": 2, "offset": 2}).json()
    assert second_page["items"][0]["id"] not in [i["id"] for i in body["items"]]
    world = client.get("/api/articles", params={"section": "world"}).json()
    assert {i["section"] for i in world["items"]} == {"world"}
    detail = client.get(f"/api/articles/{first['id']}").json()
    assert detail["headline"] == first["headline"]
    assert detail["dateline"] == "PONTA DELGADA, Azores"
    assert detail["credit_line"] == "Tom Reyes reported from Ponta Delgada."
    assert detail["bylines"] == [{"name": "Tom Reyes", "url": "/author/tom-reyes"}]
    assert len(detail["recent"]) == 4
    assert first["id"] not in [r["id"] for r in detail["recent"]]
    assert all("score" in r and "reasons" in r for r in detail["related"])


def test_api_rejects_bad_parameters_clearly(client: TestClient, store: Store) -> None:
    build_fixture_newsroom(store)
    for params, field in (
        ({"limit": "0"}, "limit"),
        ({"limit": "x"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"section": "nope"}, "section"),
    ):
        response = client.get("/api/articles", params=params)
        assert response.status_code == 400
        assert response.json()["field"] == field
    assert client.get("/api/articles/999999").status_code == 404


def test_static_assets_are_immutable(client: TestClient, store: Store) -> None:
    html = client.get("/").text
    href = re.search(r'href="(/static/[^"]+\.css)"', html)
    assert href is not None
    response = client.get(href.group(1))
    assert response.status_code == 200
    assert "immutable" in response.headers["cache-control"]
    assert response.headers["content-type"].startswith("text/css")
