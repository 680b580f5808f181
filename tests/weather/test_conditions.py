"""The condition set and the mapping of each provider's codes onto it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from dateline.weather.conditions import LABELS, SYMBOLS, from_metno, from_nws, from_wmo
from tests.conftest import shared_path

KEYS = {
    "clear",
    "partly-cloudy",
    "cloudy",
    "fog",
    "drizzle",
    "rain",
    "snow",
    "sleet",
    "showers",
    "thunder",
}


def fixture(name: str) -> Any:
    return json.loads(shared_path("fixtures", "weather", name).read_text(encoding="utf-8"))


def test_every_condition_has_a_label_and_a_one_character_symbol() -> None:
    assert set(LABELS) == KEYS == set(SYMBOLS)
    assert LABELS["partly-cloudy"] == "Partly cloudy"
    for key in KEYS:
        assert LABELS[key][0].isupper()
        assert len(SYMBOLS[key]) == 1
    assert len(set(SYMBOLS.values())) == len(KEYS)


@pytest.mark.parametrize(
    ("codes", "condition"),
    [
        ((0, 1), "clear"),
        ((2,), "partly-cloudy"),
        ((3,), "cloudy"),
        ((45, 48), "fog"),
        ((51, 53, 55, 56, 57), "drizzle"),
        ((61, 63, 65), "rain"),
        ((66, 67), "sleet"),
        ((71, 73, 75, 77, 85, 86), "snow"),
        ((80, 81, 82), "showers"),
        ((95, 96, 99), "thunder"),
        ((-1, 4, 10, 50, 68, 83, 90, 100), ""),
    ],
)
def test_from_wmo(codes: tuple[int, ...], condition: str) -> None:
    assert [from_wmo(code) for code in codes] == [condition] * len(codes)


@pytest.mark.parametrize(
    ("symbol_code", "condition"),
    [
        ("clearsky_day", "clear"),
        ("fair_night", "clear"),
        ("clearsky_polartwilight", "clear"),
        ("partlycloudy_day", "partly-cloudy"),
        ("cloudy", "cloudy"),
        ("fog", "fog"),
        ("lightrain", "rain"),
        ("heavyrain", "rain"),
        ("lightrainshowers_night", "showers"),
        ("rainshowers_day", "showers"),
        ("sleet", "sleet"),
        ("heavysleetshowers_day", "sleet"),
        ("heavysnow", "snow"),
        ("lightsnowshowers_polartwilight", "snow"),
        ("rainandthunder", "thunder"),
        ("heavyrainshowersandthunder_night", "thunder"),
        ("lightssleetshowersandthunder_day", "thunder"),  # MET's own spelling
        ("", ""),
        ("tornado", ""),
    ],
)
def test_from_metno(symbol_code: str, condition: str) -> None:
    assert from_metno(symbol_code) == condition


def test_every_symbol_in_the_met_recording_is_known() -> None:
    wrapper = fixture("metno_compact_normal_new-york.recorded.json")
    symbols = {
        entry["data"][period]["summary"]["symbol_code"]
        for entry in wrapper["data"]["properties"]["timeseries"]
        for period in ("next_1_hours", "next_6_hours", "next_12_hours")
        if period in entry["data"]
    }
    assert symbols
    assert {symbol: from_metno(symbol) in KEYS for symbol in symbols} == dict.fromkeys(
        symbols, True
    )


def test_every_code_in_the_open_meteo_recording_is_known() -> None:
    body = fixture("open-meteo_forecast_current_weathercode-only.json")
    codes = set(body["hourly"]["weather_code"]) | set(body["daily"]["weather_code"])
    assert {code: from_wmo(code) in KEYS for code in codes} == dict.fromkeys(codes, True)


@pytest.mark.parametrize(
    ("icon", "condition"),
    [
        ("https://api.weather.gov/icons/land/night/bkn?size=medium", "cloudy"),
        ("https://api.weather.gov/icons/land/day/few?size=medium", "clear"),
        ("/icons/land/day/skc", "clear"),
        ("/icons/land/day/sct", "partly-cloudy"),
        ("/icons/land/night/ovc", "cloudy"),
        ("/icons/land/day/rain", "rain"),
        ("/icons/land/day/rain_showers,30?size=small", "showers"),
        ("/icons/land/day/tsra_hi,40/rain_showers,20", "thunder"),
        ("/icons/land/night/snow", "snow"),
        ("/icons/land/day/fzra", "sleet"),
        ("/icons/land/day/fog", "fog"),
        ("https://forecast.weather.gov/images/wtf/medium/nbkn.png", "cloudy"),
        ("https://forecast.weather.gov/images/wtf/medium/shra.png", "showers"),
        ("https://forecast.weather.gov/images/wtf/medium/ra.png", "rain"),
        ("https://forecast.weather.gov/images/wtf/medium/sn.png", "snow"),
        ("/icons/land/day/haze", ""),
        ("/icons/land/day/", ""),
    ],
)
def test_from_nws_icon(icon: str, condition: str) -> None:
    assert from_nws(icon) == condition


@pytest.mark.parametrize(
    ("text", "condition"),
    [
        ("Clear", "clear"),
        ("Mostly Clear", "clear"),
        ("Sunny", "clear"),
        ("A Few Clouds", "clear"),
        ("Partly Cloudy", "partly-cloudy"),
        ("Partly Sunny", "partly-cloudy"),
        ("Mostly Cloudy", "cloudy"),
        ("Cloudy", "cloudy"),
        ("Overcast", "cloudy"),
        ("Fog/Mist", "fog"),
        ("Light Drizzle", "drizzle"),
        ("Light Rain and Fog/Mist", "rain"),
        ("Heavy Rain", "rain"),
        ("Rain Showers", "showers"),
        ("Light Snow", "snow"),
        ("Snow Showers", "snow"),
        ("Freezing Rain", "sleet"),
        ("Ice Pellets", "sleet"),
        ("Thunderstorms and Rain", "thunder"),
        ("Haze", ""),
        ("", ""),
    ],
)
def test_from_nws_text(text: str, condition: str) -> None:
    assert from_nws(text) == condition


def test_recorded_nws_observations_map_from_icon_and_text() -> None:
    latest = fixture("nws_observation-latest_normal.json")["properties"]
    assert from_nws(latest["icon"]) == from_nws(latest["textDescription"]) == "cloudy"
    (older,) = fixture("nws_observations_missing-temperature.json")["features"]
    assert from_nws(older["properties"]["icon"]) == "clear"  # few, "Mostly Clear"
    assert from_nws(older["properties"]["textDescription"]) == "clear"
