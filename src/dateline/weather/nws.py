"""The US National Weather Service (api.weather.gov): the latest station observation.

A place is resolved once to its nearest observation station (``/points/{lat},{lon}`` then
that point's station list) and the station id is kept per place in the adapter; every
later fetch is a single ``/stations/{id}/observations/latest`` request. NWS requires an
identifying User-Agent (without one, its CDN answers an HTML 403) and speaks GeoJSON;
errors come as RFC 7807 ``problem+json``, whose ``detail`` goes into our messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

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
from dateline.weather.conditions import from_nws
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

PROVIDER = "NWS"


class NationalWeatherService:
    """The ``nws`` provider: latest observation of the station nearest to the place."""

    name = "nws"
    attribution = "Weather data: US National Weather Service"

    def __init__(self, client: httpx.AsyncClient, base_url: str, contact: str) -> None:
        if not contact.strip():
            raise ProviderConfigError(
                "The US National Weather Service requires an identifying User-Agent with a "
                "contact: set DATELINE_WEATHER_CONTACT"
            )
        self.client = client
        self.base_url = base_url.rstrip("/")
        self.headers = {
            "User-Agent": f"dateline/{__version__} {contact.strip()}",
            "Accept": "application/geo+json",
        }
        self.stations: dict[tuple[str, str], str] = {}

    async def fetch(
        self, place: Place, last_modified: str = "", now: datetime | None = None
    ) -> FetchResult:
        """The latest observation near ``place`` (three requests the first time, then one)."""
        now = aware(now)
        key = (coordinate(place.latitude), coordinate(place.longitude))
        station = self.stations.get(key) or await self._station(key, now)
        headers = dict(self.headers)
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        path = f"/stations/{quote(station, safe='')}/observations/latest"
        response = await get(self.client, self.base_url + path, {}, headers, PROVIDER)
        expires = http_date(response.headers.get("Expires", ""))
        modified = response.headers.get("Last-Modified", "")
        if response.status_code == 304:
            return FetchResult(
                None, not_modified=True, expires=expires, last_modified=modified or last_modified
            )
        if response.status_code == 404:
            self.stations.pop(key, None)  # a retired station: resolve the place again
        _check(response, now, f"station {station}")
        properties = dig(json_body(response, PROVIDER), "properties", what="NWS observation")
        return FetchResult(_reading(properties, station), expires=expires, last_modified=modified)

    async def _station(self, key: tuple[str, str], now: datetime) -> str:
        """The first observation station listed for the point, remembered for the place."""
        point = f"{key[0]},{key[1]}"
        body = await self._json(f"/points/{point}", now, f"point {point}")
        listing = dig(body, "properties", "observationStations", what="NWS point")
        path = urlsplit(str(listing)).path
        if not path.startswith("/"):
            raise ProviderError(FailureKind.BAD_DATA, f"NWS point has no station list: {listing!r}")
        body = await self._json(path, now, f"stations of point {point}")
        features = dig(body, "features", what="NWS station list")
        if not isinstance(features, list) or not features:
            raise ProviderError(FailureKind.BAD_DATA, f"NWS lists no stations for point {point}")
        station = dig(features[0], "properties", "stationIdentifier", what="NWS station")
        if not isinstance(station, str) or not station:
            raise ProviderError(FailureKind.BAD_DATA, f"NWS station id unusable: {station!r}")
        self.stations[key] = station
        return station

    async def _json(self, path: str, now: datetime, what: str) -> object:
        response = await get(self.client, self.base_url + path, {}, self.headers, PROVIDER)
        _check(response, now, what)
        return json_body(response, PROVIDER)


def _reading(properties: object, station: str) -> Reading:
    fields = properties if isinstance(properties, Mapping) else {}
    temperature = fields.get("temperature")
    value = temperature.get("value") if isinstance(temperature, Mapping) else None
    if value is None:
        raise ProviderError(FailureKind.BAD_DATA, f"NWS station {station} reported no temperature")
    unit = temperature.get("unitCode") if isinstance(temperature, Mapping) else None
    unit_name = unit.rsplit(":", 1)[-1] if isinstance(unit, str) else ""
    if unit_name == "degF" and isinstance(value, int | float) and not isinstance(value, bool):
        value = (value - 32) * 5 / 9
    elif unit_name not in ("degC", "degF"):
        raise ProviderError(
            FailureKind.BAD_DATA, f"NWS station {station} temperature has unknown unit {unit!r}"
        )
    celsius = usable_celsius(value, f"NWS station {station} temperature")
    return Reading(celsius, _timestamp(fields.get("timestamp"), station), _condition(fields))


def _timestamp(value: object, station: str) -> datetime:
    if not isinstance(value, str) or not value:
        raise ProviderError(
            FailureKind.BAD_DATA, f"NWS station {station} reported no observation time"
        )
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise ProviderError(
            FailureKind.BAD_DATA, f"NWS station {station} timestamp is not ISO 8601: {value!r}"
        ) from None
    return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)


def _condition(fields: Mapping[str, object]) -> str:
    for source in (fields.get("icon"), fields.get("textDescription")):
        condition = from_nws(source) if isinstance(source, str) else ""
        if condition:
            return condition
    return ""


def _check(response: httpx.Response, now: datetime, what: str) -> None:
    """Nothing for a 2xx; otherwise the ``ProviderError`` the status calls for."""
    status = response.status_code
    if 200 <= status < 300:
        return
    detail = _problem(response)
    suffix = f": {detail}" if detail else ""
    if status == 403:
        message = (
            f"NWS refused the request for {what} (403): it requires an identifying User-Agent, "
            f"check DATELINE_WEATHER_CONTACT{suffix}"
        )
    elif status == 429:
        message = f"NWS is rate-limiting us (429){suffix}"
    elif status >= 500:
        message = f"NWS is unavailable for {what} ({status}){suffix}"
    else:
        message = f"NWS refused the request for {what} ({status}){suffix}"
    raise ProviderError(failure_kind(status), message, status, retry_after(response, now))


def _problem(response: httpx.Response) -> str:
    """The ``detail`` (or ``title``) of a problem+json body; "" for HTML or empty bodies."""
    if "json" not in response.headers.get("Content-Type", ""):
        return ""
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, Mapping):
        return ""
    for field in ("detail", "title"):
        value = body.get(field)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""
