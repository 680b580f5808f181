"""Run the site under an ASGI server, granian or uvicorn, with one or more worker processes.

``serve`` is what ``dateline serve`` runs once the database is migrated. Each worker
process imports a factory of ``dateline.web.asgi`` and builds its own site; the server's
parent process only supervises them, and one more process, ``dateline worker --only
related``, which applies the related-list queue (``related_process``).

Granian is the default: where the server's own cost shows (``/robots.txt``, pages from
the page cache) it answered 5 to 10 times more requests a second than uvicorn with two
workers, and on pages rendered per request the two were level (docs/benchmarks.md,
"Serving: granian or uvicorn").

The access log is off unless asked for (a line per request costs throughput, and a proxy
in front usually keeps one). dateline's own log lines (``dateline.*`` at INFO: which
process leads the background jobs, what the schedule published, weather refreshes) go to
the server's console with its own lines.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

SERVERS = ("granian", "uvicorn")
DEFAULT_SERVER = "granian"
DATELINE_LOGGER = "dateline"
KILL_AFTER_SECONDS = 15


log = logging.getLogger("dateline.serve")
RELATED_COMMAND = (sys.executable, "-m", "dateline", "worker", "--only", "related")
RESTART_PAUSE_SECONDS = 2.0
# the related-list process's niceness above the server's: when it builds or settles the
# ranking, the workers' requests come first (a reader waits on them; lists can wait)
RELATED_NICENESS = 10
# set by ``dateline serve`` for its workers: a process of its own applies the related queue
RELATED_ELSEWHERE = "_DATELINE_RELATED_ELSEWHERE"


def serve(server: str, host: str, port: int, workers: int, access_log: bool = False) -> None:
    """Serve the site until stopped (Ctrl-C or SIGTERM), with ``workers`` processes.

    Beside the workers runs one process that applies the related-list queue
    (``related_process``), so that no worker builds the ranking's index.
    """
    with related_process():
        _serve(server, host, port, workers, access_log)


def _serve(server: str, host: str, port: int, workers: int, access_log: bool) -> None:
    if server == "granian":
        serve_granian(host, port, workers, access_log)
    elif server == "uvicorn":
        serve_uvicorn(host, port, workers, access_log)
    else:
        raise ValueError(f"unknown server {server!r}: one of {', '.join(SERVERS)}")


@contextlib.contextmanager
def related_process() -> Iterator[None]:
    """Run ``dateline worker --only related`` while inside, started again if it ends.

    The server's workers inherit ``RELATED_ELSEWHERE`` and leave the related-list queue
    to it (``web.asgi``): the ranking's index, hundreds of megabytes on a large archive,
    lives in that one process and a worker's requests never wait on the ranking. With
    several servers on one store, one such process at a time applies the queue (the
    ``related`` job lock). It runs at a lower priority than the workers
    (``RELATED_NICENESS``): building and settling the ranking after a start takes a core
    for a while (minutes at 100,000 articles), and readers come first. Its output goes to
    the server's console.
    """
    from dateline.jobs import PARENT_PID  # here: the CLI imports this module at start

    os.environ[RELATED_ELSEWHERE] = "1"
    stopping = threading.Event()
    starting = threading.Lock()  # a process is never started after the stop
    current: list[subprocess.Popen[bytes]] = []
    env = {**os.environ, PARENT_PID: str(os.getpid())}  # it ends if this process dies

    def keep_running() -> None:
        while True:
            with starting:
                if stopping.is_set():
                    return
                process = subprocess.Popen(RELATED_COMMAND, env=env)
                with contextlib.suppress(OSError):  # a lower priority only: never fatal
                    own = os.getpriority(os.PRIO_PROCESS, 0)
                    os.setpriority(os.PRIO_PROCESS, process.pid, min(19, own + RELATED_NICENESS))
                current[:] = [process]
            code = process.wait()
            if not stopping.is_set():
                log.warning("related-list process ended (exit %s); starting it again", code)
                stopping.wait(RESTART_PAUSE_SECONDS)

    supervisor = threading.Thread(target=keep_running, name="related-process", daemon=True)
    supervisor.start()
    try:
        yield
    finally:
        with starting:
            stopping.set()
        for process in current:
            process.terminate()
            try:
                process.wait(timeout=KILL_AFTER_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
        supervisor.join(timeout=KILL_AFTER_SECONDS)
        os.environ.pop(RELATED_ELSEWHERE, None)


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
