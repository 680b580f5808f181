"""B2, the serving benchmarks' baseline, renders dateline's article page byte for byte.

The uncached-page target compares dateline with "a minimal Starlette and Jinja2 app ...
rendering the same page": the comparison is fair only while B2's page is dateline's. The
benchmarks check it before every load; this test says so as soon as a template changes.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from benchmarks import baseline_app
from benchmarks.archive import generate_archive
from starlette.testclient import TestClient

from dateline.config import Settings
from dateline.model import Observation
from dateline.store import Store
from dateline.web.app import create_app

CITY = "Oslo"


def _observe(store: Store, observed: datetime, condition: str) -> None:
    store.save_observation(
        Observation(
            location=CITY,
            city=CITY,
            temperature_c=-3.25,
            observed_at=observed,
            fetched_at=observed,
            provider="test",
            condition=condition,
            attribution="Data from a test",
        )
    )


@pytest.mark.parametrize(
    ("age", "condition"),
    [(timedelta(minutes=5), "sleet"), (timedelta(minutes=90), "partly-cloudy"), (None, "")],
)
def test_b2_serves_dateline_page(
    store: Store,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    age: timedelta | None,
    condition: str,
) -> None:
    now = datetime.now(UTC)
    ids = generate_archive(store, 40, seed=3, now=now)
    if age is not None:  # fresh, gone "as of", or no weather at all
        _observe(store, now - age, condition)
    corrected, updated = ids[5], ids[9]
    store.add_correction(corrected, "An earlier version misspelt a name.", now)
    edited = store.article(updated)
    assert edited is not None
    store.save_articles([replace(edited, deck="A new deck & a <b>tag</b>", updated_at=now)])

    site = {
        "DATELINE_SITE_NAME": "The Test Dateline",
        "DATELINE_SITE_URL": "https://news.example.org",
        "DATELINE_TIMEZONE": "Europe/Oslo",
        "DATELINE_WEATHER_CITY": CITY,
        "BENCH_DATABASE_URL": settings.database_url,
    }
    for name, value in site.items():
        monkeypatch.setenv(name, value)
    ours = create_app(
        Settings(
            data_dir=settings.data_dir,
            database_url=settings.database_url,
            site_name=site["DATELINE_SITE_NAME"],
            site_url=site["DATELINE_SITE_URL"],
            timezone=site["DATELINE_TIMEZONE"],
            weather_city=CITY,
            page_cache=False,
        ),
        store=store,
        background=False,
    )
    with TestClient(ours) as dateline, TestClient(baseline_app.build_app()) as b2:
        for article_id in [*ids[::4], corrected, updated]:
            article = store.article(article_id)
            assert article is not None
            page = dateline.get(article.path)
            assert page.status_code == 200
            same = b2.get(article.path)
            assert same.status_code == 200
            assert same.text == page.text, article.path
