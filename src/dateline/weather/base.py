"""What every weather provider adapter shares: the place, the result, the errors, the protocol.

Adapters (``metno``, ``open_meteo``, ``nws``) are small classes over an injected
``httpx.AsyncClient``; they turn one HTTP exchange into a ``FetchResult`` or raise a
``ProviderError`` whose ``kind`` tells the refresh policy how to back off. They never
retry, sleep or touch the store.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

import httpx

from dateline.model.errors import DatelineError

MIN_CELSIUS = -90.0
MAX_CELSIUS = 60.0
CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 5.0
TOTAL_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class Place:
    """Where to ask about: coordinates (rounded to 4 decimals by adapters that need it)."""

    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class Reading:
    """A usable current temperature, with the data's own time and a condition key."""

    temperature_c: float
    observed_at: datetime
    condition: str = ""


@dataclass(frozen=True, slots=True)
class FetchResult:
    """One exchange's outcome: a reading, or ``not_modified`` (keep the stored value).

    ``expires`` is the earliest time the provider allows the next request (MET's
    ``Expires``); ``last_modified`` is sent back as ``If-Modified-Since`` next time.
    """

    reading: Reading | None
    not_modified: bool = False
    expires: datetime | None = None
    last_modified: str = ""


class FailureKind(enum.StrEnum):
    """How a failure should be treated by the refresh policy."""

    RATE_LIMITED = "rate-limited"  # 429: honour Retry-After
    UNAVAILABLE = "unavailable"  # 5xx: exponential backoff with jitter
    TIMEOUT = "timeout"  # connect, read or total timeout: as 5xx
    CONFIG = "config"  # 400, 401, 403, 404: our request is wrong; log loudly, retry slowly
    BAD_DATA = "bad-data"  # 200 without a usable temperature, or unparsable


class ProviderError(Exception):
    """A failed exchange, with what the policy needs: kind, status, ``Retry-After``."""

    def __init__(
        self,
        kind: FailureKind,
        message: str,
        status: int | None = None,
        retry_after: timedelta | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status
        self.retry_after = retry_after


class ProviderConfigError(DatelineError):
    """A provider that cannot be started as configured (no contact, no key...)."""


class WeatherProvider(Protocol):
    """A weather service adapter."""

    name: str
    attribution: str

    async def fetch(self, place: Place, last_modified: str = "") -> FetchResult:
        """Ask for the current temperature at ``place``; one HTTP exchange at most."""
        ...


def usable_celsius(value: object, what: str) -> float:
    """``value`` as a plausible air temperature in Celsius, or a BAD_DATA error."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProviderError(FailureKind.BAD_DATA, f"{what} is not a number: {value!r}")
    celsius = float(value)
    if not math.isfinite(celsius) or not MIN_CELSIUS <= celsius <= MAX_CELSIUS:
        raise ProviderError(FailureKind.BAD_DATA, f"{what} out of range: {celsius}")
    return round(celsius, 1)


def make_client(user_agent: str) -> httpx.AsyncClient:
    """The HTTP client every adapter gets: 3 s connect, 5 s read, no redirects to follow."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT),
        headers={"User-Agent": user_agent},
        follow_redirects=False,
    )
