"""Open-Meteo: the current temperature from ``/v1/forecast``, and place search.

The free API excludes commercial sites, so the adapter refuses to start without either an
API key (sent as ``apikey`` to the commercial host the operator configures) or an explicit
non-commercial declaration. The key never appears in an error message, and a filter on
the ``httpx`` logger masks it in httpx's own request log lines.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import TypeGuard

import httpx

from dateline.weather.base import (
    FailureKind,
    FetchResult,
    Place,
    ProviderConfigError,
    ProviderError,
    Reading,
    usable_celsius,
)
from dateline.weather.conditions import from_wmo
from dateline.weather.http import aware, coordinate, dig, failure_kind, get, retry_after

PROVIDER = "Open-Meteo"
CELSIUS = "°C"


class OpenMeteo:
    """The ``open-meteo`` provider: one ``/v1/forecast?current=...`` request per fetch."""

    name = "open-meteo"
    attribution = "Weather data by Open-Meteo.com (CC BY 4.0)"

    def __init__(
        self,
        client: httpx.AsyncClient,
        base_url: str,
        api_key: str = "",
        non_commercial: bool = False,
    ) -> None:
        if not api_key and not non_commercial:
            raise ProviderConfigError(
                "Open-Meteo's free API excludes commercial sites: set DATELINE_OPENMETEO_KEY "
                "or declare DATELINE_WEATHER_NONCOMMERCIAL=1"
            )
        self.client = client
        self.url = base_url.rstrip("/") + "/v1/forecast"
        self._api_key = api_key
        if api_key:
            _mask_in_httpx_log(api_key)

    async def fetch(
        self, place: Place, last_modified: str = "", now: datetime | None = None
    ) -> FetchResult:
        """The current temperature at ``place``; ``last_modified`` is unused (no validators)."""
        params = {
            "latitude": coordinate(place.latitude),
            "longitude": coordinate(place.longitude),
            "current": "temperature_2m,weather_code",
            "timezone": "UTC",
        }
        if self._api_key:
            params["apikey"] = self._api_key
        body = await _request(self.client, self.url, params, aware(now), self._api_key)
        return FetchResult(_reading(body))


@dataclass(frozen=True, slots=True)
class GeoMatch:
    """One place found by name; fields the service leaves out are empty."""

    name: str
    latitude: float
    longitude: float
    country: str = ""
    admin1: str = ""
    timezone: str = ""
    population: int | None = None


class Geocoder:
    """Open-Meteo's place search (``/v1/search``), for choosing a weather location."""

    def __init__(self, client: httpx.AsyncClient, base_url: str) -> None:
        self.client = client
        self.url = base_url.rstrip("/") + "/v1/search"

    async def search(self, name: str, count: int = 10) -> list[GeoMatch]:
        """Places called ``name``, best first; ``[]`` when nothing matches."""
        if not name.strip():
            return []
        params = {"name": name.strip(), "count": str(count), "language": "en", "format": "json"}
        body = await _request(self.client, self.url, params, aware(None))
        results = body.get("results") if isinstance(body, Mapping) else None
        if results is None:
            return []
        if not isinstance(results, list):
            raise ProviderError(FailureKind.BAD_DATA, "Open-Meteo search results are not a list")
        return [match for match in map(_geo_match, results) if match is not None]


def _geo_match(result: object) -> GeoMatch | None:
    """A ``GeoMatch``, or ``None`` for an entry without usable coordinates."""
    if not isinstance(result, Mapping):
        return None
    latitude, longitude = result.get("latitude"), result.get("longitude")
    if not _is_number(latitude) or not _is_number(longitude):
        return None
    population = result.get("population")
    return GeoMatch(
        name=_text(result.get("name")),
        latitude=float(latitude),
        longitude=float(longitude),
        country=_text(result.get("country")),
        admin1=_text(result.get("admin1")),
        timezone=_text(result.get("timezone")),
        population=int(population) if _is_number(population) else None,
    )


def _reading(body: object) -> Reading:
    current = dig(body, "current", what="Open-Meteo response")
    units = body.get("current_units") if isinstance(body, Mapping) else None
    unit = units.get("temperature_2m") if isinstance(units, Mapping) else None
    if unit is not None and unit != CELSIUS:
        raise ProviderError(
            FailureKind.BAD_DATA, f"Open-Meteo temperature_2m is in {unit!r}, not {CELSIUS}"
        )
    temperature = dig(current, "temperature_2m", what="Open-Meteo current")
    celsius = usable_celsius(temperature, "Open-Meteo temperature_2m")
    offset = body.get("utc_offset_seconds", 0) if isinstance(body, Mapping) else 0
    observed_at = _utc(dig(current, "time", what="Open-Meteo current"), offset)
    code = current.get("weather_code") if isinstance(current, Mapping) else None
    condition = from_wmo(int(code)) if _is_number(code) and float(code).is_integer() else ""
    return Reading(celsius, observed_at, condition)


def _utc(value: object, offset: object) -> datetime:
    """Open-Meteo's local ``current.time`` (at ``utc_offset_seconds``) as aware UTC."""
    if not isinstance(value, str) or isinstance(offset, bool) or not isinstance(offset, int):
        raise ProviderError(FailureKind.BAD_DATA, f"Open-Meteo current.time unusable: {value!r}")
    try:
        local = datetime.fromisoformat(value)
    except ValueError:
        raise ProviderError(
            FailureKind.BAD_DATA, f"Open-Meteo current.time is not ISO 8601: {value!r}"
        ) from None
    if local.tzinfo is None:
        local = local.replace(tzinfo=timezone(timedelta(seconds=offset)))
    return local.astimezone(UTC)


async def _request(
    client: httpx.AsyncClient,
    url: str,
    params: Mapping[str, str],
    now: datetime,
    secret: str = "",
) -> object:
    """The JSON body of a successful GET, or a ``ProviderError`` with ``secret`` masked."""
    response = await get(client, url, params, {}, PROVIDER, secret)
    status = response.status_code
    body: object = None
    try:
        body = response.json()
    except ValueError:
        if 200 <= status < 300:
            raise ProviderError(
                FailureKind.BAD_DATA, "Open-Meteo sent a body that is not JSON", status
            ) from None
    reason = ""
    if isinstance(body, Mapping) and body.get("error"):
        reason = str(body.get("reason") or "no reason given")
    if 200 <= status < 300 and not reason:
        return body
    message = _message(status, reason)
    if secret:
        message = message.replace(secret, "***")
    kind = FailureKind.BAD_DATA if 200 <= status < 300 else failure_kind(status)
    raise ProviderError(kind, message, status, retry_after(response, now))


def _message(status: int, reason: str) -> str:
    detail = f": {reason}" if reason else ""
    if status == 429:
        return f"Open-Meteo is rate-limiting us (429){detail}"
    if status >= 500:
        return f"Open-Meteo is unavailable ({status}){detail}"
    if status in (401, 403):
        return f"Open-Meteo refused the request ({status}): check DATELINE_OPENMETEO_KEY{detail}"
    if 200 <= status < 300:
        return f"Open-Meteo answered with an error{detail}"
    return f"Open-Meteo rejected the request ({status}){detail}"


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


class _Masked(logging.Filter):
    """Replaces a secret in log records (httpx logs each request's full URL at INFO)."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.secret in message:
            record.msg = message.replace(self.secret, "***")
            record.args = None
        return True


def _mask_in_httpx_log(secret: str) -> None:
    logger = logging.getLogger("httpx")
    if not any(isinstance(f, _Masked) and f.secret == secret for f in logger.filters):
        logger.addFilter(_Masked(secret))
