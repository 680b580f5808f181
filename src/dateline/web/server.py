"""Run the site under an ASGI server, granian or uvicorn, with one or more worker processes.

``serve`` is what ``dateline serve`` runs once the database is migrated. Each worker
process imports a factory of ``dateline.web.asgi`` and builds its own site; the server's
parent process only supervises them. Granian is the default: where the server's own cost
shows (``/robots.txt``, pages from the page cache) it answered 5 to 10 times more requests
a second than uvicorn with two workers, and on pages rendered per request the two were
level (docs/benchmarks.md, "Serving: granian or uvicorn").

The access log is off unless asked for (a line per request costs throughput, and a proxy
in front usually keeps one). dateline's own log lines (``dateline.*`` at INFO: which
process leads the background jobs, what the schedule published, weather refreshes) go to
the server's console with its own lines.
"""

from __future__ import annotations

import copy
from typing import Any

SERVERS = ("granian", "uvicorn")
DEFAULT_SERVER = "granian"
DATELINE_LOGGER = "dateline"
KILL_AFTER_SECONDS = 15


def serve(server: str, host: str, port: int, workers: int, access_log: bool = False) -> None:
    """Serve the site until stopped (Ctrl-C or SIGTERM), with ``workers`` processes."""
    if server == "granian":
        serve_granian(host, port, workers, access_log)
    elif server == "uvicorn":
        serve_uvicorn(host, port, workers, access_log)
    else:
        raise ValueError(f"unknown server {server!r}: one of {', '.join(SERVERS)}")


def serve_granian(host: str, port: int, workers: int, access_log: bool) -> None:
    from granian.constants import Interfaces
    from granian.log import LOGGING_CONFIG
    from granian.server import Server

    import dateline.web.asgi  # noqa: F401  (loaded once: the forked workers inherit it)

    log_config = with_dateline_logger(LOGGING_CONFIG, "console")
    Server(
        "dateline.web.asgi:app",
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        factory=True,
        workers=workers,
        respawn_failed_workers=True,
        # A stop signal that lands while a worker is still starting can go unseen by it;
        # past this many seconds the parent kills such a worker instead of waiting forever.
        workers_kill_timeout=KILL_AFTER_SECONDS,
        log_access=access_log,
        log_dictconfig=log_config,
    ).serve()


def serve_uvicorn(host: str, port: int, workers: int, access_log: bool) -> None:
    import uvicorn
    from uvicorn.config import LOGGING_CONFIG

    uvicorn.run(
        "dateline.web.asgi:app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=False,  # the app reads them itself (web.app.TRUSTED_PROXIES)
        access_log=access_log,
        log_config=with_dateline_logger(LOGGING_CONFIG, "default"),
    )


def with_dateline_logger(config: dict[str, Any], handler: str) -> dict[str, Any]:
    """A copy of a server's logging config that also prints dateline's INFO lines."""
    merged = copy.deepcopy(config)
    merged["loggers"][DATELINE_LOGGER] = {
        "handlers": [handler],
        "level": "INFO",
        "propagate": False,
    }
    return merged
