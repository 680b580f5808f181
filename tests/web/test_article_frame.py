"""The article page reads its frame (sections, weather) with its content, in one batch.

Whatever the weather cache holds and whichever city the reader chose, the article page's
masthead and footer must be those every other page shows (the home page reads its frame
on its own, through ``cache.for_reader`` and ``Store.sections``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from starlette.testclient import TestClient

from dateline.config import Settings
from dateline.model import Observation
from dateline.store import Store
from dateline.testing import build_fixture_newsroom
from dateline.web.app import create_app

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def uncached(settings: Settings, store: Store) -> Iterator[TestClient]:
    app = create_app(replace(settings, page_cache=False), store=store, background=False)
    with TestClient(app) as client:
        yield client


def observe(store: Store, location: str, celsius: float, age: timedelta) -> None:
    when = datetime.now(UTC) - age
    store.save_observation(
        Observation(location, location, celsius, when, when, "metno", "rain", f"Data {location}")
    )


def frame(html: str) -> tuple[str, str]:
    """The masthead (widget and section navigation) and the footer's attribution.

    Without the mark of the current page, which differs between pages by design.
    """
    html = html.replace(' aria-current="page"', "")
    masthead = re.search(r'<header class="masthead">.*?</nav>', html, re.S)
    attribution = re.search(r'<p class="attribution">.*?</p>', html, re.S)
    assert masthead is not None
    return masthead.group(0), attribution.group(0) if attribution else ""


@pytest.mark.parametrize(
    ("chosen", "observations", "shown"),
    [
        ("", {}, None),
        ("", {"New York": timedelta(minutes=5)}, "New York"),
        ("", {"New York": timedelta(hours=2)}, "New York"),  # shown "as of"
        ("", {"New York": timedelta(hours=4)}, None),  # too old to show
        ("Oslo", {"New York": timedelta(minutes=5)}, "New York"),  # no value for Oslo yet
        ("Oslo", {"New York": timedelta(0), "Oslo": timedelta(minutes=5)}, "Oslo"),
        ("Oslo", {"New York": timedelta(0), "Oslo": timedelta(hours=5)}, "New York"),
        ("New York", {"New York": timedelta(minutes=5)}, "New York"),
    ],
)
def test_the_article_page_shows_the_frame_every_page_shows(
    uncached: TestClient,
    store: Store,
    chosen: str,
    observations: dict[str, timedelta],
    shown: str | None,
) -> None:
    ids = build_fixture_newsroom(store, NOW)
    article = store.article(ids[0])
    assert article is not None
    for location, age in observations.items():
        observe(store, location, 10.5, age)
    if chosen:
        uncached.cookies.set("dateline_city", chosen)
    home, page = uncached.get("/"), uncached.get(article.path)
    assert page.status_code == 200
    assert frame(page.text) == frame(home.text)
    masthead, attribution = frame(page.text)
    assert [s.name for s in store.sections()] == re.findall(
        r'<a href="/section/[^"]+">([^<]+)</a>', masthead
    )
    if shown is None:
        assert 'class="weather"' not in masthead and attribution == ""
    else:
        assert f'<span class="weather-city">{shown}</span>' in masthead
        assert attribution == f'<p class="attribution">Data {shown}</p>'
