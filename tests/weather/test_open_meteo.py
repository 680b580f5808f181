"""Open-Meteo forecast and geocoding adapters against the replay server.

Bodies are the recorded files in ../shared/fixtures/weather, served as recorded (their
recorded Content-Encoding is not replayed). Where a test needs a value the recordings do
not have, it loads a recording and changes that one value, and says so.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any, TypeVar

import httpx
import pytest

from dateline.weather.base import (
    FailureKind,
    FetchResult,
    Place,
    ProviderConfigError,
    ProviderError,
    WeatherProvider,
    make_client,
)
from dateline.weather.open_meteo import Geocoder, GeoMatch, OpenMeteo
from tests.conftest import shared_path
from tests.replay import ReplayServer, Reply

T = TypeVar("T")
FORECAST = "/v1/forecast"
SEARCH = "/v1/search"
ENSCHEDE = Place(52.276, 6.8729997)  # the normal recording's own coordinates
NOW = datetime(2026, 10, 3, 10, 40, tzinfo=UTC)
KEY = "k3y-s3cr3t-0042"


def fixture(name: str) -> Any:
    return json.loads(shared_path("fixtures", "weather", name).read_text(encoding="utf-8"))


def recorded(name: str, status: int = 200, **headers: str) -> Reply:
    return Reply.file(shared_path("fixtures", "weather", name), status, **headers)


def run(call: Callable[[httpx.AsyncClient], Awaitable[T]]) -> T:
    async def main() -> T:
        async with make_client("dateline-tests") as client:
            return await call(client)

    return asyncio.run(main())


def fetch(
    server: ReplayServer | str, place: Place = ENSCHEDE, api_key: str = "", now: datetime = NOW
) -> FetchResult:
    base_url = server if isinstance(server, str) else server.url

    def call(client: httpx.AsyncClient) -> Awaitable[FetchResult]:
        provider = OpenMeteo(client, base_url, api_key=api_key, non_commercial=not api_key)
        return provider.fetch(place, now=now)

    return run(call)


def failure(server: ReplayServer | str, **kwargs: Any) -> ProviderError:
    with pytest.raises(ProviderError) as caught:
        fetch(server, **kwargs)
    return caught.value


def search(server: ReplayServer, name: str, count: int = 10) -> list[GeoMatch]:
    return run(lambda client: Geocoder(client, server.url).search(name, count))


# --- forecast ---------------------------------------------------------------------------


def test_recorded_current_gives_temperature_condition_and_utc_time(
    replay_server: ReplayServer,
) -> None:
    replay_server.route(FORECAST, recorded("open-meteo_forecast_current_normal.json"))
    result = fetch(replay_server)
    assert result.reading is not None
    assert result.reading.temperature_c == 17.7
    assert result.reading.condition == "partly-cloudy"  # weather_code 2
    # "2026-10-03T12:30" at utc_offset_seconds 7200
    assert result.reading.observed_at == datetime(2026, 10, 3, 10, 30, tzinfo=UTC)
    assert (result.not_modified, result.expires, result.last_modified) == (False, None, "")


def test_free_request_asks_for_current_in_utc_without_a_key(replay_server: ReplayServer) -> None:
    replay_server.route(FORECAST, recorded("open-meteo_forecast_current_normal.json"))
    fetch(replay_server, Place(52.27612345, 6.87299971))
    (seen,) = replay_server.hits(FORECAST)
    assert seen.query == {
        "latitude": ["52.2761"],
        "longitude": ["6.873"],
        "current": ["temperature_2m,weather_code"],
        "timezone": ["UTC"],
    }


def test_commercial_request_carries_the_key(replay_server: ReplayServer) -> None:
    replay_server.route(FORECAST, recorded("open-meteo_forecast_current_normal.json"))
    assert fetch(replay_server, api_key=KEY).reading is not None
    (seen,) = replay_server.hits(FORECAST)
    assert seen.query["apikey"] == [KEY]


def test_key_is_masked_in_httpx_log_lines(
    replay_server: ReplayServer, caplog: pytest.LogCaptureFixture
) -> None:
    replay_server.route(FORECAST, recorded("open-meteo_forecast_current_normal.json"))
    with caplog.at_level(logging.INFO, logger="httpx"):
        fetch(replay_server, api_key=KEY)
    assert "apikey=***" in caplog.text
    assert KEY not in caplog.text


def test_400_error_body_reason_in_message_key_redacted(replay_server: ReplayServer) -> None:
    replay_server.route(FORECAST, recorded("open-meteo_error_400_bad-parameter.json", 400))
    error = failure(replay_server, api_key=KEY)
    assert (error.kind, error.status) == (FailureKind.CONFIG, 400)
    assert "Parameter count must be between 1 and 100." in str(error)
    assert KEY not in str(error) and KEY not in repr(error.args)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "3600"}, timedelta(hours=1)),
        (
            {"Retry-After": format_datetime(NOW + timedelta(minutes=5), usegmt=True)},
            timedelta(minutes=5),
        ),
        ({}, None),
    ],
    ids=["seconds", "http-date", "absent"],
)
def test_429_error_body_is_rate_limited_with_reason(
    replay_server: ReplayServer, headers: dict[str, str], expected: timedelta | None
) -> None:
    # The recorded 429 body; Open-Meteo's Retry-After was not recorded, so the header
    # variants exercise our parsing of both RFC 9110 forms and of its absence.
    replay_server.route(FORECAST, recorded("open-meteo_error_429_daily-limit.json", 429, **headers))
    error = failure(replay_server, api_key=KEY)
    assert (error.kind, error.status, error.retry_after) == (
        FailureKind.RATE_LIMITED,
        429,
        expected,
    )
    assert "Daily API request limit exceeded" in str(error)
    assert KEY not in str(error)


def test_key_echoed_in_a_reason_is_redacted(replay_server: ReplayServer) -> None:
    # A key that happens to be a word of the recorded 429 reason, so that masking shows.
    replay_server.route(FORECAST, recorded("open-meteo_error_429_daily-limit.json", 429))
    error = failure(replay_server, api_key="Daily")
    assert "Daily" not in str(error)
    assert "*** API request limit exceeded" in str(error)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_is_unavailable(replay_server: ReplayServer, status: int) -> None:
    replay_server.route(FORECAST, Reply(status))
    error = failure(replay_server)
    assert (error.kind, error.status) == (FailureKind.UNAVAILABLE, status)


def test_unreachable_host_is_unavailable_key_redacted_and_unchained() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    error = failure(f"http://127.0.0.1:{port}", api_key=KEY)
    assert error.kind is FailureKind.UNAVAILABLE
    assert KEY not in str(error)
    assert error.__cause__ is None and error.__suppress_context__


def test_missing_current_is_bad_data(replay_server: ReplayServer) -> None:
    replay_server.route(FORECAST, recorded("open-meteo_forecast_missing-current.json"))
    error = failure(replay_server)
    assert error.kind is FailureKind.BAD_DATA
    assert "lacks current" in str(error)


def test_weather_code_without_temperature_is_bad_data(replay_server: ReplayServer) -> None:
    replay_server.route(FORECAST, recorded("open-meteo_forecast_current_weathercode-only.json"))
    error = failure(replay_server)
    assert error.kind is FailureKind.BAD_DATA
    assert "temperature_2m" in str(error)


@pytest.mark.parametrize("value", [61.0, -95.5, float("inf"), float("nan"), "17.7"])
def test_unusable_temperature_is_bad_data(replay_server: ReplayServer, value: Any) -> None:
    # The normal recording with current.temperature_2m (17.7) replaced by ``value``.
    body = fixture("open-meteo_forecast_current_normal.json")
    body["current"]["temperature_2m"] = value
    replay_server.route(FORECAST, Reply.json(body))
    error = failure(replay_server)
    assert error.kind is FailureKind.BAD_DATA
    assert "temperature_2m" in str(error)


def test_temperature_not_in_celsius_is_bad_data(replay_server: ReplayServer) -> None:
    # The normal recording with current_units.temperature_2m changed from °C to °F.
    body = fixture("open-meteo_forecast_current_normal.json")
    body["current_units"]["temperature_2m"] = "°F"
    replay_server.route(FORECAST, Reply.json(body))
    error = failure(replay_server)
    assert error.kind is FailureKind.BAD_DATA
    assert "°F" in str(error)


def test_body_that_is_not_json_is_bad_data(replay_server: ReplayServer) -> None:
    replay_server.route(FORECAST, Reply(200, b"<html>", {"Content-Type": "text/html"}))
    assert failure(replay_server).kind is FailureKind.BAD_DATA


def test_free_use_must_be_declared_or_keyed() -> None:
    async def build(**kwargs: Any) -> WeatherProvider:
        async with make_client("dateline-tests") as client:
            return OpenMeteo(client, "https://api.open-meteo.com", **kwargs)

    with pytest.raises(ProviderConfigError, match="DATELINE_OPENMETEO_KEY"):
        asyncio.run(build())
    assert asyncio.run(build(non_commercial=True)).name == "open-meteo"
    provider = asyncio.run(build(api_key=KEY))
    assert provider.attribution == "Weather data by Open-Meteo.com (CC BY 4.0)"


# --- geocoding --------------------------------------------------------------------------


def test_search_parses_the_recorded_hollywood_results(replay_server: ReplayServer) -> None:
    replay_server.route(SEARCH, recorded("open-meteo_geocoding_normal_hollywood.json"))
    matches = search(replay_server, "Hollywood")
    assert len(matches) == 10
    assert matches[0] == GeoMatch(
        name="Hollywood",
        latitude=26.0112,
        longitude=-80.14949,
        country="United States",
        admin1="Florida",
        timezone="America/New_York",
        population=149728,
    )
    assert matches[1].admin1 == "California"
    (seen,) = replay_server.hits(SEARCH)
    assert seen.query == {
        "name": ["Hollywood"],
        "count": ["10"],
        "language": ["en"],
        "format": ["json"],
    }


def test_search_fills_missing_fields_with_empty_values(replay_server: ReplayServer) -> None:
    replay_server.route(SEARCH, recorded("open-meteo_geocoding_missing-fields.json"))
    antarctica, macmurdo, atlantic_point = search(replay_server, "Antarctica", count=3)
    assert (antarctica.country, antarctica.admin1, antarctica.population) == ("", "", 1100)
    assert antarctica.timezone == "Antarctica/Syowa"
    assert (macmurdo.name, macmurdo.country, macmurdo.population) == ("Île MacMurdo", "", None)
    assert (atlantic_point.country, atlantic_point.admin1) == ("United States", "Maine")
    assert atlantic_point.population is None
    assert replay_server.hits(SEARCH)[0].query["count"] == ["3"]


def test_search_without_results_key_is_empty(replay_server: ReplayServer) -> None:
    replay_server.route(SEARCH, recorded("open-meteo_geocoding_empty.json"))
    assert search(replay_server, "Xyzzyville") == []


def test_search_for_a_blank_name_asks_nothing(replay_server: ReplayServer) -> None:
    assert search(replay_server, "   ") == []
    assert replay_server.requests == []


def test_search_error_body_reason_in_message(replay_server: ReplayServer) -> None:
    replay_server.route(SEARCH, recorded("open-meteo_error_400_bad-parameter.json", 400))
    with pytest.raises(ProviderError) as caught:
        search(replay_server, "Hollywood", count=1000)
    assert (caught.value.kind, caught.value.status) == (FailureKind.CONFIG, 400)
    assert "Parameter count must be between 1 and 100." in str(caught.value)
