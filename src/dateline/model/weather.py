"""The weather cache's value: one observation of the current temperature."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Observation:
    """The current temperature at a place, as a provider reported it.

    ``observed_at`` is the data's own time (not the fetch time): freshness is
    measured from it. Temperatures are kept in Celsius and converted at display.
    """

    location: str
    city: str
    temperature_c: float
    observed_at: datetime
    fetched_at: datetime
    provider: str
    condition: str = ""
    attribution: str = ""


@dataclass(frozen=True, slots=True)
class WeatherLocation:
    """A place the weather cache keeps fresh: the site's city, or one a reader chose.

    ``location`` is the cache key; ``city`` the label shown. Coordinates are ``None``
    until found (by the settings, ``dateline weather locate`` or geocoding).
    """

    location: str
    city: str
    latitude: float | None
    longitude: float | None
    is_default: bool
    chosen_at: datetime
    last_error: str = ""


@dataclass(frozen=True, slots=True)
class ProviderState:
    """How one provider is doing for one location: failures, backoff, revalidation."""

    location: str
    provider: str
    failures: int = 0
    next_attempt_at: datetime | None = None
    last_attempt_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str = ""
    last_modified: str = ""
