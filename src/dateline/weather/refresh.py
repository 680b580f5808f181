"""The background refresh: keep each location's observation fresh, once across processes.

``Refresher.run_once()`` walks the locations the cache keeps (the site's city and the
bounded set readers chose). For each one that is due it takes the location's lease in the
store (so only one process refreshes it), finds coordinates if it has none (geocoding),
asks the primary provider, and asks the fallback provider after
``FALLBACK_AFTER_FAILURES`` failures in a row or when the stored data is over an hour
old. Every attempt, successful or not, is written to the store with its backoff, so a
restart or another process carries on where this one stopped. Page renders never come
here: they only read the store.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from dateline.model import Observation, ProviderState, WeatherLocation
from dateline.store import Store
from dateline.weather import policy
from dateline.weather.base import (
    TOTAL_TIMEOUT,
    FailureKind,
    Place,
    ProviderError,
    WeatherProvider,
)
from dateline.weather.cache import FRESH
from dateline.weather.open_meteo import Geocoder

log = logging.getLogger("dateline.weather")
LEASE = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class Attempt:
    """What one provider attempt did, for logs, the CLI and tests."""

    location: str
    provider: str
    outcome: str  # "updated", "not-modified" or the failure kind
    message: str = ""


def utc_now() -> datetime:
    return datetime.now(UTC)


class Refresher:
    """Refreshes the weather cache; build one per process, call ``run_once`` on a timer."""

    def __init__(
        self,
        store: Store,
        providers: Mapping[str, WeatherProvider],
        primary: str,
        fallback: str = "",
        geocoder: Geocoder | None = None,
        clock: Callable[[], datetime] = utc_now,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.providers = providers
        self.primary = primary
        self.fallback = fallback if fallback and fallback != primary else ""
        self.geocoder = geocoder
        self.clock = clock
        self.rng = rng or random.Random()

    async def run_once(self) -> list[Attempt]:
        """Refresh every location that is due; returns what was attempted."""
        attempts: list[Attempt] = []
        for location in self.store.weather_locations():
            attempts.extend(await self.refresh_location(location))
        return attempts

    def _due(self, state: ProviderState, now: datetime) -> bool:
        return state.next_attempt_at is None or state.next_attempt_at <= now

    def _wants_fallback(self, location: str, primary: ProviderState, now: datetime) -> bool:
        if not self.fallback:
            return False
        if primary.failures >= policy.FALLBACK_AFTER_FAILURES:
            return True
        stored = self.store.latest_observation(location)
        return stored is None or now - stored.observed_at > FRESH

    def _states(
        self, key: str, now: datetime
    ) -> tuple[ProviderState, ProviderState | None, bool, bool]:
        primary = self.store.weather_provider_state(key, self.primary)
        fallback = self.store.weather_provider_state(key, self.fallback) if self.fallback else None
        primary_due = self._due(primary, now)
        fallback_due = fallback is not None and self._due(fallback, now)
        return primary, fallback, primary_due, fallback_due

    async def refresh_location(self, location: WeatherLocation) -> list[Attempt]:
        now = self.clock()
        key = location.location
        primary, fallback, primary_due, fallback_due = self._states(key, now)
        if not primary_due and not (fallback_due and self._wants_fallback(key, primary, now)):
            return []
        if not self.store.claim_weather_location(key, now, now + LEASE):
            return []
        try:
            # Another process may have refreshed it between our look and our lease.
            primary, fallback, primary_due, fallback_due = self._states(key, now)
            place = await self._place(location)
            if place is None:
                return []
            attempts = []
            if primary_due:
                attempts.append(await self._attempt(location, place, primary))
                primary = self.store.weather_provider_state(key, self.primary)
            if fallback is not None and fallback_due and self._wants_fallback(key, primary, now):
                attempts.append(await self._attempt(location, place, fallback))
            return attempts
        finally:
            self.store.release_weather_location(key)

    async def _place(self, location: WeatherLocation) -> Place | None:
        if location.latitude is not None and location.longitude is not None:
            return Place(location.latitude, location.longitude)
        if self.geocoder is None:
            self.store.set_weather_location_error(location.location, "no coordinates")
            return None
        try:
            matches = await asyncio.wait_for(
                self.geocoder.search(location.location, count=1), TOTAL_TIMEOUT
            )
        except (ProviderError, TimeoutError) as exc:
            self.store.set_weather_location_error(location.location, f"geocoding failed: {exc}")
            log.warning("weather: geocoding %r failed: %s", location.location, exc)
            return None
        if not matches:
            self.store.set_weather_location_error(location.location, "no place of that name")
            return None
        match = matches[0]
        self.store.set_weather_coordinates(
            location.location, match.name, match.latitude, match.longitude
        )
        return Place(match.latitude, match.longitude)

    async def _attempt(
        self, location: WeatherLocation, place: Place, state: ProviderState
    ) -> Attempt:
        provider = self.providers[state.provider]
        now = self.clock()
        key = location.location
        try:
            result = await asyncio.wait_for(
                provider.fetch(place, state.last_modified), TOTAL_TIMEOUT
            )
        except TimeoutError:
            error = ProviderError(FailureKind.TIMEOUT, f"no answer within {TOTAL_TIMEOUT:g} s")
            return self._failed(key, state, error, now)
        except ProviderError as error:
            return self._failed(key, state, error, now)
        done = replace(
            state,
            failures=0,
            next_attempt_at=policy.after_success(now, result.expires),
            last_attempt_at=now,
            last_success_at=now,
            last_error="",
            last_modified=result.last_modified or state.last_modified,
        )
        if result.reading is None:
            self.store.save_weather_outcome(done, None)
            return Attempt(key, state.provider, "not-modified")
        reading = result.reading
        observation = Observation(
            location=key,
            city=self.store_city(location),
            temperature_c=reading.temperature_c,
            observed_at=reading.observed_at,
            fetched_at=now,
            provider=state.provider,
            condition=reading.condition,
            attribution=provider.attribution,
        )
        self.store.save_weather_outcome(done, observation)
        log.info(
            "weather: %s %.1f C from %s (data time %s)",
            key,
            reading.temperature_c,
            state.provider,
            reading.observed_at.isoformat(),
        )
        return Attempt(key, state.provider, "updated")

    def store_city(self, location: WeatherLocation) -> str:
        fresh = self.store.weather_location(location.location)
        return fresh.city if fresh is not None else location.city

    def _failed(
        self, key: str, state: ProviderState, error: ProviderError, now: datetime
    ) -> Attempt:
        failures = state.failures + 1
        message = f"{error.kind.value}: {error}"
        failed = replace(
            state,
            failures=failures,
            next_attempt_at=policy.after_failure(
                now, error.kind, failures, error.retry_after, self.rng
            ),
            last_attempt_at=now,
            last_error=message,
        )
        self.store.save_weather_outcome(failed, None)
        if error.kind is FailureKind.CONFIG:
            log.error(
                "weather: %s refused the request for %s (configuration?): %s",
                state.provider,
                key,
                error,
            )
        else:
            log.warning(
                "weather: %s failed for %s (%d in a row): %s", state.provider, key, failures, error
            )
        return Attempt(key, state.provider, error.kind.value, str(error))
