"""``create_app(settings)``: the one factory for the site.

Nothing happens at import time. The store is opened (and migrated) when the app is
created, so a missing or locked database fails before the server accepts a request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from dateline.config import Settings
from dateline.store import Store, open_store
from dateline.web.routes import routes
from dateline.web.templating import make_environment
from dateline.web.views.errors import not_found


@dataclass(frozen=True)
class SiteState:
    """What handlers reach through ``request.app.state.site``."""

    settings: Settings
    store: Store


def create_app(settings: Settings, store: Store | None = None) -> Starlette:
    """A fresh site for ``settings``; pass ``store`` to share one already open."""
    owned = store is None
    site_store = store if store is not None else open_store(settings.store_url)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if owned:
                site_store.close()

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404:
            return await not_found(request)
        raise exc

    app = Starlette(
        routes=routes(),
        lifespan=lifespan,
        exception_handlers={HTTPException: http_error},
    )
    app.state.site = SiteState(settings=settings, store=site_store)
    app.state.templates = make_environment(settings.tz)
    return app
