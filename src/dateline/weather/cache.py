"""What the weather widget shows, decided from the stored observation and its own time.

Freshness is measured from the observation's data time, not the fetch time: up to
``FRESH`` old it is shown plainly, up to ``STALE`` old it is shown with "as of HH:MM",
older (or absent, or from the future beyond a small clock skew) it is not shown at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from dateline.model import Observation
from dateline.store import Store
from dateline.weather import conditions

FRESH = timedelta(hours=1)
STALE = timedelta(hours=3)
CLOCK_SKEW = timedelta(minutes=10)


CITY_COOKIE = "dateline_city"


@dataclass(frozen=True, slots=True)
class WeatherDisplay:
    """The widget's content: ``temperature`` is already formatted (``15.5 C``).

    ``condition`` is a key of ``conditions.LABELS`` (or empty), shown as ``symbol`` with
    ``condition_label`` as its text alternative; ``attribution`` credits the provider.
    ``valid_until`` is when this display stops being right (it gains "as of", or must
    disappear): a cache holding a page with this widget must not serve it past then.
    """

    temperature: str
    city: str
    condition: str
    condition_label: str
    symbol: str
    as_of: str
    attribution: str
    provider: str
    valid_until: datetime


def format_temperature(celsius: float, unit: str = "C") -> str:
    """One decimal and the unit letter; Fahrenheit is converted here, once, at display."""
    value = celsius * 9 / 5 + 32 if unit == "F" else celsius
    return f"{value:.1f} {unit}"


def display(
    observation: Observation | None, now: datetime, tz: tzinfo, unit: str = "C"
) -> WeatherDisplay | None:
    """The widget for ``observation`` at ``now``, or ``None`` when nothing may be shown."""
    if observation is None:
        return None
    age = now - observation.observed_at
    if age > STALE or age < -CLOCK_SKEW:
        return None
    as_of = ""
    valid_until = observation.observed_at + FRESH
    if age > FRESH:
        as_of = f"as of {observation.observed_at.astimezone(tz):%H:%M}"
        valid_until = observation.observed_at + STALE
    return WeatherDisplay(
        temperature=format_temperature(observation.temperature_c, unit),
        city=observation.city,
        condition=observation.condition,
        condition_label=conditions.LABELS.get(observation.condition, ""),
        symbol=conditions.SYMBOLS.get(observation.condition, ""),
        as_of=as_of,
        attribution=observation.attribution,
        provider=observation.provider,
        valid_until=valid_until,
    )


def reader_locations(chosen: str, default: str) -> tuple[str, ...]:
    """The locations the widget may show, in order: the reader's chosen city, the site's."""
    return (chosen, default) if chosen and chosen != default else (default,)


def first_shown(
    observations: Iterable[Observation | None], now: datetime, tz: tzinfo, unit: str = "C"
) -> WeatherDisplay | None:
    """The widget for the first of ``observations`` that may be shown (read lazily)."""
    for observation in observations:
        shown = display(observation, now, tz, unit)
        if shown is not None:
            return shown
    return None


def for_reader(
    store: Store, chosen: str, default: str, now: datetime, tz: tzinfo, unit: str = "C"
) -> WeatherDisplay | None:
    """The reader's chosen city when the cache has a showable value, else the site's city:
    one query per location looked at."""
    locations = reader_locations(chosen, default)
    return first_shown((store.latest_observation(loc) for loc in locations), now, tz, unit)
