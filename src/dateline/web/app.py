"""``create_app(settings)``: the one factory for the site.

Nothing happens at import time. The store is opened (and migrated) when the app is
created, so a missing or locked database fails before the server accepts a request.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Coroutine
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from dateline.config import Settings
from dateline.ingest.pipeline import process_owner
from dateline.jobs import (
    SCHEDULE,
    ingest_fetcher,
    ingest_reader,
    lead,
    poll_forever,
    related_forever,
    run_schedule,
    weather_forever,
    weather_refresher,
)
from dateline.model.errors import DatelineError
from dateline.newsroom.schedule import EVERY_SECONDS, run_due
from dateline.publish import applied_in_background
from dateline.store import Store, open_store
from dateline.weather.base import ProviderConfigError
from dateline.web.caching import CachingMiddleware, public_cache_control
from dateline.web.pagecache import PageCache, PageCacheMiddleware
from dateline.web.pagefiles import PageFiles, make_folder
from dateline.web.routes import routes
from dateline.web.templating import make_environment
from dateline.web.views.errors import not_found

log = logging.getLogger("dateline.web")
# The client address and scheme come from X-Forwarded-For and X-Forwarded-Proto when the
# request comes from a proxy on this machine (nginx or Caddy in front), and from no one else.
TRUSTED_PROXIES = "127.0.0.1"


@dataclass(frozen=True)
class SiteState:
    """What handlers reach through ``request.app.state.site``."""

    settings: Settings
    store: Store


async def start_weather(settings: Settings, store: Store, stack: AsyncExitStack) -> None:
    """Run the weather refresh in the background until the app stops.

    With several processes on one store, one of them (the holder of the weather job lock)
    refreshes and the others skip each round; another takes over if it stops. A provider
    that cannot start as configured turns the widget off with one loud log line; the site
    itself still serves.
    """
    try:
        refresher = await stack.enter_async_context(weather_refresher(settings, store))
    except ProviderConfigError as exc:
        log.error("weather widget off: %s", exc)
        return
    if refresher is None:
        return
    await start_task(weather_forever(store, refresher), "weather-refresh", stack)


async def start_task(work: Coroutine[Any, Any, None], name: str, stack: AsyncExitStack) -> None:
    """Run ``work`` in the background until the app stops."""
    task = asyncio.create_task(work, name=name)

    async def stop() -> None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    stack.push_async_callback(stop)


async def start_schedule(store: Store, stack: AsyncExitStack) -> None:
    """Run the publishing schedule in the background, in one process at a time.

    A process that takes the schedule's job lock at start first publishes what came due
    while dateline was down, before it serves; the others leave that to the holder.
    """
    lock = stack.enter_context(store.job_lock(SCHEDULE))
    if lock.acquire():
        run_due(store)
    await start_task(lead(lock, EVERY_SECONDS, lambda: run_schedule(store)), "schedule", stack)


async def start_related(
    store: Store, stack: AsyncExitStack, here: bool, index_file: Path | None = None
) -> None:
    """Apply the related-list queue in the background, in one process at a time; or,
    not ``here``, leave it to a process of its own (``dateline serve`` starts one), so
    that a publish in this worker only queues the update. ``index_file``: where the
    ranking's index is kept between runs (``jobs.related_forever``)."""
    if here:
        await start_task(related_forever(store, index_file=index_file), "related", stack)
    else:
        stack.enter_context(applied_in_background(store, lambda: None))


async def start_ingest(settings: Settings, store: Store, stack: AsyncExitStack) -> None:
    """Poll the ingest sources in the background until the app stops."""
    fetcher = await stack.enter_async_context(ingest_fetcher(settings))
    reader = await stack.enter_async_context(ingest_reader(settings))
    await start_task(poll_forever(store, fetcher, process_owner(), reader=reader), "ingest", stack)


def page_files(settings: Settings) -> PageFiles | None:
    """The page files (``DATELINE_PAGE_FILES``), or None when off."""
    if not settings.page_files:
        return None
    root = Path(settings.page_files).expanduser()
    try:
        make_folder(root)
    except OSError as exc:
        raise DatelineError(f"DATELINE_PAGE_FILES: cannot make the folder {root}: {exc}") from exc
    return PageFiles(root, public_cache_control(settings.cache_max_age, settings.cache_stale))


def create_app(
    settings: Settings, store: Store | None = None, background: bool = True, related: bool = True
) -> Starlette:
    """A fresh site for ``settings``; pass ``store`` to share one already open.

    With ``background`` (the default), the lifespan also runs the background jobs (the
    publishing schedule, run once before serving so what came due while dateline was down
    goes live at start; the related-list queue; the weather refresh; ingest polling unless
    ``DATELINE_INGEST=0``); tests that drive jobs themselves pass ``False``. Public answers
    go through the page cache (``web.pagecache``) unless ``DATELINE_PAGE_CACHE=0``. With
    several processes on one store, the schedule, the related lists and the weather
    refresh run in one of them at a time (``jobs.lead``) and each ingest source is leased
    to one of them per poll. Without ``related``, the related-list queue is left to a
    process of its own (``dateline serve`` runs ``dateline worker --only related`` beside
    its workers, so no worker holds the ranking's index).
    """
    owned = store is None
    site_store = store if store is not None else open_store(settings.store_url)
    page_cache = (
        PageCache(site_store, settings.page_cache_mb * 1024 * 1024, page_files(settings))
        if settings.page_cache
        else None
    )

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            if owned:
                stack.callback(site_store.close)
            if page_cache is not None:
                stack.callback(page_cache.close)
                if page_cache.files is not None:
                    # purges committed while this process was down never reached it
                    page_cache.sync()
                    page_cache.files.clear()
                await start_task(page_cache.keep_in_step(), "page-purges", stack)
            if background:
                await start_schedule(site_store, stack)
                await start_related(
                    site_store, stack, here=related, index_file=settings.related_index_path
                )
                await start_weather(settings, site_store, stack)
                if settings.ingest:
                    await start_ingest(settings, site_store, stack)
            yield

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404:
            return await not_found(request)
        raise exc

    app = Starlette(
        routes=routes(),
        lifespan=lifespan,
        exception_handlers={HTTPException: http_error},
        middleware=[
            Middleware(PageCacheMiddleware, cache=page_cache),
            # inside the page cache: a cached answer depends on neither client nor scheme,
            # and reading the proxy headers took about 5 of the 9 microseconds a hit cost
            # in-process when it stood outside
            Middleware(ProxyHeadersMiddleware, trusted_hosts=TRUSTED_PROXIES),
            Middleware(
                CachingMiddleware, max_age=settings.cache_max_age, stale=settings.cache_stale
            ),
        ],
    )
    app.state.site = SiteState(settings=settings, store=site_store)
    app.state.page_cache = page_cache
    app.state.templates = make_environment(settings.tz)
    return app
