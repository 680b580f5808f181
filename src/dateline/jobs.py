"""Background work, built from the settings: weather refresh, ingest polling, the schedule.

``ingest_fetcher(settings)`` is the fetcher ingest polls with (limits from the settings,
a User-Agent naming the site) and ``poll_forever`` the loop that ``dateline serve`` runs
in the background and ``dateline worker`` runs alone: every ``every`` seconds it polls
the sources that are due, each leased to one process at a time. ``schedule_forever``
publishes and unpublishes scheduled articles at their time (at start first, so what
came due while dateline was down goes live at once).

``weather_refresher(settings, store)`` builds the providers the settings ask for over one
shared HTTP client and yields a ``Refresher`` (or ``None`` with the weather off). A
provider that cannot start as configured (MET Norway without a contact, Open-Meteo
without a key or a non-commercial declaration) raises ``ProviderConfigError`` naming the
setting to fix.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import httpx

from dateline import __version__
from dateline.config import Settings
from dateline.ingest.fetch import Fetcher, FetchLimits
from dateline.ingest.pipeline import PollReport, poll_due
from dateline.newsroom.schedule import EVERY_SECONDS, run_due
from dateline.store import Store
from dateline.weather.base import WeatherProvider, make_client
from dateline.weather.metno import MetNorway
from dateline.weather.nws import NationalWeatherService
from dateline.weather.open_meteo import Geocoder, OpenMeteo
from dateline.weather.refresh import Refresher


def user_agent(settings: Settings) -> str:
    contact = f" ({settings.weather_contact})" if settings.weather_contact else ""
    return f"dateline/{__version__} {settings.site_url}{contact}"


def build_provider(name: str, settings: Settings, client: httpx.AsyncClient) -> WeatherProvider:
    if name == "metno":
        return MetNorway(client, settings.metno_url, settings.weather_contact)
    if name == "open-meteo":
        return OpenMeteo(
            client,
            settings.openmeteo_url,
            api_key=settings.openmeteo_key,
            non_commercial=settings.weather_noncommercial,
        )
    if name == "nws":
        return NationalWeatherService(client, settings.nws_url, settings.weather_contact)
    raise ValueError(f"unknown weather provider {name!r}")


def default_coordinates(settings: Settings) -> tuple[float | None, float | None]:
    if settings.weather_lat and settings.weather_lon:
        return float(settings.weather_lat), float(settings.weather_lon)
    return None, None


@asynccontextmanager
async def weather_refresher(settings: Settings, store: Store) -> AsyncIterator[Refresher | None]:
    """The weather refresh the settings ask for (``None`` when off), its client closed after.

    Registers the site's city (with the configured coordinates, if any) in the store.
    """
    if settings.weather_provider == "off":
        yield None
        return
    async with make_client(user_agent(settings)) as client:
        names = [settings.weather_provider]
        if settings.weather_fallback and settings.weather_fallback != settings.weather_provider:
            names.append(settings.weather_fallback)
        providers = {name: build_provider(name, settings, client) for name in names}
        lat, lon = default_coordinates(settings)
        store.save_default_weather_location(settings.weather_city, lat, lon, datetime.now(UTC))
        yield Refresher(
            store,
            providers,
            primary=settings.weather_provider,
            fallback=settings.weather_fallback,
            geocoder=Geocoder(client, settings.openmeteo_geocoding_url),
        )


def geocoder_client(settings: Settings) -> httpx.AsyncClient:
    """An HTTP client for ``dateline weather locate``."""
    return make_client(user_agent(settings))


log = logging.getLogger("dateline.ingest")


def ingest_user_agent(settings: Settings) -> str:
    return f"dateline/{__version__} (+{settings.site_url})"


def fetch_limits(settings: Settings) -> FetchLimits:
    """The limits ingest fetches under, from the settings."""
    return FetchLimits(
        user_agent=ingest_user_agent(settings),
        timeout_s=float(settings.ingest_timeout),
        max_bytes=settings.ingest_max_bytes,
        allow_private=settings.ingest_allow_private,
    )


@asynccontextmanager
async def ingest_fetcher(settings: Settings) -> AsyncIterator[Fetcher]:
    """The fetcher ingest polls with, closed after."""
    async with Fetcher(fetch_limits(settings)) as fetcher:
        yield fetcher


async def poll_forever(
    store: Store,
    fetcher: Fetcher,
    owner: str,
    every: float = 30.0,
    on_report: Callable[[PollReport], None] | None = None,
) -> None:
    """Poll due sources every ``every`` seconds until cancelled; errors are logged."""
    while True:
        try:
            for report in await poll_due(store, fetcher, owner=owner):
                if report.status == "failed":
                    log.warning("ingest: %s failed: %s", report.source.url, report.error)
                if on_report is not None:
                    on_report(report)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("ingest: poll cycle failed")
        await asyncio.sleep(every)


async def schedule_forever(store: Store, every: float = EVERY_SECONDS) -> None:
    """Run the publishing schedule now, then every ``every`` seconds, until cancelled."""
    while True:
        try:
            published, unpublished = await asyncio.to_thread(run_due, store)
            for article_id in published:
                log.info("schedule: published article %s", article_id)
            for article_id in unpublished:
                log.info("schedule: unpublished article %s", article_id)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("schedule: run failed")
        await asyncio.sleep(every)
