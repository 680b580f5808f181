"""The site as app factories that ASGI servers import, one call per worker process.

``dateline serve`` hands its server the path of a factory here rather than an app object,
so each worker process builds its own site (its own store connections, page cache and
background tasks). A factory reads the settings from the environment, which the workers
inherit from ``dateline serve``; the parent has migrated the database before starting
them, so each worker finds the schema current.
"""

from __future__ import annotations

from granian.utils.proxies import wrap_asgi_with_proxy_headers
from starlette.applications import Starlette
from starlette.types import ASGIApp

from dateline.config import Settings
from dateline.web.app import create_app

TRUSTED_PROXIES = "127.0.0.1"


def app() -> Starlette:
    """The site for the settings in the environment (uvicorn adds proxy headers itself)."""
    return create_app(Settings.from_env())


def proxied_app() -> ASGIApp:
    """The site, taking the client address and scheme from ``X-Forwarded-For`` and
    ``X-Forwarded-Proto`` when the request comes from a proxy on this machine (granian,
    like uvicorn's ``proxy_headers``, trusting 127.0.0.1 only)."""
    wrapped: ASGIApp = wrap_asgi_with_proxy_headers(app(), trusted_hosts=TRUSTED_PROXIES)
    return wrapped
