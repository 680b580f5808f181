"""NWS adapter against the replay server: point, then station list, then latest observation.

The recordings in ../shared do not belong to one place: the point is 30,-85 (Sumatra FL),
the station list is a different grid's (first station KCMH), and the latest observation
is KFLL's. We serve them along the chain the adapter follows: the point's station-list
URL path answers the recorded list, and ``/stations/KCMH/observations/latest`` answers
the recorded KFLL observation. The missing-temperature and all-null recordings are
``/observations`` collections with one feature each: we serve that feature as the latest
observation's body (``latest`` returns a single feature of the same shape).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest

from dateline import __version__
from dateline.weather.base import (
    FailureKind,
    FetchResult,
    Place,
    ProviderConfigError,
    ProviderError,
    WeatherProvider,
    make_client,
)
from dateline.weather.nws import NationalWeatherService
from tests.conftest import shared_path
from tests.replay import ReplayServer, Reply

T = TypeVar("T")
POINT = "/points/30,-85"
STATIONS = "/gridpoints/TAE/58,65/stations"
LATEST = "/stations/KCMH/observations/latest"
SUMATRA = Place(30.0, -85.0)
NOW = datetime(2022, 3, 3, 0, 10, tzinfo=UTC)
CONTACT = "weather-desk@news.example.org"
GEO = "application/geo+json"
PROBLEM = "application/problem+json"
ACCESS_DENIED = (
    # Not a recording: a minimal HTML page in the shape of the CDN's "Access Denied" 403
    # (weather-gov/api issue #163), which the fixtures describe but do not hold.
    b"<HTML><HEAD><TITLE>Access Denied</TITLE></HEAD><BODY><H1>Access Denied</H1></BODY></HTML>"
)


def fixture(name: str) -> Any:
    return json.loads(shared_path("fixtures", "weather", name).read_text(encoding="utf-8"))


def recorded(name: str, status: int = 200, content_type: str = GEO) -> Reply:
    return Reply.file(shared_path("fixtures", "weather", name), status, content_type)


def geo(body: Any) -> Reply:
    return Reply(200, json.dumps(body).encode(), {"Content-Type": GEO})


def route_chain(server: ReplayServer, *latest: Reply) -> None:
    server.route(POINT, recorded("nws_points_normal.json"))
    server.route(STATIONS, recorded("nws_stations_normal.json"))
    server.route(LATEST, *(latest or (recorded("nws_observation-latest_normal.json"),)))


def first_feature(name: str) -> Reply:
    """The one feature of an ``/observations`` recording, served as ``latest``."""
    (feature,) = fixture(name)["features"]
    return geo(feature)


def latest_with(**temperature: Any) -> Reply:
    """The normal latest observation with its ``temperature`` fields replaced."""
    body = fixture("nws_observation-latest_normal.json")
    body["properties"]["temperature"].update(temperature)
    return geo(body)


def run(call: Callable[[NationalWeatherService], Awaitable[T]], base_url: str) -> T:
    async def main() -> T:
        async with make_client("dateline-tests") as client:
            return await call(NationalWeatherService(client, base_url, CONTACT))

    return asyncio.run(main())


def fetch(server: ReplayServer, place: Place = SUMATRA, last_modified: str = "") -> FetchResult:
    return run(lambda nws: nws.fetch(place, last_modified, now=NOW), server.url)


def failure(server: ReplayServer, **kwargs: Any) -> ProviderError:
    with pytest.raises(ProviderError) as caught:
        fetch(server, **kwargs)
    return caught.value


def lower(headers: dict[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def test_recorded_chain_gives_the_latest_observation(replay_server: ReplayServer) -> None:
    route_chain(replay_server)
    result = fetch(replay_server)
    assert result.reading is not None
    assert result.reading.temperature_c == 22.8  # recorded as 22.800000000000001
    assert result.reading.observed_at == datetime(2022, 3, 2, 23, 53, tzinfo=UTC)
    assert result.reading.condition == "cloudy"  # icon .../land/night/bkn, "Mostly Cloudy"
    assert not result.not_modified


def test_every_request_identifies_us_and_asks_for_geojson(replay_server: ReplayServer) -> None:
    route_chain(replay_server)
    fetch(replay_server, Place(29.99996, -85.00004))  # rounds to 30,-85 at 4 decimals
    assert [seen.path for seen in replay_server.requests] == [POINT, STATIONS, LATEST]
    for seen in replay_server.requests:
        headers = lower(seen.headers)
        assert headers["accept"] == GEO
        assert headers["user-agent"] == f"dateline/{__version__} {CONTACT}"
        assert "if-modified-since" not in headers


def test_station_is_remembered_per_place(replay_server: ReplayServer) -> None:
    route_chain(replay_server)

    async def twice(nws: NationalWeatherService) -> tuple[FetchResult, FetchResult]:
        return await nws.fetch(SUMATRA, now=NOW), await nws.fetch(SUMATRA, now=NOW)

    first, second = run(twice, replay_server.url)
    assert first == second
    assert [seen.path for seen in replay_server.requests] == [POINT, STATIONS, LATEST, LATEST]


def test_304_on_the_latest_observation_is_not_modified(replay_server: ReplayServer) -> None:
    route_chain(replay_server, Reply(304))
    result = fetch(replay_server, last_modified="Wed, 02 Mar 2022 23:58:00 GMT")
    assert result == FetchResult(
        None, not_modified=True, last_modified="Wed, 02 Mar 2022 23:58:00 GMT"
    )
    assert lower(replay_server.hits(LATEST)[0].headers)["if-modified-since"] == (
        "Wed, 02 Mar 2022 23:58:00 GMT"
    )


def test_missing_temperature_is_bad_data_naming_the_station(replay_server: ReplayServer) -> None:
    # temperature.value null (qc:Z) although rawMessage holds the METAR "26/23".
    route_chain(replay_server, first_feature("nws_observations_missing-temperature.json"))
    error = failure(replay_server)
    assert error.kind is FailureKind.BAD_DATA
    assert str(error) == "NWS station KCMH reported no temperature"


def test_all_null_observation_is_bad_data(replay_server: ReplayServer) -> None:
    route_chain(replay_server, first_feature("nws_observations_all-null.json"))
    error = failure(replay_server)
    assert error.kind is FailureKind.BAD_DATA
    assert "no temperature" in str(error)


def test_older_unit_codes_are_accepted(replay_server: ReplayServer) -> None:
    # The normal observation with the older "unit:degC" code of the 2019 recordings.
    route_chain(replay_server, latest_with(unitCode="unit:degC"))
    reading = fetch(replay_server).reading
    assert reading is not None and reading.temperature_c == 22.8


def test_fahrenheit_is_converted(replay_server: ReplayServer) -> None:
    # The normal observation restated in degF: 22.8 C is 73.04 F.
    route_chain(replay_server, latest_with(unitCode="wmoUnit:degF", value=73.04))
    reading = fetch(replay_server).reading
    assert reading is not None and reading.temperature_c == 22.8


def test_unknown_unit_is_bad_data(replay_server: ReplayServer) -> None:
    route_chain(replay_server, latest_with(unitCode="wmoUnit:K", value=295.95))
    error = failure(replay_server)
    assert error.kind is FailureKind.BAD_DATA
    assert "wmoUnit:K" in str(error)


@pytest.mark.parametrize("value", [61.0, -91.0, float("inf"), float("nan")])
def test_implausible_temperature_is_bad_data(replay_server: ReplayServer, value: float) -> None:
    # The normal observation with temperature.value (22.8) replaced by ``value``.
    route_chain(replay_server, latest_with(value=value))
    assert failure(replay_server).kind is FailureKind.BAD_DATA


def test_500_problem_on_the_point_is_unavailable_with_detail(
    replay_server: ReplayServer,
) -> None:
    replay_server.route(POINT, recorded("nws_error_500_unexpected-problem.json", 500, PROBLEM))
    error = failure(replay_server)
    assert (error.kind, error.status) == (FailureKind.UNAVAILABLE, 500)
    assert "An unexpected problem has occurred." in str(error)


def test_503_problem_on_the_observation_is_unavailable_with_detail(
    replay_server: ReplayServer,
) -> None:
    route_chain(replay_server, recorded("nws_error_503_unavailable.json", 503, PROBLEM))
    error = failure(replay_server)
    assert (error.kind, error.status) == (FailureKind.UNAVAILABLE, 503)
    assert "currently unavailable" in str(error)


@pytest.mark.parametrize(
    "reply",
    [Reply(403), Reply(403, ACCESS_DENIED, {"Content-Type": "text/html"})],
    ids=["no-body", "html"],
)
def test_403_is_config_pointing_at_the_user_agent(
    replay_server: ReplayServer, reply: Reply
) -> None:
    replay_server.route(POINT, reply)
    error = failure(replay_server)
    assert (error.kind, error.status) == (FailureKind.CONFIG, 403)
    assert "User-Agent" in str(error) and "DATELINE_WEATHER_CONTACT" in str(error)
    assert "<" not in str(error)


def test_unknown_point_is_config(replay_server: ReplayServer) -> None:
    # Nothing routed: the replay server answers 404 with an empty body.
    error = failure(replay_server)
    assert (error.kind, error.status) == (FailureKind.CONFIG, 404)
    assert "point 30,-85" in str(error)


def test_404_for_the_station_forgets_it(replay_server: ReplayServer) -> None:
    route_chain(replay_server, Reply(404), recorded("nws_observation-latest_normal.json"))

    async def twice(nws: NationalWeatherService) -> FetchResult:
        with pytest.raises(ProviderError) as caught:
            await nws.fetch(SUMATRA, now=NOW)
        assert (caught.value.kind, caught.value.status) == (FailureKind.CONFIG, 404)
        return await nws.fetch(SUMATRA, now=NOW)

    assert run(twice, replay_server.url).reading is not None
    assert [seen.path for seen in replay_server.requests] == [POINT, STATIONS, LATEST] * 2


def test_429_is_rate_limited(replay_server: ReplayServer) -> None:
    route_chain(replay_server, Reply(429, headers={"Retry-After": "30"}))
    error = failure(replay_server)
    assert (error.kind, error.retry_after) == (FailureKind.RATE_LIMITED, timedelta(seconds=30))


def test_empty_station_list_is_bad_data(replay_server: ReplayServer) -> None:
    # The recorded station list with its features removed.
    stations = fixture("nws_stations_normal.json")
    stations["features"] = []
    replay_server.route(POINT, recorded("nws_points_normal.json"))
    replay_server.route(STATIONS, geo(stations))
    error = failure(replay_server)
    assert error.kind is FailureKind.BAD_DATA
    assert "no stations" in str(error)


def test_point_without_station_list_is_bad_data(replay_server: ReplayServer) -> None:
    # The recorded point with properties.observationStations removed.
    point = fixture("nws_points_normal.json")
    del point["properties"]["observationStations"]
    replay_server.route(POINT, geo(point))
    error = failure(replay_server)
    assert error.kind is FailureKind.BAD_DATA
    assert "observationStations" in str(error)


@pytest.mark.parametrize("contact", ["", "  "])
def test_contact_is_required(contact: str) -> None:
    async def build() -> None:
        async with make_client("dateline-tests") as client:
            NationalWeatherService(client, "https://api.weather.gov", contact)

    with pytest.raises(ProviderConfigError, match="User-Agent"):
        asyncio.run(build())


def test_is_a_weather_provider() -> None:
    async def build() -> WeatherProvider:
        async with make_client("dateline-tests") as client:
            return NationalWeatherService(client, "https://api.weather.gov", CONTACT)

    provider = asyncio.run(build())
    assert (provider.name, provider.attribution) == (
        "nws",
        "Weather data: US National Weather Service",
    )
