"""The site as app factories that ASGI servers import, one call per worker process.

``dateline serve`` hands its server the path of a factory here rather than an app object,
so each worker process builds its own site (its own store connections, page cache and
background tasks). A factory reads the settings from the environment, which the workers
inherit from ``dateline serve``; the parent has migrated the database before starting
them, so each worker finds the schema current.
"""

from __future__ import annotations

import os

from starlette.applications import Starlette

from dateline.config import Settings
from dateline.web.app import create_app
from dateline.web.server import RELATED_ELSEWHERE


def app() -> Starlette:
    """The site for the settings in the environment (proxy headers are read inside it)."""
    return create_app(Settings.from_env(), related=os.environ.get(RELATED_ELSEWHERE) != "1")
