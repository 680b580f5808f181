"""Background work, built from the settings: weather refresh, ingest polling, the schedule.

``ingest_fetcher(settings)`` is the fetcher ingest polls with (limits from the settings,
a User-Agent naming the site), ``ingest_reader(settings)`` the worker processes that
parse what it fetched, and ``poll_forever`` the loop that ``dateline serve`` runs
in the background and ``dateline worker`` runs alone: every ``every`` seconds it polls
the sources that are due, each leased to one process at a time. ``schedule_forever``
publishes and unpublishes scheduled articles at their time (at start first, so what
came due while dateline was down goes live at once).

Jobs that need no more than one runner per store run through ``run_as_leader`` (or
``lead`` with a lock already taken): every period each process tries the job's lock in
the store without waiting, the one that holds it runs the job and keeps the lock while it
lives, and the others skip the round. When the leader stops or dies, another process takes
the lock at its next try, within one period. The schedule (``SCHEDULE``) and the weather
refresh (``WEATHER``) run that way, and so does ``related_forever``, which applies the
queue of related-list updates (``publish.RELATED_JOB``); ingest needs no leader, since
each source is leased.

``weather_refresher(settings, store)`` builds the providers the settings ask for over one
shared HTTP client and yields a ``Refresher`` (or ``None`` with the weather off). A
provider that cannot start as configured (MET Norway without a contact, Open-Meteo
without a key or a non-commercial declaration) raises ``ProviderConfigError`` naming the
setting to fix.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx

from dateline import __version__
from dateline import publish as publishing
from dateline.config import Settings
from dateline.ingest.fetch import Fetcher, FetchLimits
from dateline.ingest.pipeline import PollReport, poll_due
from dateline.ingest.reader import FeedReader
from dateline.newsroom.schedule import EVERY_SECONDS, run_due
from dateline.store import JobLock, Store
from dateline.weather.base import WeatherProvider, make_client
from dateline.weather.metno import MetNorway
from dateline.weather.nws import NationalWeatherService
from dateline.weather.open_meteo import Geocoder, OpenMeteo
from dateline.weather.refresh import Refresher

SCHEDULE = "schedule"
WEATHER = "weather"
# set for a worker that ``dateline serve`` starts: the pid of that server
PARENT_PID = "_DATELINE_PARENT_PID"
RELATED_EVERY_SECONDS = 1.0  # the leader's look at the queue
RELATED_TAKEOVER_SECONDS = 5.0  # the others' tries of the lock
WEATHER_EVERY_SECONDS = 30.0
leader_log = logging.getLogger("dateline.jobs")


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


@asynccontextmanager
async def ingest_reader(settings: Settings) -> AsyncIterator[FeedReader]:
    """The feed reader ingest reads (and, with two processes or more, stores) with
    (``DATELINE_INGEST_PROCESSES``), closed after."""
    async with FeedReader(settings.ingest_processes) as reader:
        yield reader


async def poll_forever(
    store: Store,
    fetcher: Fetcher,
    owner: str,
    every: float = 30.0,
    on_report: Callable[[PollReport], None] | None = None,
    reader: FeedReader | None = None,
) -> None:
    """Poll due sources every ``every`` seconds until cancelled; errors are logged."""
    while True:
        try:
            for report in await poll_due(store, fetcher, owner=owner, reader=reader):
                if report.status == "failed":
                    log.warning("ingest: %s failed: %s", report.source.url, report.error)
                if on_report is not None:
                    on_report(report)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("ingest: poll cycle failed")
        await asyncio.sleep(every)


async def lead(
    lock: JobLock,
    every: float,
    work: Callable[[], Awaitable[object]],
    wake: asyncio.Event | None = None,
    idle_every: float | None = None,
) -> None:
    """Every ``every`` seconds, run ``work`` if this process holds ``lock``, until cancelled.

    The lock is tried without waiting (first at once) and kept once taken, so the job
    runs in one process at a time; another takes over within one period of the leader's
    end (``idle_every``, when given, is the period of a process that does not lead: on
    PostgreSQL each of its tries opens a connection). Errors are logged, not fatal. The
    caller releases the lock. Setting ``wake`` starts the next round at once.
    """
    leading: bool | None = None  # not known before the first try
    while True:
        try:
            now_leading = await _try(lock)
            if now_leading != leading:
                state = "leads" if now_leading else "leaves to another process"
                leader_log.info("jobs: process %d %s %r", os.getpid(), state, lock.name)
            leading = now_leading
            if leading:
                await work()
        except asyncio.CancelledError:
            raise
        except Exception:
            leader_log.exception("jobs: %r failed", lock.name)
        period = every if leading or idle_every is None else idle_every
        if wake is None:
            await asyncio.sleep(period)
            continue
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), period)
        wake.clear()


async def _try(lock: JobLock) -> bool:
    """``lock.acquire()`` in a thread (it may wait on the network).

    When cancelled, it lets a try already under way finish before the cancellation goes on,
    so the caller's ``release()`` comes after it and no lock is left taken.
    """
    attempt = asyncio.ensure_future(asyncio.to_thread(lock.acquire))
    try:
        return await asyncio.shield(attempt)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            await attempt
        raise


async def run_as_leader(
    store: Store, name: str, every: float, work: Callable[[], Awaitable[object]]
) -> None:
    """Run ``work`` every ``every`` seconds in one process at a time across the store.

    Takes the store's job lock ``name`` (see ``lead``) and gives it up when cancelled.
    """
    with store.job_lock(name) as lock:
        await lead(lock, every, work)


async def run_schedule(store: Store) -> None:
    """One round of the publishing schedule (in a thread: the store calls block)."""
    published, unpublished = await asyncio.to_thread(run_due, store)
    for article_id in published:
        log.info("schedule: published article %s", article_id)
    for article_id in unpublished:
        log.info("schedule: unpublished article %s", article_id)


async def schedule_forever(store: Store, every: float = EVERY_SECONDS) -> None:
    """Run the publishing schedule now, then every ``every`` seconds, until cancelled.

    One process across the store runs it at a time (the ``SCHEDULE`` lock); each article is
    also claimed before it is published, so it is published once whatever runs it.
    """
    await run_as_leader(store, SCHEDULE, every, lambda: run_schedule(store))


async def related_forever(
    store: Store, every: float = RELATED_EVERY_SECONDS, index_file: Path | None = None
) -> None:
    """Apply the queue of related-list updates until cancelled (``publish``'s docstring).

    One process across the store applies it at a time (``publish.RELATED_JOB``), so the
    ranking's index lives in that process only; a publish in this process wakes the loop,
    one in another process is seen at the next round, within ``every`` seconds. Another
    process takes over within ``RELATED_TAKEOVER_SECONDS`` of the leader's end. Between
    rounds the leader builds the ranking's index and settles it ahead of need
    (``publish.settle_ahead``), so that after a restart the first lists wait for neither.
    With ``index_file`` the leader keeps that index in the file and, after a restart,
    reads it back instead of building it (``related.snapshot``).
    """
    loop = asyncio.get_running_loop()
    wake = asyncio.Event()

    def woken() -> None:  # publish may run in any thread
        loop.call_soon_threadsafe(wake.set)

    def apply_then_settle() -> None:
        if index_file is not None:
            from dateline.related import refresh  # the ranking: imported by its process only

            refresh.keep_on_disk(store, index_file)
        publishing.apply_queue(store)
        # the queue empty: time to spare goes to settling the ranking ahead of need,
        # round after round until it is done (a publication waits one block at most)
        if publishing.settle_ahead(store):
            woken()

    def apply() -> Awaitable[object]:
        return in_daemon_thread(apply_then_settle)

    with (
        store.job_lock(publishing.RELATED_JOB) as lock,
        publishing.applied_in_background(store, woken),
    ):
        await lead(lock, every, apply, wake, idle_every=max(every, RELATED_TAKEOVER_SECONDS))


def in_daemon_thread(work: Callable[[], object]) -> asyncio.Future[object]:
    """``work()`` in a daemon thread, its result (or error) in the returned future.

    Unlike ``asyncio.to_thread``, a process being stopped does not wait for it: the
    ranking's build at the start of the related loop takes minutes on a large archive,
    and Ctrl-C must not. What it leaves undone is safe: each list is written in its own
    transaction, and the queue entries stay in the store until their lists are written.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[object] = loop.create_future()

    def deliver(result: object, error: BaseException | None) -> None:
        if future.done():  # cancelled meanwhile
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    def run() -> None:
        result: object = None
        error: BaseException | None = None
        try:
            result = work()
        except BaseException as exc:  # handed to the awaiting task, which logs it
            error = exc
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody waits
            loop.call_soon_threadsafe(deliver, result, error)

    threading.Thread(target=run, name="related-work", daemon=True).start()
    return future


async def until_parent_ends(every: float = 1.0) -> None:
    """For a process started by ``dateline serve``: end it (``SystemExit``) once that
    server has gone, even killed, so it never runs on alone; otherwise return at once."""
    parent = os.environ.get(PARENT_PID)
    if not parent:
        return
    while os.getppid() == int(parent):
        await asyncio.sleep(every)
    leader_log.warning("jobs: the server that started process %d has ended", os.getpid())
    raise SystemExit(0)


async def weather_forever(
    store: Store, refresher: Refresher, every: float = WEATHER_EVERY_SECONDS
) -> None:
    """Refresh the weather cache now, then every ``every`` seconds, until cancelled.

    One process across the store runs the refresh at a time (the ``WEATHER`` lock); each
    location is also leased while it is fetched, so ``dateline weather refresh`` run by
    hand beside it never fetches a location twice.
    """
    await run_as_leader(store, WEATHER, every, refresher.run_once)
