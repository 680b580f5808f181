"""What the load benchmarks share: wrk, server subprocesses, a generated archive, a budget.

``article_page.py`` and ``serving.py`` start real servers (``dateline serve``, the B2
baseline app, nginx) as subprocesses on free 127.0.0.1 ports, each in a process group of
its own so that it and its workers are stopped together, and load them with ``wrk``.
``scratch_postgres`` gives the benchmarks a new PostgreSQL database, dropped at the end.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from types import FrameType
from typing import Any

from markupsafe import escape
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from benchmarks.archive import generate_archive
from dateline.model import Article, Observation
from dateline.store import Store
from dateline.store.postgres import normalise_url

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 120.0
PACKAGES = {"wrk": "wrk", "nginx": "nginx-light"}
STOP_TIMEOUT = 10.0


class CheckFailed(Exception):
    """A server did not start, or served something other than the page expected."""


class OutOfTime(Exception):
    """The whole run took longer than its budget."""


class Unavailable(Exception):
    """A program or an option the benchmark needs is not installed or not supported."""


def require(*programs: str) -> None:
    """Raise ``Unavailable`` naming the Debian package of each program not on ``PATH``."""
    missing = [p for p in programs if shutil.which(p) is None]
    if missing:
        packages = " ".join(PACKAGES.get(p, p) for p in missing)
        raise Unavailable(
            f"{', '.join(missing)} not found: this benchmark needs it "
            f"(Debian/Ubuntu: apt-get install -y {packages})"
        )


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def time_budget(seconds: int) -> Iterator[None]:
    """Raise ``OutOfTime`` in the main thread after ``seconds``, or on SIGTERM."""

    def out_of_time(signum: int, _frame: FrameType | None) -> None:
        if signum == signal.SIGTERM:
            raise OutOfTime("stopped by SIGTERM")
        raise OutOfTime(f"the benchmark took longer than its budget of {seconds}s")

    previous = signal.signal(signal.SIGALRM, out_of_time)
    previous_term = signal.signal(signal.SIGTERM, out_of_time)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        signal.signal(signal.SIGTERM, previous_term)


# -- wrk ---------------------------------------------------------------------------------

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
_PERCENTILE = re.compile(r"^\s*(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m)\s*$", re.MULTILINE)
_RPS = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_TOTAL = re.compile(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m), ([\d.]+)([KMGT]?B) read", re.M)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


@dataclass(frozen=True, slots=True)
class WrkRun:
    """What one wrk run reports."""

    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


def parse_wrk(output: str) -> WrkRun:
    """Requests/s, p50 and p99 (from ``--latency``), request and error counts."""
    rps = _RPS.search(output)
    total = _TOTAL.search(output)
    percentiles = {p: float(v) * _UNITS_MS[u] for p, v, u in _PERCENTILE.findall(output)}
    if rps is None or total is None or set(percentiles) != {"50", "99"}:
        raise CheckFailed(f"cannot read wrk's output:\n{output}")
    errors = sum(int(n) for n in _NON_2XX.findall(output))
    socket_errors = _SOCKET.search(output)
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return WrkRun(
        requests_per_s=float(rps.group(1)),
        p50_ms=round(percentiles["50"], 3),
        p99_ms=round(percentiles["99"], 3),
        requests=int(total.group(1)),
        errors=errors,
    )


def run_wrk(url: str, *, threads: int, connections: int, duration: float) -> WrkRun:
    seconds = max(1, round(duration))  # wrk takes whole seconds
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + 30, check=False
    )
    if done.returncode != 0:
        raise CheckFailed(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse_wrk(done.stdout)


@dataclass
class Measured:
    """One server's (or one page's) wrk runs and their medians."""

    runs: list[WrkRun] = field(default_factory=list)
    page_bytes: int = 0

    def median(self, attribute: str) -> float:
        values: list[float] = [getattr(r, attribute) for r in self.runs]
        return round(statistics.median(values), 3)

    def summary(self) -> dict[str, Any]:
        return {
            "requests_per_s": self.median("requests_per_s"),
            "p50_ms": self.median("p50_ms"),
            "p99_ms": self.median("p99_ms"),
            "errors": sum(r.errors for r in self.runs),
            "page_bytes": self.page_bytes,
            "runs": [asdict(r) for r in self.runs],
        }


def load_in_turn(
    urls: dict[str, str], args: Any, label: str, measured: dict[str, Measured]
) -> None:
    """Warm each URL up, then ``args.runs`` wrk runs of each, reversing the order each run.

    ``args`` carries ``threads``, ``connections``, ``warmup``, ``duration`` and ``runs``.
    """
    wrk: dict[str, Any] = {"threads": args.threads, "connections": args.connections}
    names = list(urls)
    for name in names:
        log(f"  [{label}] warm-up {name} ({args.warmup:g}s)")
        run_wrk(urls[name], **wrk, duration=args.warmup)
    for number in range(args.runs):
        for name in names if number % 2 == 0 else names[::-1]:
            result = run_wrk(urls[name], **wrk, duration=args.duration)
            measured[name].runs.append(result)
            log(
                f"  [{label}] run {number + 1}/{args.runs} {name}: "
                f"{result.requests_per_s:.1f} req/s, p50 {result.p50_ms:.1f} ms, "
                f"p99 {result.p99_ms:.1f} ms, {result.errors} errors"
            )


def print_summaries(summaries: dict[str, dict[str, Any]], first: str = "server") -> None:
    """A table of ``Measured.summary()`` rows: req/s, p50, p99, page bytes, errors."""
    width = max(10, *(len(name) for name in summaries))
    print(f"{first:<{width}} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'bytes':>7} {'errors':>7}")
    for name, s in summaries.items():
        print(
            f"{name:<{width}} {s['requests_per_s']:>9.1f} {s['p50_ms']:>8.1f} "
            f"{s['p99_ms']:>8.1f} {s['page_bytes']:>7} {s['errors']:>7}"
        )


def add_load_options(parser: argparse.ArgumentParser, connections: int) -> None:
    """The options every wrk benchmark takes: load, runs, seed, PostgreSQL, budget, JSON."""
    add = parser.add_argument
    add("--duration", type=float, default=10, help="seconds per wrk run (10)")
    add("--connections", type=int, default=connections, help=f"wrk connections ({connections})")
    add("--threads", type=int, default=2, help="wrk threads (2)")
    add("--runs", type=int, default=3, help="runs of each server or page, alternating (3)")
    add("--warmup", type=float, default=2, help="warm-up seconds (2)")
    add("--seed", type=int, default=7, help="archive seed (7)")
    add("--postgres", metavar="URL", help="also run on a scratch database on this server")
    add("--timeout", type=int, default=0, help="budget in seconds (auto)")
    add("--json", action="store_true", help="print one JSON object")


# -- servers -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def get(port: int, path: str, timeout: float = 5.0) -> tuple[int, bytes]:
    """One GET to 127.0.0.1 (redirects are not followed): the status and the body's bytes."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@dataclass
class Server:
    """One server subprocess (the leader of its own process group) and its log file."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path
    started_at: float

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def server_env(database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    """This environment with the store's URL and data folder, and ``extra`` variables."""
    env = dict(os.environ)
    env.update(
        DATELINE_DATA_DIR=str(data_dir),
        DATELINE_DATABASE_URL=database_url,
        BENCH_DATABASE_URL=database_url,
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")])),
        **extra,
    )
    return env


@cache
def serve_options() -> frozenset[str]:
    """The long options ``dateline serve`` accepts (from its ``--help``)."""
    done = subprocess.run(
        [sys.executable, "-m", "dateline", "serve", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return frozenset(re.findall(r"(--[a-z][a-z-]*)", done.stdout))


def dateline_command(workers: int = 1, server: str | None = None) -> list[str]:
    """``dateline serve`` on 127.0.0.1 and ``{port}``, with ``workers`` and ``server``.

    One worker and no server name give the plain command, which every version accepts.
    """
    command = [sys.executable, "-m", "dateline", "serve", "--host", "127.0.0.1"]
    command += ["--port", "{port}"]
    wanted = {"--workers": str(workers) if workers != 1 else None, "--server": server}
    for option, value in wanted.items():
        if value is None:
            continue
        if option not in serve_options():
            raise Unavailable(f"this dateline serve has no {option} option")
        command += [option, value]
    return command


B2_APPS = {"B2": "benchmarks.baseline_app:app", "B2-lite": "benchmarks.baseline_lite:app"}


def b2_command(workers: int = 1, server: str = "granian", name: str = "B2") -> list[str]:
    """B2 (``benchmarks.baseline_app``, the same page as dateline's) or ``B2-lite``
    (``benchmarks.baseline_lite``, the smaller page) with ``workers`` processes under
    ``server``.

    The same server as dateline's (granian, ``dateline serve``'s default), so the ratio
    measures the two apps and not two HTTP servers.
    """
    app = B2_APPS[name]
    if server == "granian":
        command = [sys.executable, "-m", "granian", "--interface", "asgi"]
        command += ["--host", "127.0.0.1", "--port", "{port}", "--log-level", "warning"]
        command += ["--no-access-log", "--workers", str(workers), app]
        return command
    command = [sys.executable, "-m", "uvicorn", app]
    command += ["--host", "127.0.0.1", "--port", "{port}", "--log-level", "warning"]
    return command + (["--workers", str(workers)] if workers != 1 else [])


class Servers:
    """Server subprocesses, each in a new process group; all stopped on the way out."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.running: list[Server] = []

    def __enter__(self) -> Servers:
        return self

    def __exit__(self, *_exc: object) -> None:
        for server in reversed(self.running):
            self.stop(server)

    def start(
        self, name: str, command: Sequence[str], env: dict[str, str], port: int | None = None
    ) -> Server:
        """Start ``command`` (which must listen on ``port``, free by default)."""
        port = port or free_port()
        log_path = self.log_dir / (re.sub(r"[^\w.-]+", "-", name.lower()) + ".log")
        with log_path.open("wb") as out:
            started_at = time.perf_counter()
            process = subprocess.Popen(
                [part.replace("{port}", str(port)) for part in command],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                process_group=0,
            )
        server = Server(name, port, process, log_path, started_at)
        self.running.append(server)
        return server

    def stop(self, server: Server) -> None:
        """SIGTERM the server's process group, then SIGKILL it after ``STOP_TIMEOUT``."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(server.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                server.process.wait(timeout=STOP_TIMEOUT)
                break
            except subprocess.TimeoutExpired:
                continue
        if server in self.running:
            self.running.remove(server)


def wait_ready(server: Server, path: str, interval: float = 0.2) -> float:
    """Poll until ``path`` answers 200; seconds from the server's launch. Fails if it exits."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise CheckFailed(
                f"{server.name} exited with {server.process.returncode}:\n{server.log_tail()}"
            )
        try:
            status, _ = get(server.port, path, timeout=5.0)
            if status == 200:
                return time.perf_counter() - server.started_at
        except OSError:
            pass
        time.sleep(interval)
    raise CheckFailed(f"{server.name} did not answer in {START_TIMEOUT:g}s:\n{server.log_tail()}")


def check_page(server: Server, path: str, shows: str | None = None) -> bytes:
    """The page answers 200 (and shows the text ``shows``, escaped); returns its bytes."""
    status, body = get(server.port, path)
    if status != 200:
        raise CheckFailed(f"{server.name} answered {status} for {path}")
    if shows is not None and str(escape(shows)) not in body.decode("utf-8", "replace"):
        raise CheckFailed(f"{server.name}'s page for {path} does not show {shows!r}")
    return body


def check_same_page(server: Server, path: str, page: bytes) -> None:
    """``server`` answers ``path`` with exactly the bytes ``page`` (B2 renders dateline's
    page: the comparison is only fair while it does)."""
    body = check_page(server, path)
    if body != page:
        at = next((i for i, (a, b) in enumerate(zip(body, page, strict=False)) if a != b), None)
        at = min(len(body), len(page)) if at is None else at
        raise CheckFailed(
            f"{server.name}'s page for {path} is not dateline's: they differ at byte {at}: "
            f"{body[max(0, at - 60) : at + 60]!r} against {page[max(0, at - 60) : at + 60]!r}"
        )


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants, parents first (read from ``/proc/*/stat``)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop(0)
        tree.append(current)
        todo += sorted(children.get(current, []))
    return tree


def rss_mb(pid: int) -> float | None:
    """Resident memory (``VmRSS``) of process ``pid`` in MiB; None when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    """CPU time process ``pid`` has used (user and system), in seconds; None when gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def command_line(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode(errors="replace").strip()


# -- databases and the archive -----------------------------------------------------------


@contextmanager
def scratch_store(backend: str, sqlite_file: Path, postgres: str | None) -> Iterator[Store]:
    """An empty store, closed on the way out: SQLite in ``sqlite_file``, or (``backend``
    "postgresql") a scratch database on ``postgres``'s server."""
    context: Any = (
        scratch_postgres(postgres)
        if backend == "postgresql" and postgres
        else nullcontext(f"sqlite:///{sqlite_file}")
    )
    with store_in(context) as store:
        yield store


@contextmanager
def store_in(database: AbstractContextManager[str]) -> Iterator[Store]:
    """The store at the URL ``database`` gives, opened (migrated) and closed in it."""
    from dateline.store import open_store

    with database as url:
        store = open_store(url)
        try:
            yield store
        finally:
            store.close()


@contextmanager
def scratch_postgres(server_url: str) -> Iterator[str]:
    """A new, empty database on the server of ``server_url``, dropped on the way out."""
    url = make_url(normalise_url(server_url))
    name = f"dateline_bench_{os.getpid()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def prepare(
    store: Store, n: int, seed: int, city: str, *, rank: bool = True
) -> tuple[list[int], Callable[[int], Article]]:
    """Fill ``store`` with the archive and a fresh weather value.

    Returns the article ids and ``pick(skip)``: the ``skip``-th article (from the middle of
    the archive on) that has a related list of three or more.
    """
    started = time.monotonic()
    now = datetime.now(UTC)
    ids = generate_archive(store, n, seed=seed, now=now, rank=rank)
    store.save_observation(
        Observation(
            location=city,
            city=city,
            temperature_c=18.5,
            observed_at=now,
            fetched_at=now,
            provider="benchmark",
            condition="Clear",
            attribution="Synthetic data",
        )
    )
    # a live database has statistics (autovacuum analyzes a table after enough changes,
    # within a minute); a bulk load measured at once has none, and without them
    # PostgreSQL's planner reads every published article for a page's two lists (8 ms a
    # page at 1,000 articles, growing with the archive)
    store.refresh_statistics()
    lists = "ranked" if rank else "written from the story threads"
    log(f"  {n} articles generated, related lists {lists}, in {time.monotonic() - started:.1f}s")

    def pick(skip: int = 0) -> Article:
        for article_id in ids[len(ids) // 2 :] + ids[: len(ids) // 2]:
            if len(store.related_links(article_id)) >= 3:
                if skip == 0:
                    article = store.article(article_id)
                    assert article is not None
                    return article
                skip -= 1
        raise CheckFailed("not enough articles of the archive have a related list")

    return ids, pick
