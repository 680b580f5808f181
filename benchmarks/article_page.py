"""Time dateline's article page under load against B2, a minimal Starlette and Jinja2 page.

    python -m benchmarks.article_page --articles 2000 --duration 10 --connections 32

Steps: generate a synthetic archive (``benchmarks.archive``) in a temporary SQLite store
(and, with ``--postgres URL``, in a scratch database on that PostgreSQL server too), pick
an article that has a related list, start ``dateline serve`` and B2
(``benchmarks.baseline_app``) as subprocesses on free 127.0.0.1 ports in one process group
of their own, check both answer 200 with the headline, warm both up, then load each with
``wrk -t2 -c{connections} -d{duration}s --latency``, alternating the two servers for
``--runs`` runs. It prints the median requests/s, p50 and p99 latency of each server and
the ratio dateline/B2 of requests/s, and counts the SQL statements one article page costs
in-process, on a small archive and on the full one, to show the count does not grow with
the archive. ``--json`` prints one JSON object instead of the table.

Exit codes: 0 done, 1 a check failed (a server did not start or served a wrong page, or
the query count differs between the two archives), 2 ``wrk`` is missing or bad usage,
3 the run took longer than its time budget. The servers are stopped in every case.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from markupsafe import escape
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from starlette.testclient import TestClient

from benchmarks.archive import generate_archive
from benchmarks.machine import machine
from dateline.config import Settings
from dateline.model import Article, Observation
from dateline.store import Store, open_store
from dateline.store.postgres import normalise_url
from dateline.web.app import create_app

ROOT = Path(__file__).resolve().parent.parent
SERVERS = ("dateline", "B2")
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0


class CheckFailed(Exception):
    """A server did not start, or served something other than the article page."""


class OutOfTime(Exception):
    """The whole run took longer than its budget."""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


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
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration:g}s",
        "--latency",
        url,
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + 30, check=False
    )
    if done.returncode != 0:
        raise CheckFailed(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse_wrk(done.stdout)


# -- the two servers ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def get(port: int, path: str, timeout: float = 5.0) -> tuple[int, str]:
    """One GET to 127.0.0.1 (redirects are not followed): the status and the body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


@dataclass
class Server:
    """One server subprocess and where its output goes."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def server_env(database_url: str, data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATELINE_DATA_DIR=str(data_dir),
        DATELINE_DATABASE_URL=database_url,
        BENCH_DATABASE_URL=database_url,
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")])),
    )
    return env


@contextmanager
def servers(database_url: str, data_dir: Path) -> Iterator[dict[str, Server]]:
    """Start dateline and B2 in one new process group; stop the group on the way out."""
    env = server_env(database_url, data_dir)
    commands = {
        "dateline": [sys.executable, "-m", "dateline", "serve", "--host", "127.0.0.1"],
        "B2": [sys.executable, "-m", "uvicorn", "benchmarks.baseline_app:app"]
        + ["--host", "127.0.0.1", "--log-level", "warning"],
    }
    started: dict[str, Server] = {}
    group = 0
    try:
        for name, command in commands.items():
            port = free_port()
            log_path = data_dir / f"{name.lower()}.log"
            with log_path.open("wb") as out:
                process = subprocess.Popen(
                    [*command, "--port", str(port)],
                    cwd=ROOT,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    process_group=group,
                )
            group = group or process.pid
            started[name] = Server(name, port, process, log_path)
        yield started
    finally:
        stop(group, list(started.values()))


def stop(group: int, started: list[Server]) -> None:
    """SIGTERM the servers' group, then SIGKILL what is left after ``STOP_TIMEOUT``."""
    if not group:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(group, sig)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + STOP_TIMEOUT
        for server in started:
            try:
                server.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        if all(s.process.poll() is not None for s in started):
            return


def wait_ready(server: Server, path: str) -> None:
    """Poll until the server answers ``path``; fail early if it exits."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise CheckFailed(
                f"{server.name} exited with {server.process.returncode}:\n{server.log_tail()}"
            )
        try:
            get(server.port, path, timeout=2.0)
            return
        except OSError:
            time.sleep(0.2)
    raise CheckFailed(f"{server.name} did not answer in {START_TIMEOUT:g}s:\n{server.log_tail()}")


def check_page(server: Server, path: str, headline: str) -> int:
    """The page answers 200 and shows the headline; returns its size in bytes."""
    status, body = get(server.port, path)
    if status != 200:
        raise CheckFailed(f"{server.name} answered {status} for {path}")
    if str(escape(headline)) not in body:
        raise CheckFailed(f"{server.name}'s page for {path} does not show the headline")
    return len(body.encode())


# -- queries per page --------------------------------------------------------------------

_FROM = re.compile(r"\bFROM\s+\"?(\w+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class QueryCount:
    """SQL statements for one article page, on an archive of ``articles`` articles."""

    backend: str
    articles: int
    store_queries: int
    page_queries: int
    page_transactions: int
    page_tables: list[str]


def _split(statements: list[str]) -> tuple[list[str], int]:
    """Queries (labelled by their first table) and the count of BEGIN/COMMIT/ROLLBACK."""
    queries, control = [], 0
    for statement in statements:
        word = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
        if word in {"BEGIN", "COMMIT", "ROLLBACK"}:
            control += 1
        else:
            found = _FROM.search(statement)
            queries.append(found.group(1) if found else word.lower())
    return queries, control


def count_queries(store: Store, settings: Settings, article: Article, size: int) -> QueryCount:
    """Count statements for ``store.article_page`` and for a GET of the page through the app.

    Each is run twice and the second run counted, so first-use work (template compiling,
    statement caching) does not show; the two runs must agree.
    """
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    def counted(action: Callable[[], object]) -> list[str]:
        runs = []
        for _ in range(2):
            statements.clear()
            action()
            runs.append(list(statements))
        if len(runs[0]) != len(runs[1]):
            raise CheckFailed(f"query count differs between two renders: {runs}")
        return runs[1]

    def fetch(client: TestClient) -> None:
        response = client.get(article.path, follow_redirects=False)
        if response.status_code != 200:
            raise CheckFailed(f"in-process page answered {response.status_code}")

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        store_queries, _ = _split(counted(lambda: store.article_page(article.slug)))
        app = create_app(settings, store=store)
        with TestClient(app) as client:
            page_queries, control = _split(counted(lambda: fetch(client)))
    finally:
        event.remove(store.engine, "before_cursor_execute", record)
    return QueryCount(
        backend=store.dialect,
        articles=size,
        store_queries=len(store_queries),
        page_queries=len(page_queries),
        page_transactions=control,
        page_tables=page_queries,
    )


# -- one database ------------------------------------------------------------------------


@dataclass
class Measured:
    """One server's runs and their medians."""

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


def prepare(store: Store, n: int, seed: int, city: str) -> Article:
    """Fill ``store`` with the archive and a fresh weather value; pick the page to load."""
    started = time.monotonic()
    now = datetime.now(UTC)
    ids = generate_archive(store, n, seed=seed, now=now)
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
    log(f"  {n} articles generated and ranked in {time.monotonic() - started:.1f}s")
    for article_id in ids[len(ids) // 2 :] + ids[: len(ids) // 2]:
        if len(store.related_links(article_id)) >= 3:
            article = store.article(article_id)
            assert article is not None
            return article
    raise CheckFailed("no article of the archive has a related list")


def load(
    backend: str, database_url: str, data_dir: Path, article: Article, args: argparse.Namespace
) -> dict[str, Any]:
    """Start both servers on ``database_url``, check them, warm up, and load them in turn."""
    measured = {name: Measured() for name in SERVERS}
    with servers(database_url, data_dir) as running:
        for server in running.values():
            wait_ready(server, article.path)
            measured[server.name].page_bytes = check_page(server, article.path, article.headline)
        url = {name: f"http://127.0.0.1:{s.port}{article.path}" for name, s in running.items()}
        wrk: dict[str, Any] = {"threads": args.threads, "connections": args.connections}
        for name in SERVERS:
            log(f"  [{backend}] warm-up {name} ({args.warmup:g}s)")
            run_wrk(url[name], **wrk, duration=args.warmup)
        for number in range(args.runs):
            order = SERVERS if number % 2 == 0 else SERVERS[::-1]
            for name in order:
                result = run_wrk(url[name], **wrk, duration=args.duration)
                measured[name].runs.append(result)
                log(
                    f"  [{backend}] run {number + 1}/{args.runs} {name}: "
                    f"{result.requests_per_s:.1f} req/s, p50 {result.p50_ms:.1f} ms, "
                    f"p99 {result.p99_ms:.1f} ms, {result.errors} errors"
                )
        for server in running.values():  # still alive and still right after the load
            check_page(server, article.path, article.headline)
    summary = {name: m.summary() for name, m in measured.items()}
    ratio = summary["dateline"]["requests_per_s"] / summary["B2"]["requests_per_s"]
    return {"backend": backend, "page": article.path, "servers": summary, "ratio": round(ratio, 3)}


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


def bench_database(
    backend: str,
    database_url: str,
    data_dir: Path,
    args: argparse.Namespace,
    settings: Settings,
) -> tuple[dict[str, Any], QueryCount]:
    log(f"[{backend}] generating {args.articles} articles")
    store = open_store(database_url)
    try:
        article = prepare(store, args.articles, args.seed, settings.weather_city)
        count = count_queries(store, settings, article, args.articles)
    finally:
        store.close()
    log(f"[{backend}] loading {article.path}")
    return load(backend, database_url, data_dir, article, args), count


# -- report ------------------------------------------------------------------------------


def print_table(report: dict[str, Any]) -> None:
    params = report["params"]
    print(
        f"article page, {params['articles']} articles, wrk -t{params['threads']} "
        f"-c{params['connections']} -d{params['duration']:g}s --latency, "
        f"median of {params['runs']} runs each (alternating)"
    )
    for result in report["results"]:
        print(f"\n{result['backend']}: {result['page']}")
        print(f"{'server':<10} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'bytes':>7} {'errors':>7}")
        for name, s in result["servers"].items():
            print(
                f"{name:<10} {s['requests_per_s']:>9.1f} {s['p50_ms']:>8.1f} "
                f"{s['p99_ms']:>8.1f} {s['page_bytes']:>7} {s['errors']:>7}"
            )
        print(f"ratio dateline/B2 (req/s): {result['ratio']:.2f}")
    print("\nSQL statements per article page (counted in-process):")
    for q in report["queries"]:
        print(
            f"  {q['backend']}, {q['articles']:>6} articles: store.article_page "
            f"{q['store_queries']}, whole page {q['page_queries']} "
            f"(+{q['page_transactions']} BEGIN): {', '.join(q['page_tables'])}"
        )
    fixed = "the same for both sizes" if report["queries_fixed"] else "NOT the same"
    print(f"  queries per page: {fixed}; B2 runs 3")


def budget(args: argparse.Namespace) -> int:
    """Seconds the whole run may take: generous, from the parameters."""
    generate = 60 + args.articles * 0.05
    servers = 2 * START_TIMEOUT + 2 * (args.warmup + 30) + 2 * args.runs * (args.duration + 30)
    per_database = generate + servers
    return int((2 if args.postgres else 1) * per_database + 60)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.article_page", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--articles", type=int, default=2000, help="archive size (2000)")
    parser.add_argument("--small", type=int, default=200, help="small archive for query count")
    parser.add_argument("--duration", type=float, default=10, help="seconds per wrk run (10)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--runs", type=int, default=3, help="runs per server (3)")
    parser.add_argument("--warmup", type=float, default=2, help="warm-up seconds (2)")
    parser.add_argument("--seed", type=int, default=7, help="archive seed (7)")
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL server")
    parser.add_argument("--timeout", type=int, default=0, help="budget in seconds (auto)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.articles < 10 or args.runs < 1 or args.duration <= 0 or args.connections < 1:
        parser.error("need --articles >= 10, --runs >= 1, --duration > 0, --connections >= 1")
    args.small = min(args.small, args.articles // 2)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        log("wrk is not installed: this benchmark drives load with wrk.")
        log("Install it (Debian/Ubuntu: apt-get install -y wrk) and run again.")
        return 2
    seconds = args.timeout or budget(args)

    def out_of_time(signum: int, _frame: FrameType | None) -> None:
        if signum == signal.SIGTERM:
            raise OutOfTime("stopped by SIGTERM")
        raise OutOfTime(f"the benchmark took longer than its budget of {seconds}s")

    previous = signal.signal(signal.SIGALRM, out_of_time)
    signal.signal(signal.SIGTERM, out_of_time)
    signal.alarm(seconds)
    report: dict[str, Any] = {
        "machine": machine(with_sqlite=True),
        "params": vars(args) | {"budget_s": seconds},
    }
    try:
        with tempfile.TemporaryDirectory(prefix="dateline-bench-") as tmp:
            base = Path(tmp)
            sqlite_url = f"sqlite:///{base / 'dateline.db'}"
            settings = Settings.from_env(server_env(sqlite_url, base))
            log(f"[sqlite] small archive: {args.small} articles, for the query count")
            small = open_store(f"sqlite:///{base / 'small' / 'dateline.db'}")
            try:
                small_article = prepare(small, args.small, args.seed, settings.weather_city)
                counts = [count_queries(small, settings, small_article, args.small)]
            finally:
                small.close()
            result, count = bench_database("sqlite", sqlite_url, base, args, settings)
            results, counts = [result], [*counts, count]
            if args.postgres:
                with scratch_postgres(args.postgres) as pg_url:
                    pg_dir = base / "pg"
                    pg_dir.mkdir()
                    pg_settings = Settings.from_env(server_env(pg_url, pg_dir))
                    result, count = bench_database("postgresql", pg_url, pg_dir, args, pg_settings)
                    results.append(result)
                    counts.append(count)
    except CheckFailed as exc:
        log(f"check failed: {exc}")
        return 1
    except OutOfTime as exc:
        log(str(exc))
        return 3
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    report["results"] = results
    report["queries"] = [asdict(c) for c in counts]
    report["queries_fixed"] = len({(c.store_queries, c.page_queries) for c in counts}) == 1
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_table(report)
    return 0 if report["queries_fixed"] else 1


if __name__ == "__main__":
    sys.exit(main())
