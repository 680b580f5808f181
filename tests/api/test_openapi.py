"""The OpenAPI document: valid OpenAPI 3.1, served, and true to what the views answer."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from starlette.testclient import TestClient

from dateline.web import openapi

DOCUMENT_URI = "urn:dateline:openapi"


def conforms(instance: Any, schema_name: str) -> None:
    """Fail with every error when ``instance`` does not match the named component schema."""
    document = openapi.document()
    registry: Registry[Any] = Registry().with_resource(
        DOCUMENT_URI, Resource.from_contents(document, default_specification=DRAFT202012)
    )
    validator = Draft202012Validator(
        {"$ref": f"{DOCUMENT_URI}#/components/schemas/{schema_name}"}, registry=registry
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]
    assert not errors, errors


def test_document_is_valid_openapi_3_1() -> None:
    document = openapi.document()
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_document_is_served(client: TestClient) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == openapi.document()
    assert response.headers["etag"]


def test_every_api_route_is_documented(client: TestClient) -> None:
    documented = set(openapi.document()["paths"])
    served = {
        getattr(route, "path", "").replace("{id:int}", "{id}")
        for route in client.app.routes  # type: ignore[attr-defined]
    }
    api = {p for p in served if p.startswith("/api/") and p != "/api/openapi.json"}
    assert api == documented


@pytest.mark.parametrize(
    ("url", "schema_name"),
    [
        ("/api/articles", "ArticleList"),
        ("/api/articles?section=world&limit=1", "ArticleList"),
        ("/api/articles?author=tom-reyes&topic=oceans", "ArticleList"),
        ("/api/articles?since=2000-01-01&until=2999-12-31", "ArticleList"),
        ("/api/sections", "SectionList"),
        ("/api/sections/world", "SectionDetail"),
        ("/api/authors", "AuthorList"),
        ("/api/authors/nadia-farouk", "AuthorDetail"),
        ("/api/topics?limit=2&offset=1", "TopicList"),
        ("/api/topics/gaza", "TopicDetail"),
        ("/api/search?q=Gaza", "SearchResults"),
        ("/api/articles?limit=0", "Error"),
        ("/api/articles?since=yesterday", "Error"),
        ("/api/search", "Error"),
        ("/api/sections/no-such-section", "NotFound"),
        ("/api/articles/999999", "NotFound"),
    ],
)
def test_answers_match_their_schemas(
    client: TestClient, newsroom: list[int], url: str, schema_name: str
) -> None:
    response = client.get(url)
    expected = {"Error": 400, "NotFound": 404}.get(schema_name, 200)
    assert response.status_code == expected, response.text
    conforms(response.json(), schema_name)


def test_a_whole_article_matches_its_schema(client: TestClient, newsroom: list[int]) -> None:
    for article_id in newsroom:
        response = client.get(f"/api/articles/{article_id}")
        assert response.status_code == 200
        data = response.json()
        conforms(data, "Article")
        assert data["body"] and data["bylines"]


def test_schemas_are_closed_so_new_fields_must_be_documented(
    client: TestClient, newsroom: list[int]
) -> None:
    item = client.get("/api/articles?limit=1").json()["items"][0]
    with pytest.raises(AssertionError):
        conforms({**item, "undocumented": 1}, "ArticleSummary")
