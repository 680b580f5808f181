"""Time dateline's article page under load against B2, a minimal Starlette and Jinja2 page.

    python -m benchmarks.article_page --articles 2000 --duration 10 --connections 32

Steps: generate a synthetic archive (``benchmarks.archive``) in a temporary SQLite store
(and, with ``--postgres URL``, in a scratch database on that PostgreSQL server too), pick
an article that has a related list, start ``dateline serve`` with its page cache off
(``DATELINE_PAGE_CACHE=0``: every page is rendered), B2 (``benchmarks.baseline_app``,
the same page byte for byte, checked before the load) and B2-lite
(``benchmarks.baseline_lite``, a smaller page) as subprocesses on free 127.0.0.1 ports,
each in a process group of its own, check they answer 200 with the headline, warm them
up, then load each with ``wrk -t2 -c{connections} -d{duration}s --latency``, alternating
the servers for ``--runs`` runs. It prints the median requests/s, p50 and p99 latency of
each server and the ratios dateline/B2 and dateline/B2-lite of requests/s, and counts the
SQL statements one article page costs in-process, on a small archive and on the full one,
to show the count does not grow with the archive. ``--json`` prints one JSON object
instead of the table.

Exit codes: 0 done, 1 a check failed (a server did not start or served a wrong page, or
the query count differs between the two archives), 2 ``wrk`` is missing or bad usage,
3 the run took longer than its time budget. The servers are stopped in every case.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event
from starlette.testclient import TestClient

from benchmarks.machine import machine
from benchmarks.servers import (
    B2_APPS,
    START_TIMEOUT,
    CheckFailed,
    Measured,
    OutOfTime,
    Servers,
    Unavailable,
    add_load_options,
    b2_command,
    check_page,
    check_same_page,
    dateline_command,
    load_in_turn,
    log,
    prepare,
    print_summaries,
    require,
    scratch_postgres,
    server_env,
    time_budget,
    wait_ready,
)
from dateline.config import Settings
from dateline.model import Article
from dateline.store import Store, open_store
from dateline.web.app import create_app

SERVERS = ("dateline", "B2", "B2-lite")
UNCACHED = {"DATELINE_PAGE_CACHE": "0"}  # every page rendered: the cost this measures


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
        app = create_app(settings, store=store, background=False)  # no job queries in the count
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


def load(
    backend: str, database_url: str, data_dir: Path, article: Article, args: argparse.Namespace
) -> dict[str, Any]:
    """Start both servers on ``database_url``, check them, warm up, and load them in turn."""
    measured = {name: Measured() for name in SERVERS}
    env = server_env(database_url, data_dir, **UNCACHED)
    with Servers(data_dir) as started:
        running = [
            started.start("dateline", dateline_command(), env),
            *(started.start(name, b2_command(name=name), env) for name in B2_APPS),
        ]
        for server in running:
            wait_ready(server, article.path)
            page = check_page(server, article.path, article.headline)
            measured[server.name].page_bytes = len(page)
        # B2 is measured only while it renders dateline's very page
        check_same_page(running[1], article.path, check_page(running[0], article.path))
        url = {s.name: f"http://127.0.0.1:{s.port}{article.path}" for s in running}
        load_in_turn(url, args, backend, measured)
        for server in running:  # still alive and still right after the load
            check_page(server, article.path, article.headline)
    summary = {name: m.summary() for name, m in measured.items()}
    ratio = summary["dateline"]["requests_per_s"] / summary["B2"]["requests_per_s"]
    lite = summary["dateline"]["requests_per_s"] / summary["B2-lite"]["requests_per_s"]
    return {
        "backend": backend,
        "page": article.path,
        "servers": summary,
        "ratio": round(ratio, 3),
        "ratio_lite": round(lite, 3),
    }


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
        _, pick = prepare(store, args.articles, args.seed, settings.weather_city)
        article = pick(0)
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
        print_summaries(result["servers"])
        print(
            f"ratio dateline/B2 (req/s): {result['ratio']:.2f}; "
            f"dateline/B2-lite (the smaller page): {result['ratio_lite']:.2f}"
        )
    print("\nSQL statements per article page (counted in-process):")
    for q in report["queries"]:
        print(
            f"  {q['backend']}, {q['articles']:>6} articles: store.article_page "
            f"{q['store_queries']}, whole page {q['page_queries']} "
            f"(+{q['page_transactions']} BEGIN): {', '.join(q['page_tables'])}"
        )
    fixed = "the same for both sizes" if report["queries_fixed"] else "NOT the same"
    print(f"  queries per page: {fixed}; B2 runs 8, B2-lite 3")


def budget(args: argparse.Namespace) -> int:
    """Seconds the whole run may take: generous, from the parameters."""
    generate = 60 + args.articles * 0.05
    count = len(SERVERS)
    servers = count * (START_TIMEOUT + args.warmup + 30 + args.runs * (args.duration + 30))
    per_database = generate + servers
    return int((2 if args.postgres else 1) * per_database + 60)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.article_page", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--articles", type=int, default=2000, help="archive size (2000)")
    parser.add_argument("--small", type=int, default=200, help="small archive for query count")
    add_load_options(parser, connections=32)
    args = parser.parse_args(argv)
    if args.articles < 10 or args.runs < 1 or args.duration <= 0 or args.connections < 1:
        parser.error("need --articles >= 10, --runs >= 1, --duration > 0, --connections >= 1")
    args.small = min(args.small, args.articles // 2)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        require("wrk")
    except Unavailable as exc:
        log(str(exc))
        return 2
    seconds = args.timeout or budget(args)
    report: dict[str, Any] = {
        "machine": machine(with_sqlite=True),
        "params": vars(args) | {"budget_s": seconds},
    }
    try:
        with time_budget(seconds), tempfile.TemporaryDirectory(prefix="dateline-bench-") as tmp:
            base = Path(tmp)
            sqlite_url = f"sqlite:///{base / 'dateline.db'}"
            settings = Settings.from_env(server_env(sqlite_url, base, **UNCACHED))
            log(f"[sqlite] small archive: {args.small} articles, for the query count")
            small = open_store(f"sqlite:///{base / 'small' / 'dateline.db'}")
            try:
                _, pick = prepare(small, args.small, args.seed, settings.weather_city)
                small_article = pick(0)
                counts = [count_queries(small, settings, small_article, args.small)]
            finally:
                small.close()
            result, count = bench_database("sqlite", sqlite_url, base, args, settings)
            results, counts = [result], [*counts, count]
            if args.postgres:
                with scratch_postgres(args.postgres) as pg_url:
                    pg_dir = base / "pg"
                    pg_dir.mkdir()
                    pg_settings = Settings.from_env(server_env(pg_url, pg_dir, **UNCACHED))
                    result, count = bench_database("postgresql", pg_url, pg_dir, args, pg_settings)
                    results.append(result)
                    counts.append(count)
    except CheckFailed as exc:
        log(f"check failed: {exc}")
        return 1
    except OutOfTime as exc:
        log(str(exc))
        return 3
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
