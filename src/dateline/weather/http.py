"""The HTTP exchange every weather adapter shares: one GET, its failures classified.

``get`` makes one request and turns transport errors and non-2xx statuses into
``ProviderError`` values the refresh policy understands; ``json_body`` and ``dig`` read
a JSON answer and name what is missing; ``retry_after`` and ``http_date`` read HTTP
dates; ``coordinate`` formats a coordinate with at most four decimals.
"""

from __future__ import annotations

import email.utils
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import httpx

from dateline.weather.base import FailureKind, ProviderError


def coordinate(value: float) -> str:
    """``value`` rounded to at most 4 decimals, without trailing zeros (``-74``, ``40.7``)."""
    text = f"{round(value, 4):.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def aware(now: datetime | None) -> datetime:
    """``now`` (naive taken as UTC), or the current time."""
    if now is None:
        return datetime.now(UTC)
    return now if now.tzinfo else now.replace(tzinfo=UTC)


def http_date(value: str) -> datetime | None:
    """An HTTP date header as an aware UTC datetime, or ``None`` when absent or invalid."""
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def retry_after(response: httpx.Response, now: datetime) -> timedelta | None:
    """``Retry-After`` (delta-seconds or HTTP date, relative to ``now``), or ``None``."""
    value = response.headers.get("Retry-After", "").strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    when = http_date(value)
    if when is None:
        return None
    return max(when - now, timedelta(0))


def failure_kind(status: int) -> FailureKind:
    """How a non-success status is treated: 429, 5xx, or our own request being wrong."""
    if status == 429:
        return FailureKind.RATE_LIMITED
    if status >= 500:
        return FailureKind.UNAVAILABLE
    return FailureKind.CONFIG


async def get(
    client: httpx.AsyncClient,
    url: str,
    params: Mapping[str, str],
    headers: Mapping[str, str],
    provider: str,
    secret: str = "",
) -> httpx.Response:
    """One GET; transport failures become ``ProviderError`` (``secret`` redacted, unchained)."""
    try:
        return await client.get(url, params=params, headers=headers)
    except httpx.TimeoutException as exc:
        kind, problem = FailureKind.TIMEOUT, f"{provider} timed out: {_describe(exc)}"
        cause: Exception = exc
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
        kind, problem = FailureKind.CONFIG, f"{provider} base URL is unusable: {exc}"
        cause = exc
    except httpx.DecodingError as exc:
        kind, problem = FailureKind.BAD_DATA, f"{provider} sent an undecodable body: {exc}"
        cause = exc
    except httpx.TransportError as exc:
        kind, problem = FailureKind.UNAVAILABLE, f"{provider} unreachable: {_describe(exc)}"
        cause = exc
    if secret:
        raise ProviderError(kind, problem.replace(secret, "***")) from None
    raise ProviderError(kind, problem) from cause


def _describe(exc: Exception) -> str:
    return str(exc) or type(exc).__name__


def json_body(response: httpx.Response, provider: str) -> object:
    """The response's JSON, or a BAD_DATA error."""
    try:
        return response.json()
    except ValueError:
        raise ProviderError(
            FailureKind.BAD_DATA,
            f"{provider} sent a body that is not JSON ({response.status_code})",
            response.status_code,
        ) from None


def dig(value: object, *keys: str, what: str) -> object:
    """``value[k1][k2]...``, or a BAD_DATA error naming the first missing key."""
    path = ""
    for key in keys:
        path = f"{path}.{key}" if path else key
        if not isinstance(value, Mapping) or value.get(key) is None:
            raise ProviderError(FailureKind.BAD_DATA, f"{what} lacks {path}")
        value = value[key]
    return value
