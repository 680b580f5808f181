"""Static files: a content hash in the URL, served as immutable, and a small stylesheet.

The hash is the first 12 hex digits of the SHA-256 of the file's bytes, so a changed file
gets a new URL and the old one can be cached for a year without ever going stale.
"""

from __future__ import annotations

import gzip
import hashlib
import re

import pytest
from starlette.testclient import TestClient

from dateline.web.templating import STATIC

IMMUTABLE = "public, max-age=31536000, immutable"
# The reader's stylesheet is sent on every first visit: keep it small (bytes after gzip).
CSS_GZIP_BUDGET = 10_000


def digest(name: str) -> str:
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


def stylesheet_url(client: TestClient) -> str:
    found = re.search(r'<link rel="stylesheet" href="(/static/[^"]+)"', client.get("/").text)
    assert found is not None, "the page links no stylesheet"
    return found.group(1)


def test_pages_link_the_stylesheet_by_its_content_hash(client: TestClient) -> None:
    assert stylesheet_url(client) == f"/static/{digest('site.css')}/site.css"


@pytest.mark.parametrize(
    ("name", "media_type"),
    [("site.css", "text/css"), ("newsroom.css", "text/css"), ("newsroom.js", "text/javascript")],
)
def test_hashed_files_are_served_as_immutable(
    client: TestClient, name: str, media_type: str
) -> None:
    response = client.get(f"/static/{digest(name)}/{name}")
    assert response.status_code == 200
    assert response.headers["cache-control"] == IMMUTABLE
    assert response.headers["content-type"].split(";")[0] == media_type
    assert response.content == (STATIC / name).read_bytes()


def test_an_old_hash_redirects_to_the_current_url_without_being_cached(
    client: TestClient,
) -> None:
    response = client.get("/static/000000000000/site.css", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == f"/static/{digest('site.css')}/site.css"
    assert "immutable" not in response.headers.get("cache-control", "")


@pytest.mark.parametrize(
    "path",
    [
        "/static/000000000000/missing.css",
        "/static/000000000000/..%2Fapp.py",
        "/static/000000000000/.hidden",
    ],
)
def test_files_outside_the_static_folder_are_not_found(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 404


def test_the_stylesheet_is_small() -> None:
    css = (STATIC / "site.css").read_bytes()
    compressed = len(gzip.compress(css, compresslevel=9))
    assert compressed < CSS_GZIP_BUDGET, f"site.css is {compressed} bytes gzipped"
