"""MET Norway Locationforecast 2.0 (``compact``): the default provider, no key needed.

MET asks for an identifying User-Agent with a contact, at most 4 decimals in coordinates,
no request before ``Expires`` and ``If-Modified-Since`` on repeat requests; a 304 then
means "keep what you have". The current value is the timeseries entry at or just before
now (forecasts start at the top of the hour).

The HTTP exchange itself (one GET, failures classified) is ``weather.http``, shared with
the other adapters.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import httpx

from dateline import __version__
from dateline.weather.base import (
    FailureKind,
    FetchResult,
    Place,
    ProviderConfigError,
    ProviderError,
    Reading,
    usable_celsius,
)
from dateline.weather.conditions import from_metno
from dateline.weather.http import (
    aware,
    coordinate,
    dig,
    failure_kind,
    get,
    http_date,
    json_body,
    retry_after,
)

PATH = "/weatherapi/locationforecast/2.0/compact"
_PERIODS = ("next_1_hours", "next_6_hours", "next_12_hours")


class MetNorway:
    """The ``metno`` provider: one ``compact`` request per fetch."""

    name = "metno"
    attribution = "Weather data: MET Norway (CC BY 4.0)"

    def __init__(self, client: httpx.AsyncClient, base_url: str, contact: str) -> None:
        if not contact.strip():
            raise ProviderConfigError(
                "MET Norway requires an identifying User-Agent with a contact: "
                "set DATELINE_WEATHER_CONTACT"
            )
        self.client = client
        self.url = base_url.rstrip("/") + PATH
        self.user_agent = f"dateline/{__version__} {contact.strip()}"

    async def fetch(
        self, place: Place, last_modified: str = "", now: datetime | None = None
    ) -> FetchResult:
        """The current temperature at ``place``, or ``not_modified`` after a 304."""
        now = aware(now)
        headers = {"User-Agent": self.user_agent}
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        params = {"lat": coordinate(place.latitude), "lon": coordinate(place.longitude)}
        response = await get(self.client, self.url, params, headers, "MET Norway")
        expires = http_date(response.headers.get("Expires", ""))
        modified = response.headers.get("Last-Modified", "")
        status = response.status_code
        if status == 304:
            return FetchResult(
                None, not_modified=True, expires=expires, last_modified=modified or last_modified
            )
        if not 200 <= status < 300:
            raise _error(response, now)
        reading = _reading(json_body(response, "MET Norway"), now)
        return FetchResult(reading, expires=expires, last_modified=modified)


def _error(response: httpx.Response, now: datetime) -> ProviderError:
    status = response.status_code
    kind = failure_kind(status)
    if kind is FailureKind.RATE_LIMITED:
        message = "MET Norway is rate-limiting us (429)"
    elif kind is FailureKind.UNAVAILABLE:
        message = f"MET Norway is unavailable ({status})"
    elif status in (400, 401, 403, 404):
        message = (
            f"MET Norway refused the request ({status}): "
            "check DATELINE_WEATHER_CONTACT and the coordinates"
        )
    else:
        message = f"MET Norway answered an unexpected status ({status})"
    return ProviderError(kind, message, status, retry_after(response, now))


def _reading(body: object, now: datetime) -> Reading:
    series = dig(body, "properties", "timeseries", what="MET Norway response")
    if not isinstance(series, list) or not series:
        raise ProviderError(FailureKind.BAD_DATA, "MET Norway response has no timeseries")
    timed = [(_entry_time(entry), entry) for entry in series]
    past = [pair for pair in timed if pair[0] <= now]
    when, entry = max(past, key=lambda p: p[0]) if past else min(timed, key=lambda p: p[0])
    temperature = dig(
        entry, "data", "instant", "details", "air_temperature", what="MET Norway timeseries entry"
    )
    celsius = usable_celsius(temperature, "MET Norway air_temperature")
    return Reading(celsius, when, _condition(entry))


def _entry_time(entry: object) -> datetime:
    value = dig(entry, "time", what="MET Norway timeseries entry")
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        raise ProviderError(
            FailureKind.BAD_DATA, f"MET Norway timeseries time is not ISO 8601: {value!r}"
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _condition(entry: object) -> str:
    data = entry.get("data") if isinstance(entry, Mapping) else None
    for period in _PERIODS:
        block = data.get(period) if isinstance(data, Mapping) else None
        summary = block.get("summary") if isinstance(block, Mapping) else None
        symbol = summary.get("symbol_code") if isinstance(summary, Mapping) else None
        if isinstance(symbol, str) and symbol:
            return from_metno(symbol)
    return ""


# --- HTTP helpers shared by the adapters ---------------------------------------------
