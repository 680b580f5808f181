"""The weather widget on pages and the reader's city choice, through the real app."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from starlette.testclient import TestClient

from dateline.config import Settings
from dateline.model import Observation
from dateline.store import Store
from dateline.web.app import create_app


def observe(store: Store, location: str, celsius: float, age: timedelta = timedelta(0)) -> None:
    when = datetime.now(UTC) - age
    store.save_observation(
        Observation(
            location,
            location,
            celsius,
            when,
            when,
            "metno",
            "partly-cloudy",
            "Weather data: MET Norway (CC BY 4.0)",
        )
    )


def test_widget_shows_value_city_condition_and_attribution(
    client: TestClient, store: Store
) -> None:
    observe(store, "New York", 15.5)
    html = client.get("/").text
    assert '<span class="weather-temp">' in html
    assert "15.5 C" in html and "New York" in html
    assert '<svg class="weather-icon" role="img" aria-label="Partly cloudy"' in html
    assert "MET Norway (CC BY 4.0)" in html


def test_fahrenheit_is_converted_once_at_display(settings: Settings, store: Store) -> None:
    observe(store, "New York", 15.5)
    app = create_app(replace(settings, weather_units="F"), store=store, background=False)
    with TestClient(app) as client:
        assert "59.9 F" in client.get("/").text


def test_reader_chooses_a_city_kept_in_a_cookie(client: TestClient, store: Store) -> None:
    observe(store, "New York", 15.5)
    response = client.post(
        "/weather/city", data={"city": "  Oslo ", "next": "/section/x"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/section/x"
    cookie = response.headers["set-cookie"]
    assert "dateline_city=Oslo" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert store.weather_location("Oslo") is not None
    client.cookies.set("dateline_city", "Oslo")
    assert "New York" in client.get("/").text  # no value for Oslo yet: the site's city
    observe(store, "Oslo", -2.0)
    html = client.get("/").text
    assert "-2.0 C" in html and "Oslo" in html


def test_city_form_refuses_junk_and_foreign_redirects(client: TestClient, store: Store) -> None:
    for data in (
        {"city": "<script>", "next": "https://evil.example/"},
        {"city": "1234", "next": "//evil.example"},
    ):
        response = client.post("/weather/city", data=data, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/"
        assert "set-cookie" not in response.headers
    assert store.weather_locations() == []


def test_empty_city_resets_the_choice(client: TestClient) -> None:
    response = client.post("/weather/city", data={"city": ""}, follow_redirects=False)
    assert 'dateline_city=""' in response.headers["set-cookie"]
