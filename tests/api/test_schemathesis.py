"""A property-based run of the JSON API against its own OpenAPI document (schemathesis).

For every operation in ``/api/openapi.json``, requests generated from the document (valid
ones, then invalid ones) go to the real app over ASGI, on each database. No answer may be
a server error, and every answer must match the status codes, content types, headers and
schemas the document declares. The run is bounded and derandomized: the same examples
every time, and no Hypothesis database written to disk.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as run_settings
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from dateline.config import Settings
from dateline.store import Store
from dateline.testing import build_fixture_newsroom
from dateline.web import openapi
from dateline.web.app import create_app

CHECKS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
OPERATIONS = sorted(openapi.document()["paths"])
EXAMPLES = 25


def real_requests(store: Store, ids: list[int]) -> dict[str, list[dict[str, Any]]]:
    """Per operation, requests that name what the store holds: random ones rarely do."""
    sections = [s.slug for s in store.sections()]
    authors = [a.slug for a, _ in store.authors_counted(100)[0]]
    topics = [t.slug for t, _ in store.topics_counted(100)[0]]
    return {
        "/api/articles": [
            {"query": {"section": sections[0], "author": authors[0]}},
            {"query": {"topic": topics[0], "since": "2000-01-01", "until": "2999-12-31"}},
        ],
        "/api/articles/{id}": [{"path_parameters": {"id": i}} for i in ids],
        "/api/sections/{slug}": [{"path_parameters": {"slug": s}} for s in sections],
        "/api/authors/{slug}": [{"path_parameters": {"slug": a}} for a in authors],
        "/api/topics/{slug}": [{"path_parameters": {"slug": t}} for t in topics],
        "/api/search": [{"query": {"q": "Gaza"}}, {"query": {"q": "trench", "section": "science"}}],
    }


@pytest.mark.parametrize("path", OPERATIONS)
def test_api_conforms_to_its_document(settings: Settings, store: Store, path: str) -> None:
    ids = build_fixture_newsroom(store)
    app = create_app(settings, store=store, background=False)
    operation = schemathesis.openapi.from_asgi("/api/openapi.json", app)[path]["GET"]
    statuses: list[int] = []

    def run(case: schemathesis.Case[Any]) -> None:
        response = case.call()
        statuses.append(response.status_code)
        case.validate_response(response, checks=CHECKS)

    for known in real_requests(store, ids).get(path, []):
        run(operation.Case(**known))
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        bounded = run_settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        bounded(given(case=operation.as_strategy(generation_mode=mode))(run))()
    assert 200 in statuses, f"no request to {path} succeeded"
    assert any(400 <= s < 500 for s in statuses), f"no invalid request to {path} was refused"
