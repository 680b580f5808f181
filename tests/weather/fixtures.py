"""Replies built from the recorded weather fixtures in ../shared/fixtures/weather.

The recorded MET Norway response for New York dates from July 2020. To test freshness
with the real clock, ``metno_reply`` serves that recorded body with every time moved by
the same offset so its first entry is the current hour (and, when asked, that entry's
air temperature replaced): the structure, fields and other values stay as recorded.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

from tests.conftest import shared_path
from tests.replay import Reply

METNO_PATH = "/weatherapi/locationforecast/2.0/compact"
OPENMETEO_PATH = "/v1/forecast"
GEOCODING_PATH = "/v1/search"


def recorded(name: str) -> Any:
    return json.loads(shared_path("fixtures", "weather", name).read_text(encoding="utf-8"))


def _shift(stamp: str, delta: timedelta) -> str:
    moved = datetime.fromisoformat(stamp.replace("Z", "+00:00")) + delta
    return moved.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def metno_reply(
    now: datetime, temperature: float | None = None, expires_in: timedelta = timedelta(minutes=30)
) -> Reply:
    """The recorded New York forecast, moved so its first entry is ``now``'s hour."""
    wrapper = recorded("metno_compact_normal_new-york.recorded.json")
    data = wrapper["data"]
    series = data["properties"]["timeseries"]
    first = datetime.fromisoformat(series[0]["time"].replace("Z", "+00:00"))
    delta = now.replace(minute=0, second=0, microsecond=0) - first
    for entry in series:
        entry["time"] = _shift(entry["time"], delta)
    data["properties"]["meta"]["updated_at"] = _shift(
        data["properties"]["meta"]["updated_at"], delta
    )
    if temperature is not None:
        series[0]["data"]["instant"]["details"]["air_temperature"] = temperature
    return Reply.json(
        data,
        Expires=format_datetime(now + expires_in, usegmt=True),
        **{"Last-Modified": format_datetime(now, usegmt=True)},
    )


def openmeteo_reply() -> Reply:
    return Reply.json(recorded("open-meteo_forecast_current_normal.json"))
