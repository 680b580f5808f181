"""MET Norway adapter against the replay server, fed with the recorded New York ``compact``.

The recording (2020-07-20, in ../shared) is a wrapper ``{status_code, headers, data}``: we
serve ``data`` as the body with the recorded headers, minus Content-Length/-Encoding
(they describe the gzipped wire body) and Connection. "Now" is frozen at 11:20Z that day.
MET sends 304, 429 and 403 without a body, so those replies have none.
"""

from __future__ import annotations

import asyncio
import copy
import json
import socket
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
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
from dateline.weather.metno import MetNorway
from tests.conftest import shared_path
from tests.replay import ReplayServer, Reply

PATH = "/weatherapi/locationforecast/2.0/compact"
NEW_YORK = Place(40.7, -74.0)
NOW = datetime(2020, 7, 20, 11, 20, tzinfo=UTC)
CONTACT = "weather-desk@news.example.org"
NOT_REPLAYED = {"content-length", "content-encoding", "connection", "transfer-encoding"}


def recording() -> dict[str, Any]:
    path = shared_path("fixtures", "weather", "metno_compact_normal_new-york.recorded.json")
    wrapper: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return wrapper


def recorded_reply(data: Any = None) -> Reply:
    """The recording as a reply; ``data`` replaces the recorded body when given."""
    wrapper = recording()
    headers = {k: v for k, v in wrapper["headers"].items() if k.lower() not in NOT_REPLAYED}
    body = wrapper["data"] if data is None else data
    return Reply(wrapper["status_code"], json.dumps(body).encode(), headers)


def fetch(
    server: ReplayServer | str,
    place: Place = NEW_YORK,
    last_modified: str = "",
    now: datetime = NOW,
) -> FetchResult:
    base_url = server if isinstance(server, str) else server.url
    return run(lambda client: MetNorway(client, base_url, CONTACT).fetch(place, last_modified, now))


def run(call: Callable[[httpx.AsyncClient], Awaitable[FetchResult]]) -> FetchResult:
    async def main() -> FetchResult:
        async with make_client("dateline-tests") as client:
            return await call(client)

    return asyncio.run(main())


def failure(server: ReplayServer | str, **kwargs: Any) -> ProviderError:
    with pytest.raises(ProviderError) as caught:
        fetch(server, **kwargs)
    return caught.value


def lower(headers: dict[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def test_recorded_compact_gives_the_entry_at_or_before_now(replay_server: ReplayServer) -> None:
    replay_server.route(PATH, recorded_reply())
    result = fetch(replay_server)
    assert result.reading is not None
    assert result.reading.temperature_c == 26.5
    assert result.reading.condition == "partly-cloudy"
    assert result.reading.observed_at == datetime(2020, 7, 20, 11, 0, tzinfo=UTC)
    assert result.expires == datetime(2020, 7, 20, 12, 14, 53, tzinfo=UTC)
    assert result.last_modified == "Mon, 20 Jul 2020 11:44:31 GMT"
    assert not result.not_modified


def test_request_identifies_us_rounds_coordinates_and_revalidates(
    replay_server: ReplayServer,
) -> None:
    replay_server.route(PATH, recorded_reply())
    fetch(replay_server, Place(40.712776, -74.005974), last_modified="Mon, 20 Jul 2020 10:00 GMT")
    (seen,) = replay_server.hits(PATH)
    assert seen.query == {"lat": ["40.7128"], "lon": ["-74.006"]}
    headers = lower(seen.headers)
    assert headers["user-agent"] == f"dateline/{__version__} {CONTACT}"
    assert headers["if-modified-since"] == "Mon, 20 Jul 2020 10:00 GMT"


def test_first_request_sends_no_if_modified_since(replay_server: ReplayServer) -> None:
    replay_server.route(PATH, recorded_reply())
    fetch(replay_server)
    (seen,) = replay_server.hits(PATH)
    assert seen.query == {"lat": ["40.7"], "lon": ["-74"]}
    assert "if-modified-since" not in lower(seen.headers)


@pytest.mark.parametrize(
    ("now", "observed", "celsius"),
    [
        (datetime(2020, 7, 20, 13, 59, tzinfo=UTC), datetime(2020, 7, 20, 13, tzinfo=UTC), 29.3),
        (datetime(2020, 7, 20, 14, 0, tzinfo=UTC), datetime(2020, 7, 20, 14, tzinfo=UTC), 30.8),
        # every entry is in the future: the first one is the best we have
        (datetime(2020, 7, 19, 23, 0, tzinfo=UTC), datetime(2020, 7, 20, 11, tzinfo=UTC), 26.5),
    ],
)
def test_entry_choice_follows_now(
    replay_server: ReplayServer, now: datetime, observed: datetime, celsius: float
) -> None:
    replay_server.route(PATH, recorded_reply())
    reading = fetch(replay_server, now=now).reading
    assert reading is not None
    assert (reading.observed_at, reading.temperature_c) == (observed, celsius)


def test_condition_falls_back_to_next_6_hours(replay_server: ReplayServer) -> None:
    # The recorded 2020-07-22T18:00Z entry has no next_1_hours; its next_6_hours says
    # partlycloudy_day while next_12_hours says lightrainshowers_day.
    replay_server.route(PATH, recorded_reply())
    reading = fetch(replay_server, now=datetime(2020, 7, 22, 18, 30, tzinfo=UTC)).reading
    assert reading is not None
    assert (reading.temperature_c, reading.condition) == (30.2, "partly-cloudy")


def test_entry_with_only_instant_has_no_condition(replay_server: ReplayServer) -> None:
    # The recording's last entry (2020-07-29T06:00Z) carries only data.instant.
    replay_server.route(PATH, recorded_reply())
    reading = fetch(replay_server, now=datetime(2020, 7, 30, tzinfo=UTC)).reading
    assert reading is not None
    assert (reading.temperature_c, reading.condition) == (24.7, "")


def test_304_means_not_modified(replay_server: ReplayServer) -> None:
    headers = {
        "Expires": "Mon, 20 Jul 2020 12:44:53 GMT",
        "Last-Modified": "Mon, 20 Jul 2020 11:44:31 GMT",
    }
    replay_server.route(PATH, Reply(304, headers=headers))
    result = fetch(replay_server, last_modified="Mon, 20 Jul 2020 11:44:31 GMT")
    assert result == FetchResult(
        None,
        not_modified=True,
        expires=datetime(2020, 7, 20, 12, 44, 53, tzinfo=UTC),
        last_modified="Mon, 20 Jul 2020 11:44:31 GMT",
    )


def test_304_without_last_modified_keeps_the_one_sent(replay_server: ReplayServer) -> None:
    replay_server.route(PATH, Reply(304))
    result = fetch(replay_server, last_modified="Mon, 20 Jul 2020 11:44:31 GMT")
    assert result.not_modified and result.reading is None and result.expires is None
    assert result.last_modified == "Mon, 20 Jul 2020 11:44:31 GMT"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "120"}, timedelta(seconds=120)),
        (
            {"Retry-After": format_datetime(NOW + timedelta(seconds=90), usegmt=True)},
            timedelta(seconds=90),
        ),
        ({"Retry-After": format_datetime(NOW - timedelta(seconds=90), usegmt=True)}, timedelta(0)),
        ({}, None),
    ],
    ids=["seconds", "http-date", "http-date-past", "absent"],
)
def test_429_is_rate_limited_with_retry_after(
    replay_server: ReplayServer, headers: dict[str, str], expected: timedelta | None
) -> None:
    replay_server.route(PATH, Reply(429, headers=headers))  # MET: "instead of any content"
    error = failure(replay_server)
    assert (error.kind, error.status, error.retry_after) == (
        FailureKind.RATE_LIMITED,
        429,
        expected,
    )


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_is_unavailable(replay_server: ReplayServer, status: int) -> None:
    replay_server.route(PATH, Reply(status))
    error = failure(replay_server)
    assert (error.kind, error.status) == (FailureKind.UNAVAILABLE, status)


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_refusals_are_config_errors_naming_the_status(
    replay_server: ReplayServer, status: int
) -> None:
    replay_server.route(PATH, Reply(status))  # no body: MET's real ones are HTML we lack
    error = failure(replay_server)
    assert (error.kind, error.status) == (FailureKind.CONFIG, status)
    assert f"({status})" in str(error)
    assert "DATELINE_WEATHER_CONTACT" in str(error)


def test_other_4xx_is_config(replay_server: ReplayServer) -> None:
    replay_server.route(PATH, Reply(422))
    error = failure(replay_server)
    assert (error.kind, error.status) == (FailureKind.CONFIG, 422)
    assert "422" in str(error)


def test_body_that_is_not_json_is_bad_data(replay_server: ReplayServer) -> None:
    replay_server.route(
        PATH, Reply(200, b"<html>maintenance</html>", {"Content-Type": "text/html"})
    )
    assert failure(replay_server).kind is FailureKind.BAD_DATA


def test_empty_timeseries_is_bad_data(replay_server: ReplayServer) -> None:
    data = recording()["data"]
    data["properties"]["timeseries"] = []  # the recording with its entries removed
    replay_server.route(PATH, recorded_reply(data))
    error = failure(replay_server)
    assert error.kind is FailureKind.BAD_DATA
    assert "timeseries" in str(error)


def test_missing_properties_is_bad_data_naming_it(replay_server: ReplayServer) -> None:
    data = recording()["data"]
    del data["properties"]
    replay_server.route(PATH, recorded_reply(data))
    error = failure(replay_server)
    assert error.kind is FailureKind.BAD_DATA
    assert "lacks properties" in str(error)


def test_missing_air_temperature_is_bad_data_naming_it(replay_server: ReplayServer) -> None:
    data = recording()["data"]
    del data["properties"]["timeseries"][0]["data"]["instant"]["details"]["air_temperature"]
    replay_server.route(PATH, recorded_reply(data))
    error = failure(replay_server)
    assert error.kind is FailureKind.BAD_DATA
    assert "air_temperature" in str(error)


@pytest.mark.parametrize("value", [75.0, -120.0, float("inf"), float("nan")])
def test_implausible_temperature_is_bad_data(replay_server: ReplayServer, value: float) -> None:
    # The recording with the 11:00Z air_temperature (26.5) replaced by ``value``;
    # json.dumps writes inf and nan as Infinity and NaN, which Python's JSON reader accepts.
    data = copy.deepcopy(recording()["data"])
    data["properties"]["timeseries"][0]["data"]["instant"]["details"]["air_temperature"] = value
    replay_server.route(PATH, recorded_reply(data))
    error = failure(replay_server)
    assert error.kind is FailureKind.BAD_DATA
    assert "air_temperature" in str(error)


def test_slow_reply_times_out_after_the_read_timeout(replay_server: ReplayServer) -> None:
    # Had the 5 s read timeout not fired, the 6 s reply "{}" would give BAD_DATA instead.
    replay_server.route(PATH, Reply(200, b"{}", delay=6))
    error = failure(replay_server)
    assert (error.kind, error.status) == (FailureKind.TIMEOUT, None)


def test_refused_connection_is_unavailable() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    error = failure(f"http://127.0.0.1:{port}")
    assert error.kind is FailureKind.UNAVAILABLE
    assert error.status is None


@pytest.mark.parametrize("contact", ["", "   "])
def test_contact_is_required(contact: str) -> None:
    async def build() -> None:
        async with make_client("dateline-tests") as client:
            MetNorway(client, "https://api.met.no", contact)

    with pytest.raises(ProviderConfigError, match="DATELINE_WEATHER_CONTACT"):
        asyncio.run(build())


def test_is_a_weather_provider() -> None:
    async def build() -> WeatherProvider:
        async with make_client("dateline-tests") as client:
            return MetNorway(client, "https://api.met.no", CONTACT)

    provider = asyncio.run(build())
    assert provider.name == "metno"
    assert provider.attribution == "Weather data: MET Norway (CC BY 4.0)"
