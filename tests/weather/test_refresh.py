"""The background refresh against a real replay server, on each database.

Providers are the real adapters talking HTTP to 127.0.0.1; the store is real; the clock
is frozen (and moved by hand) where backoff is checked.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from starlette.testclient import TestClient

from dateline.config import Settings
from dateline.model import Observation
from dateline.store import Store, open_store
from dateline.weather import policy
from dateline.weather.base import make_client
from dateline.weather.cache import display
from dateline.weather.metno import MetNorway
from dateline.weather.open_meteo import Geocoder, OpenMeteo
from dateline.weather.refresh import Attempt, Refresher
from dateline.web.app import create_app
from tests.replay import ReplayServer, Reply
from tests.weather.fixtures import (
    GEOCODING_PATH,
    METNO_PATH,
    OPENMETEO_PATH,
    metno_reply,
    openmeteo_reply,
    recorded,
)

CITY = "New York"


class Clock:
    """A frozen clock that tests move by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def run(
    store: Store,
    server: ReplayServer,
    clock: Callable[[], datetime],
    fallback: str = "",
    with_coordinates: bool = True,
) -> list[Attempt]:
    async def go() -> list[Attempt]:
        async with make_client("dateline-tests (tests@example.org)") as client:
            providers = {
                "metno": MetNorway(client, server.url, "tests@example.org"),
                "open-meteo": OpenMeteo(client, server.url, non_commercial=True),
            }
            refresher = Refresher(
                store,
                providers,
                primary="metno",
                fallback=fallback,
                geocoder=Geocoder(client, server.url),
                clock=clock,
                rng=random.Random(1),
            )
            return await refresher.run_once()

    return asyncio.run(go())


@pytest.fixture
def city(store: Store) -> Store:
    store.save_default_weather_location(CITY, 40.7128, -74.006, datetime.now(UTC))
    return store


def test_normal_refresh_stores_the_observation(city: Store, replay_server: ReplayServer) -> None:
    now = datetime.now(UTC)
    replay_server.route(METNO_PATH, metno_reply(now, temperature=15.5))
    attempts = run(city, replay_server, Clock(now))
    assert [a.outcome for a in attempts] == ["updated"]
    observation = city.latest_observation(CITY)
    assert observation is not None
    assert observation.temperature_c == 15.5
    assert observation.provider == "metno"
    assert "MET Norway" in observation.attribution
    assert observation.observed_at == now.replace(minute=0, second=0, microsecond=0)
    [request] = replay_server.hits(METNO_PATH)
    assert request.query["lat"] == ["40.7128"] and request.query["lon"] == ["-74.006"]
    assert "tests@example.org" in request.headers["User-Agent"]
    shown = display(observation, now, UTC)
    assert shown is not None and shown.temperature == "15.5 C" and shown.city == CITY


def test_expires_is_honoured_then_304_keeps_the_value(
    city: Store, replay_server: ReplayServer
) -> None:
    clock = Clock(datetime.now(UTC))
    replay_server.route(METNO_PATH, metno_reply(clock.now, temperature=15.5), Reply(304))
    run(city, replay_server, clock)
    assert run(city, replay_server, clock) == []
    assert len(replay_server.hits(METNO_PATH)) == 1
    clock.advance(timedelta(minutes=31))
    attempts = run(city, replay_server, clock)
    assert [a.outcome for a in attempts] == ["not-modified"]
    second = replay_server.hits(METNO_PATH)[1]
    assert second.headers["If-Modified-Since"]
    observation = city.latest_observation(CITY)
    assert observation is not None and observation.temperature_c == 15.5


@pytest.mark.parametrize(
    ("headers", "low", "high"),
    [
        ({"Retry-After": "120"}, timedelta(seconds=120), timedelta(seconds=120)),
        ({}, timedelta(seconds=30), timedelta(seconds=60)),
    ],
)
def test_429_backs_off_by_retry_after_or_exponentially(
    city: Store,
    replay_server: ReplayServer,
    headers: dict[str, str],
    low: timedelta,
    high: timedelta,
) -> None:
    clock = Clock(datetime.now(UTC))
    replay_server.route(METNO_PATH, Reply(429, headers=headers))
    [attempt] = run(city, replay_server, clock)
    assert attempt.outcome == "rate-limited"
    state = city.weather_provider_state(CITY, "metno")
    assert state.failures == 1 and state.next_attempt_at is not None
    assert low <= state.next_attempt_at - clock.now <= high
    assert run(city, replay_server, clock) == []


def test_5xx_backs_off_exponentially_with_a_ceiling(
    city: Store, replay_server: ReplayServer
) -> None:
    clock = Clock(datetime.now(UTC))
    replay_server.route(METNO_PATH, Reply(503))
    waits = []
    for _ in range(9):
        run(city, replay_server, clock)
        state = city.weather_provider_state(CITY, "metno")
        assert state.next_attempt_at is not None
        waits.append(state.next_attempt_at - clock.now)
        clock.now = state.next_attempt_at
    assert city.weather_provider_state(CITY, "metno").failures == 9
    for n, wait in enumerate(waits, 1):
        ceiling = min(policy.MAX_BACKOFF, policy.BASE_BACKOFF * 2 ** (n - 1))
        assert ceiling / 2 <= wait <= ceiling
    assert waits[-1] > timedelta(minutes=29)
    assert "unavailable" in city.weather_provider_state(CITY, "metno").last_error


def test_403_is_a_configuration_error_retried_slowly(
    city: Store, replay_server: ReplayServer
) -> None:
    clock = Clock(datetime.now(UTC))
    replay_server.route(METNO_PATH, Reply(403))
    [attempt] = run(city, replay_server, clock)
    assert attempt.outcome == "config"
    state = city.weather_provider_state(CITY, "metno")
    assert state.next_attempt_at == clock.now + policy.CONFIG_RETRY


def test_a_200_without_a_usable_temperature_is_a_failure(
    city: Store, replay_server: ReplayServer
) -> None:
    now = datetime.now(UTC)
    reply = metno_reply(now, temperature=999.0)
    replay_server.route(METNO_PATH, reply)
    [attempt] = run(city, replay_server, Clock(now))
    assert attempt.outcome == "bad-data"
    assert city.latest_observation(CITY) is None


def test_timeout_counts_as_a_failure(city: Store, replay_server: ReplayServer) -> None:
    now = datetime.now(UTC)
    slow = metno_reply(now)
    slow.delay = 6.0
    replay_server.route(METNO_PATH, slow)
    [attempt] = run(city, replay_server, Clock(now))
    assert attempt.outcome == "timeout"
    assert city.weather_provider_state(CITY, "metno").failures == 1


def test_provider_down_shows_stale_value_as_of_then_nothing(
    city: Store, replay_server: ReplayServer
) -> None:
    clock = Clock(datetime.now(UTC))
    replay_server.route(METNO_PATH, metno_reply(clock.now, temperature=15.5), Reply(500))
    run(city, replay_server, clock)
    observed = city.latest_observation(CITY)
    assert observed is not None
    for minutes in (31, 95, 150, 200):
        clock.now = observed.observed_at + timedelta(minutes=minutes)
        state = city.weather_provider_state(CITY, "metno")
        if state.next_attempt_at is not None and state.next_attempt_at > clock.now:
            clock.now = max(clock.now, state.next_attempt_at)
        run(city, replay_server, clock)
    kept = city.latest_observation(CITY)
    assert kept == observed
    ninety = display(kept, observed.observed_at + timedelta(minutes=90), UTC)
    assert ninety is not None and ninety.as_of.startswith("as of ")
    assert display(kept, observed.observed_at + timedelta(minutes=59), UTC).as_of == ""  # type: ignore[union-attr]
    assert display(kept, observed.observed_at + timedelta(hours=3, minutes=1), UTC) is None


def test_fallback_after_three_failures(city: Store, replay_server: ReplayServer) -> None:
    clock = Clock(datetime.now(UTC))
    city.save_observation(
        Observation(CITY, CITY, 10.0, clock.now, clock.now, "metno", attribution="MET")
    )
    replay_server.route(METNO_PATH, Reply(500))
    replay_server.route(OPENMETEO_PATH, openmeteo_reply())
    for expected in (["metno"], ["metno"], ["metno", "open-meteo"]):
        attempts = run(city, replay_server, clock, fallback="open-meteo")
        assert [a.provider for a in attempts] == expected
        state = city.weather_provider_state(CITY, "metno")
        assert state.next_attempt_at is not None
        clock.now = state.next_attempt_at
    observation = city.latest_observation(CITY)
    assert observation is not None
    assert observation.provider == "open-meteo" and observation.temperature_c == 17.7
    assert "Open-Meteo" in observation.attribution


def test_fallback_at_once_when_there_is_no_fresh_data(
    city: Store, replay_server: ReplayServer
) -> None:
    replay_server.route(METNO_PATH, Reply(503))
    replay_server.route(OPENMETEO_PATH, openmeteo_reply())
    attempts = run(city, replay_server, Clock(datetime.now(UTC)), fallback="open-meteo")
    assert [(a.provider, a.outcome) for a in attempts] == [
        ("metno", "unavailable"),
        ("open-meteo", "updated"),
    ]


def test_reader_city_is_geocoded_then_fetched(store: Store, replay_server: ReplayServer) -> None:
    now = datetime.now(UTC)
    store.choose_weather_city("Hollywood", now, keep=2)
    replay_server.route(
        GEOCODING_PATH, Reply.json(recorded("open-meteo_geocoding_normal_hollywood.json"))
    )
    replay_server.route(METNO_PATH, metno_reply(now, temperature=24.0))
    attempts = run(store, replay_server, Clock(now))
    assert [a.outcome for a in attempts] == ["updated"]
    located = store.weather_location("Hollywood")
    assert located is not None and located.latitude == pytest.approx(26.0112)
    observation = store.latest_observation("Hollywood")
    assert observation is not None and observation.city == "Hollywood"


def test_unknown_reader_city_records_the_error(store: Store, replay_server: ReplayServer) -> None:
    now = datetime.now(UTC)
    store.choose_weather_city("Nowhereville", now, keep=2)
    replay_server.route(GEOCODING_PATH, Reply.json(recorded("open-meteo_geocoding_empty.json")))
    assert run(store, replay_server, Clock(now)) == []
    located = store.weather_location("Nowhereville")
    assert located is not None and located.last_error == "no place of that name"
    assert replay_server.hits(METNO_PATH) == []


def test_reader_cities_are_bounded_least_recently_chosen_out(store: Store) -> None:
    now = datetime.now(UTC)
    store.save_default_weather_location(CITY, 40.7, -74.0, now)
    for n, name in enumerate(("Paris", "Oslo", "Lima")):
        store.choose_weather_city(name, now + timedelta(minutes=n), keep=2)
    store.save_observation(Observation("Oslo", "Oslo", 1.0, now, now, "metno"))
    evicted = store.choose_weather_city("Quito", now + timedelta(minutes=5), keep=2)
    assert evicted == ["Oslo"]
    assert store.latest_observation("Oslo") is None
    names = {loc.location for loc in store.weather_locations()}
    assert names == {CITY, "Lima", "Quito"}


def test_a_restart_keeps_the_value(
    database_url: str, tmp_path: object, replay_server: ReplayServer
) -> None:
    now = datetime.now(UTC)
    # the reply first: it reads ../shared, and a skip there must leave no store open
    replay_server.route(METNO_PATH, metno_reply(now, temperature=15.5))
    first = open_store(database_url)
    try:
        first.save_default_weather_location(CITY, 40.7, -74.0, now)
        run(first, replay_server, Clock(now))
    finally:
        first.close()
    second = open_store(database_url)
    try:
        settings = Settings(database_url=database_url, weather_provider="off")
        with TestClient(create_app(settings, store=second, background=False)) as client:
            page = client.get("/").text
        assert "15.5 C" in page and CITY in page
        assert "MET Norway" in page
    finally:
        second.close()


def test_display_says_until_when_it_is_right() -> None:
    observed = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    observation = Observation(CITY, CITY, 15.5, observed, observed, "metno")
    fresh = display(observation, observed + timedelta(minutes=20), UTC)
    assert fresh is not None and fresh.valid_until == observed + timedelta(hours=1)
    stale = display(observation, observed + timedelta(minutes=61), UTC)
    assert stale is not None and stale.valid_until == observed + timedelta(hours=3)
    assert stale.as_of == "as of 12:00"
    assert display(observation, observed - timedelta(minutes=11), UTC) is None
