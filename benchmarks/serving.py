"""Serving: the page cache against nginx (B0) and B2, publish to visible, memory, cold start.

    python -m benchmarks.serving --articles 10000 [--workers 2] [--postgres URL] [--json]

The scenarios of issue #8, each with its baselines in the same run, on one generated
archive (``benchmarks.archive``) in a temporary SQLite store:

a. B0, nginx serving the exact bytes of dateline's article page as a static file (its
   ``worker_processes`` equal to ``--workers``), against dateline's cached article page
   (``DATELINE_PAGE_CACHE=1``, the default): requests/s ratio dateline/B0, and p99. The
   server also writes page files (``DATELINE_PAGE_FILES``), and the same pages are
   loaded through nginx configured by ``dateline nginx-config`` in front of it (the
   "front" rows, ``worker_processes`` as B0's), each checked to come from disk with
   dateline's very bytes before and after the loads: ratio front/B0, and p99.
b. dateline with the page cache off (``DATELINE_PAGE_CACHE=0``) against B2
   (``benchmarks.baseline_app``: dateline's very page, byte for byte, which is checked
   before the load, from its own queries and template) and B2-lite
   (``benchmarks.baseline_lite``: a smaller page, the baseline before November 26), each
   under the same server with the same number of worker processes: requests/s ratios
   dateline/B2 (the target's) and dateline/B2-lite.
c. the cached home page, a section page, ``/rss.xml`` and ``/api/articles``: requests/s
   and p99 of each, and the ratio to the cached article page. (a) and (c) are loaded in
   the same rounds: each round runs wrk once against every target, reversing the order
   every other round, ``--runs`` rounds; medians are reported.
d. publish to visible: in this process, change what a page shows while a child process
   polls the server over HTTP (back to back, one thread per server) until the page
   shows it (the change may hold this process's GIL for long: ranking); the time
   from the commit (SQLAlchemy's ``commit`` event of the changing transaction) to the
   first response that shows the change, ``--trials`` times for each of two changes: an
   edit (a new deck saved for a published article whose page was just served: one
   transaction) watched on the article page, and publishing a new article
   (``dateline.publish.publish``: mark published, then its related lists) watched on the
   home page; one untimed trial first. Median and max, directly and through the front.
   ``--trials 0`` skips (d).
   Related lists are ranked up to 20,000 articles, else written from the archive's
   story threads (``--related``). With ``--postgres URL``, the same on a scratch database
   with two ``dateline serve`` processes sharing it and one page-files folder, with
   nginx in front of both, all three polled: the change is committed here, so both
   servers are "other processes" to the writer.
e. resident memory (``VmRSS``) of each worker process of each server after the loads
   (the server's child processes, or the server itself when it has none).
f. cold start: from launching ``dateline serve`` on the generated store to the first
   200 of the article page, for every dateline process started (the first is the first
   start on that store). After it, and before any load, the benchmark waits until the
   server's related-list process has gone idle (``related_idle``: after a start it
   applies what the related queue holds, building the ranking's index when anything is
   queued), so that the loads measure a site that has run a while; the wait is logged.

Exit codes: 0 done; 1 a check failed (a server did not start, a page was wrong, a
change never became visible); 2 ``wrk`` or ``nginx`` is missing, or a ``dateline
serve`` option asked for is not supported, or bad usage; 3 out of time or SIGTERM. The
servers are stopped (SIGTERM, then SIGKILL, to each one's process group) in every case.
Progress goes to stderr, the table (or JSON) to stdout.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from sqlalchemy import event

from benchmarks.machine import machine
from benchmarks.servers import (
    B2_APPS,
    START_TIMEOUT,
    CheckFailed,
    Measured,
    OutOfTime,
    Server,
    Servers,
    Unavailable,
    add_load_options,
    b2_command,
    check_page,
    check_same_page,
    command_line,
    cpu_seconds,
    dateline_command,
    free_port,
    get,
    load_in_turn,
    log,
    prepare,
    print_summaries,
    process_tree,
    require,
    rss_mb,
    scratch_postgres,
    server_env,
    time_budget,
    wait_ready,
)
from dateline.config import Settings
from dateline.model import Article, Block, BlockKind
from dateline.model.slug import slugify
from dateline.publish import publish
from dateline.store import Store, open_store

PAGES = ("article", "home", "section", "rss", "api")
FRONT = "front "  # the same pages through nginx on dateline's page files
VISIBLE_TIMEOUT = 10.0
POLL_PAUSE = 0.001
TARGETS = {  # issue #8
    "cached_article_to_B0": 0.55,
    "cached_article_p99_ms": 20.0,
    "front_article_to_B0": 0.55,
    "front_article_p99_ms": 20.0,
    "uncached_to_B2": 1.5,
    "publish_to_visible_ms": 200.0,
    "worker_rss_mb": 200.0,
}


# -- B0: nginx ---------------------------------------------------------------------------


def nginx_conf(prefix: Path, workers: int, http_body: str) -> str:
    """A minimal nginx.conf: foreground, no access log, ``http_body`` in its http block."""
    user = "user root;\n" if os.geteuid() == 0 else ""  # else workers run as nobody
    temp = "\n".join(
        f"  {kind}_temp_path {prefix / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{user}daemon off;
worker_processes {workers};
pid {prefix / "nginx.pid"};
error_log stderr warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  types {{ }}
  default_type "text/html; charset=utf-8";
{temp}
{http_body}
}}
"""


def start_b0(running: Servers, base: Path, files: dict[str, bytes], workers: int) -> Server:
    """nginx serving each body of ``files`` at its path as a static file."""
    prefix = base / "nginx"
    www = prefix / "www"
    for path, body in files.items():
        page = www / path.lstrip("/")
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_bytes(body)
    conf = prefix / "nginx.conf"
    port = free_port()
    body = f"  server {{\n    listen 127.0.0.1:{port};\n    root {www};\n  }}"
    conf.write_text(nginx_conf(prefix, workers, body))
    command = ["nginx", "-p", str(prefix), "-c", str(conf)]
    return running.start("B0", command, os.environ.copy(), port)


def start_front(
    running: Servers,
    base: Path,
    name: str,
    env: dict[str, str],
    upstreams: list[Server],
    workers: int,
) -> Server:
    """nginx sending dateline's page files (``DATELINE_PAGE_FILES`` in ``env``), with the
    very text ``dateline nginx-config`` prints, ``worker_processes`` as B0's."""
    prefix = base / re.sub(r"\W+", "-", name)
    prefix.mkdir(parents=True, exist_ok=True)
    port = free_port()
    made = subprocess.run(
        [sys.executable, "-m", "dateline", "nginx-config", f"--listen=127.0.0.1:{port}"]
        + [f"--upstream=127.0.0.1:{server.port}" for server in upstreams],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if made.returncode != 0:
        raise CheckFailed(f"dateline nginx-config failed: {made.stderr}")
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_conf(prefix, workers, made.stdout))
    command = ["nginx", "-p", str(prefix), "-c", str(conf)]
    return running.start(name, command, env, port)


def from_file(front: Server, path: str, page: bytes) -> None:
    """Ask nginx for ``path`` until it sends ``page`` from the page files (``X-Cache:
    file``); the first request goes on to dateline, which writes the file."""
    for _ in range(5):
        connection = http.client.HTTPConnection("127.0.0.1", front.port, timeout=10)
        try:
            connection.request("GET", path)
            answer = connection.getresponse()
            body = answer.read()
        finally:
            connection.close()
        if answer.status == 200 and answer.getheader("x-cache") == "file":
            if body != page:
                raise CheckFailed(f"nginx sends other bytes than dateline for {path}")
            return
    raise CheckFailed(f"nginx does not send {path} from the page files: {front.log_tail()}")


# -- memory ------------------------------------------------------------------------------


def _related_process(pid: int) -> bool:
    """Whether ``pid`` is the ``dateline worker --only related`` that ``serve`` runs."""
    return "worker --only related" in command_line(pid)


def memory(server: Server) -> dict[str, Any]:
    """VmRSS of the server's processes; its workers are its children, or itself alone.

    The related-list process ``dateline serve`` runs beside its workers (it holds the
    ranking's index once a publish has needed it) is reported on its own."""
    tree = process_tree(server.process.pid)
    children = [
        pid
        for pid in tree[1:]
        if "resource_tracker" not in command_line(pid)
        and not _related_process(pid)
        and rss_mb(pid) is not None
    ]
    workers = children or tree[:1]
    rss = [v for v in (rss_mb(pid) for pid in workers) if v is not None]
    related = [v for v in (rss_mb(p) for p in tree if _related_process(p)) if v is not None]
    log(f"  {server.name}: VmRSS of its workers {rss} MiB, of its related process {related}")
    return {
        "processes": {str(pid): rss_mb(pid) for pid in tree},
        "worker_rss_mb": rss,
        "max_worker_rss_mb": max(rss) if rss else None,
        "related_process_rss_mb": related,
        "total_rss_mb": round(sum(v or 0 for v in (rss_mb(pid) for pid in tree)), 1),
    }


# -- publish to visible ------------------------------------------------------------------


def _poll(
    name: str, port: int, path: str, wanted: bytes, seen: dict[str, float], stop: threading.Event
) -> None:
    """GET ``path`` back to back until it shows ``wanted``; note when in ``seen``."""
    while not stop.is_set():
        try:
            status, body = get(port, path, timeout=5.0)
        except OSError:
            continue
        if status == 200 and wanted in body:
            seen[name] = time.perf_counter()
            return
        time.sleep(POLL_PAUSE)


def _watch(conn: Connection) -> None:
    """The polling process: serve ``(marker, {name: (port, path)})`` requests from ``conn``.

    For each: start one thread per server polling back to back, say "polling", wait for
    "changed", then up to ``VISIBLE_TIMEOUT`` more for every server to show the marker,
    and send back when each first did (``time.perf_counter``, which is CLOCK_MONOTONIC:
    comparable across processes). ``None`` ends it.
    """
    while (request := conn.recv()) is not None:
        marker, watched = request
        seen: dict[str, float] = {}
        stop = threading.Event()
        pollers = [
            threading.Thread(
                target=_poll, args=(name, port, path, marker.encode(), seen, stop), daemon=True
            )
            for name, (port, path) in watched.items()
        ]
        for poller in pollers:
            poller.start()
        conn.send("polling")
        conn.recv()
        deadline = time.monotonic() + VISIBLE_TIMEOUT
        for poller in pollers:
            poller.join(max(0.0, deadline - time.monotonic()))
        stop.set()
        for poller in pollers:
            poller.join(5.0)
        conn.send(dict(seen))


class Watcher:
    """A child process that polls servers while this one changes the store.

    The change runs here and may hold the GIL for long (ranking related lists in numpy
    and scipy); polling from a thread of this process would then measure that wait.
    """

    def __enter__(self) -> Watcher:
        context = multiprocessing.get_context("fork")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_watch, args=(child,), daemon=True)
        self.process.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(10.0)
        if self.process.is_alive():
            self.process.kill()

    def visible_after(
        self,
        store: Store,
        change: Callable[[], object],
        watched: dict[str, tuple[int, str]],
        marker: str,
    ) -> dict[str, float | None]:
        """Run ``change`` while the child polls each watched (port, path) for ``marker``.

        Returns, per watched server, milliseconds from the first commit of ``change`` to
        the first response showing the marker (None if not within ``VISIBLE_TIMEOUT`` of
        the end of ``change``).
        """
        commits: list[float] = []

        def on_commit(_conn: object) -> None:
            commits.append(time.perf_counter())

        self.conn.send((marker, watched))
        if self.conn.recv() != "polling":
            raise CheckFailed("the polling process did not start polling")
        event.listen(store.engine, "commit", on_commit)
        try:
            change()
        finally:
            event.remove(store.engine, "commit", on_commit)
            self.conn.send("changed")
        seen: dict[str, float] = self.conn.recv()
        if not commits:
            raise CheckFailed("the change committed nothing")
        return {
            name: round((seen[name] - commits[0]) * 1000, 1) if name in seen else None
            for name in watched
        }


def fresh_article(template: Article, number: int, marker: str, now: datetime) -> Article:
    """A new draft in ``template``'s section, by its authors, headlined with ``marker``."""
    headline = f"Breaking {marker} update {number}"
    return Article(
        uid=f"bench:serving:{os.getpid()}:{number}",
        slug=slugify(headline),
        headline=headline,
        section=template.section,
        body=(Block(BlockKind.PARAGRAPH, html=f"<p>News {marker} as it happens.</p>"),),
        deck=f"What {marker} means.",
        bylines=template.bylines,
        topics=template.topics,
        version_at=now,
    )


def summarise(values: list[float | None]) -> dict[str, Any]:
    found = [v for v in values if v is not None]
    return {
        "median_ms": round(statistics.median(found), 1) if found else None,
        "max_ms": max(found) if found else None,
        "trials": len(values),
        "not_visible": len(values) - len(found),
        "all_ms": values,
    }


def one_trial(
    watcher: Watcher,
    store: Store,
    servers: list[Server],
    number: int,
    edited: tuple[Article, str],
    template: Article,
) -> dict[str, dict[str, float | None]]:
    """Publish a new article (watched on the home page), then edit ``edited``'s deck."""
    stamp = f"{os.getpid()}x{number}x{time.time_ns() % 10**9}"
    marker = f"p{stamp}"  # the edit's is e{stamp}: neither contains the other
    # the publication: save a draft, make sure the home page is cached, then publish
    [saved] = store.save_articles([fresh_article(template, number, marker, datetime.now(UTC))])
    for server in servers:
        check_page(server, "/")
    watched = {s.name: (s.port, "/") for s in servers}
    publication = partial(publish, store, [saved.article_id])
    published = watcher.visible_after(store, publication, watched, marker)
    # the edit: serve the page, then save the article with a new deck
    article, original_deck = edited
    for server in servers:
        check_page(server, article.path, article.headline)
    current = store.article(article.id or 0)
    assert current is not None
    marker = f"e{stamp}"
    deck = f"Updated {marker}. {original_deck}"
    changed = replace(current, deck=deck, version_at=datetime.now(UTC))
    watched = {s.name: (s.port, article.path) for s in servers}
    edit = partial(store.save_articles, [changed])
    return {"publish": published, "edit": watcher.visible_after(store, edit, watched, marker)}


def publish_to_visible(
    store: Store, servers: list[Server], edited: Article, template: Article, trials: int
) -> dict[str, Any]:
    """``trials`` publications watched on the home page, ``trials`` edits of ``edited``.

    One untimed trial first (its publication builds this process's related index).
    """
    times: dict[str, dict[str, list[float | None]]] = {
        kind: {s.name: [] for s in servers} for kind in ("publish", "edit")
    }
    with Watcher() as watcher:
        for number in range(trials + 1):
            shown = one_trial(watcher, store, servers, number, (edited, edited.deck), template)
            if number == 0:
                continue
            for kind, per_server in shown.items():
                for name, value in per_server.items():
                    times[kind][name].append(value)
            time.sleep(0.1)
    result = {
        kind: {name: summarise(values) for name, values in per_server.items()}
        for kind, per_server in times.items()
    }
    log(
        "  publish to visible (median/max ms): "
        + "; ".join(
            f"{kind} {name} {s['median_ms']}/{s['max_ms']}"
            for kind, per_server in result.items()
            for name, s in per_server.items()
        )
    )
    return result


# -- one run -----------------------------------------------------------------------------


def page_paths(article: Article) -> dict[str, str]:
    return {
        "article": article.path,
        "home": "/",
        "section": f"/section/{article.section.slug}",
        "rss": "/rss.xml",
        "api": "/api/articles",
    }


def start_dateline(
    running: Servers, name: str, env: dict[str, str], args: argparse.Namespace, path: str
) -> tuple[Server, float]:
    """Start ``dateline serve``; returns it and its cold start (launch to first 200, s)."""
    server = running.start(name, dateline_command(args.workers, args.server), env)
    cold = wait_ready(server, path, interval=0.02)
    log(f"  {name}: first 200 of the article page {cold:.2f}s after launch")
    waited = related_idle(server)
    log(f"  {name}: its related-list process idle {waited:.1f}s after that")
    return server, round(cold, 2)


def related_idle(server: Server, quiet: float = 2.0, limit: float = 900.0) -> float:
    """Wait until the server's related-list process has used almost no CPU for ``quiet``
    seconds; returns the seconds waited.

    After a start it applies what the related queue holds (building the ranking's index
    when anything is queued), at a lower priority than the workers; the loads measure a
    site that has run a while, so they wait for that to end (a process that does not
    lead the related job idles at once).
    """
    started = time.monotonic()
    related = [p for p in process_tree(server.process.pid) if _related_process(p)]
    if not related:
        return 0.0
    last = cpu_seconds(related[0])
    while time.monotonic() - started < limit:
        time.sleep(quiet)
        now = cpu_seconds(related[0])
        if now is None or last is None or now - last < 0.05 * quiet:
            break
        last = now
    return time.monotonic() - started


def bench_sqlite(
    store: Store, url: str, base: Path, article: Article, edited: Article, args: Any
) -> dict[str, Any]:
    """Scenarios a to f on SQLite: ``article`` is loaded, ``edited`` changed in (d)."""
    files = str(base / "page-files")
    cached_env = server_env(url, base, DATELINE_PAGE_CACHE="1", DATELINE_PAGE_FILES=files)
    uncached_env = server_env(url, base, DATELINE_PAGE_CACHE="0")
    paths = page_paths(article)
    out: dict[str, Any] = {"backend": "sqlite", "page": article.path, "cold_start_s": {}}
    with Servers(base) as running:
        cached, out["cold_start_s"]["dateline"] = start_dateline(
            running, "dateline", cached_env, args, article.path
        )
        body = check_page(cached, article.path, article.headline)
        feed = check_page(cached, paths["rss"])
        b0 = start_b0(running, base, {article.path: body, paths["rss"]: feed}, args.workers)
        wait_ready(b0, article.path)
        if check_page(b0, article.path) != body or check_page(b0, paths["rss"]) != feed:
            raise CheckFailed("nginx does not serve the bytes of dateline's article and feed")
        front = start_front(running, base, "front", cached_env, [cached], args.workers)
        wait_ready(front, article.path)
        fronted = list(paths.values())
        for path in fronted:
            from_file(front, path, check_page(cached, path))
        measured = {name: Measured() for name in ("B0", "B0 rss", *PAGES)}
        measured |= {FRONT + name: Measured() for name in PAGES}
        urls = {
            "B0": f"http://127.0.0.1:{b0.port}{article.path}",
            "B0 rss": f"http://127.0.0.1:{b0.port}{paths['rss']}",
        }
        for name, path in paths.items():
            measured[name].page_bytes = len(check_page(cached, path))
            urls[name] = f"http://127.0.0.1:{cached.port}{path}"
            measured[FRONT + name].page_bytes = len(check_page(front, path))
            urls[FRONT + name] = f"http://127.0.0.1:{front.port}{path}"
        measured["B0"].page_bytes = len(body)
        measured["B0 rss"].page_bytes = len(feed)
        log("[sqlite] a, c: cached pages, the same through nginx on the page files, and B0")
        load_in_turn(urls, args, "cached", measured)
        check_page(cached, article.path, article.headline)
        for path in fronted:  # still from disk after the loads (a new bucket asks once)
            from_file(front, path, check_page(cached, path))
        cached_pages = {name: m.summary() for name, m in measured.items()}
        out["memory"] = {"dateline": memory(cached), "B0": memory(b0), "front": memory(front)}
        running.stop(b0)

        log("[sqlite] b: page cache off, against B2")
        uncached, out["cold_start_s"]["dateline, cache off"] = start_dateline(
            running, "dateline, cache off", uncached_env, args, article.path
        )
        baselines = {
            name: running.start(
                name, b2_command(args.workers, args.server or "granian", name), uncached_env
            )
            for name in B2_APPS
        }
        for server in baselines.values():
            wait_ready(server, article.path)
        # B2 is measured only while it renders dateline's very page
        check_same_page(baselines["B2"], article.path, check_page(uncached, article.path))
        versus = {name: Measured() for name in ("dateline", *baselines)}
        urls = {}
        for name, server in (("dateline", uncached), *baselines.items()):
            versus[name].page_bytes = len(check_page(server, article.path, article.headline))
            urls[name] = f"http://127.0.0.1:{server.port}{article.path}"
        load_in_turn(urls, args, "uncached", versus)
        uncached_pages = {name: m.summary() for name, m in versus.items()}
        out["memory"] |= {"dateline, cache off": memory(uncached)}
        out["memory"] |= {name: memory(server) for name, server in baselines.items()}
        running.stop(uncached)
        for server in baselines.values():
            running.stop(server)

        out["publish_to_visible"] = {}
        if args.trials:
            log(f"[sqlite] d: publish to visible, {args.trials} trials of each change")
            out["publish_to_visible"] = publish_to_visible(
                store, [cached, front], edited, article, args.trials
            )
    rps = {name: s["requests_per_s"] for name, s in cached_pages.items()}
    out["cached"] = {
        "pages": cached_pages,
        "ratio_to_B0": round(rps["article"] / rps["B0"], 3),
        # the feed is several times the article's size: nginx serving its bytes says
        # what the same machine can do for it
        "rss_ratio_to_B0_rss": round(rps["rss"] / rps["B0 rss"], 3),
        "ratio_to_article": {n: round(rps[n] / rps["article"], 3) for n in PAGES[1:]},
        "front_ratio_to_B0": round(rps[FRONT + "article"] / rps["B0"], 3),
        "front_rss_ratio_to_B0_rss": round(rps[FRONT + "rss"] / rps["B0 rss"], 3),
        "front_ratio_to_article": {
            n: round(rps[FRONT + n] / rps[FRONT + "article"], 3) for n in PAGES[1:]
        },
    }
    out["uncached"] = {
        "servers": uncached_pages,
        "ratio_to_B2": round(
            uncached_pages["dateline"]["requests_per_s"] / uncached_pages["B2"]["requests_per_s"],
            3,
        ),
        "ratio_to_B2_lite": round(
            uncached_pages["dateline"]["requests_per_s"]
            / uncached_pages["B2-lite"]["requests_per_s"],
            3,
        ),
    }
    return out


def bench_postgres(url: str, base: Path, args: Any, settings: Settings) -> dict[str, Any]:
    """Publish to visible with two ``dateline serve`` processes sharing PostgreSQL."""
    store = open_store(url)
    out: dict[str, Any] = {"backend": "postgresql", "cold_start_s": {}}
    try:
        log(f"[postgresql] generating {args.articles} articles")
        started = time.monotonic()
        _, pick = prepare(store, args.articles, args.seed, settings.weather_city, rank=args.rank)
        out["generate_s"] = round(time.monotonic() - started, 1)
        article, edited = pick(0), pick(1)
        out["page"] = article.path
        files = str(base / "page-files-postgresql")
        env = server_env(url, base, DATELINE_PAGE_CACHE="1", DATELINE_PAGE_FILES=files)
        with Servers(base) as running:
            pair = []
            for name in ("dateline A", "dateline B"):
                server, out["cold_start_s"][name] = start_dateline(
                    running, name, env, args, article.path
                )
                pair.append(server)
            # both processes write and purge one folder; nginx asks either of them
            front = start_front(running, base, "front A+B", env, pair, args.workers)
            wait_ready(front, article.path)
            out["publish_to_visible"] = {}
            if args.trials:
                log(
                    f"[postgresql] d: publish to visible, {args.trials} trials, two processes "
                    "and nginx on their page files"
                )
                out["publish_to_visible"] = publish_to_visible(
                    store, [*pair, front], edited, article, args.trials
                )
            out["memory"] = {s.name: memory(s) for s in pair}
    finally:
        store.close()
    return out


# -- report ------------------------------------------------------------------------------


def targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets against what was measured (max over servers and databases)."""
    sqlite = report["results"][0]
    pages = sqlite["cached"]["pages"]
    visible = [
        s["max_ms"]
        for result in report["results"]
        for per_server in result["publish_to_visible"].values()
        for s in per_server.values()
    ]
    rss = [
        m["max_worker_rss_mb"]
        for result in report["results"]
        for name, m in result["memory"].items()
        if name.startswith("dateline") and m["max_worker_rss_mb"] is not None
    ]
    rows = [
        ("cached article req/s ÷ B0", ">=", sqlite["cached"]["ratio_to_B0"], "ratio_to_B0"),
        ("cached article p99 ms", "<=", pages["article"]["p99_ms"], "article_p99"),
        (
            "page-files article req/s ÷ B0",
            ">=",
            sqlite["cached"]["front_ratio_to_B0"],
            "front_to_B0",
        ),
        ("page-files article p99 ms", "<=", pages[FRONT + "article"]["p99_ms"], "front_p99"),
        ("uncached article req/s ÷ B2", ">=", sqlite["uncached"]["ratio_to_B2"], "to_B2"),
        (
            "publish to visible, max ms",
            "<=",
            max((v for v in visible if v is not None), default=None),
            "visible",
        ),
        ("worker RSS MiB, max", "<=", max(rss, default=None), "rss"),
    ]
    limits = list(TARGETS.values())
    out = []
    for (name, sense, value, _), limit in zip(rows, limits, strict=True):
        met = None if value is None else value >= limit if sense == ">=" else value <= limit
        out.append({"target": name, "limit": f"{sense} {limit:g}", "value": value, "met": met})
    return out


def print_table(report: dict[str, Any]) -> None:
    p = report["params"]
    print(
        f"serving, {p['articles']} articles (related lists {report['related_lists']}), "
        f"{p['workers']} worker(s), server {p['server'] or 'default'}; "
        f"wrk -t{p['threads']} -c{p['connections']} -d{p['duration']:g}s --latency, "
        f"median of {p['runs']} rounds"
    )
    sqlite = report["results"][0]
    print(
        "\na, c. cached pages (DATELINE_PAGE_CACHE=1), the same through nginx on the page files "
        "(DATELINE_PAGE_FILES), and B0 (nginx, static file), SQLite"
    )
    print_summaries(sqlite["cached"]["pages"], first="target")
    print(f"ratio cached article / B0 (req/s): {sqlite['cached']['ratio_to_B0']:.2f}")
    print(
        "ratio to the cached article page: "
        + ", ".join(f"{n} {r:.2f}" for n, r in sqlite["cached"]["ratio_to_article"].items())
    )
    print(
        "ratio cached /rss.xml / B0 serving the same feed bytes (req/s): "
        f"{sqlite['cached']['rss_ratio_to_B0_rss']:.2f}"
    )
    print(
        f"through nginx on the page files ({FRONT.strip()} rows): article / B0 "
        f"{sqlite['cached']['front_ratio_to_B0']:.2f}, /rss.xml / B0 rss "
        f"{sqlite['cached']['front_rss_ratio_to_B0_rss']:.2f}; to its article page: "
        + ", ".join(f"{n} {r:.2f}" for n, r in sqlite["cached"]["front_ratio_to_article"].items())
    )
    print("\nb. article page, page cache off (DATELINE_PAGE_CACHE=0), against B2, SQLite")
    print_summaries(sqlite["uncached"]["servers"])
    print(
        f"ratio dateline / B2 (req/s): {sqlite['uncached']['ratio_to_B2']:.2f}; "
        f"dateline / B2-lite (the smaller page): {sqlite['uncached']['ratio_to_B2_lite']:.2f}"
    )
    print("\nd. publish to visible (commit to first response showing it), ms")
    for result in report["results"]:
        for kind, per_server in result["publish_to_visible"].items():
            for name, s in per_server.items():
                print(
                    f"  {result['backend']:<10} {kind:<8} {name:<12} median {s['median_ms']}, "
                    f"max {s['max_ms']}, not visible {s['not_visible']} of {s['trials']}"
                )
    print("\ne. resident memory (VmRSS) per worker after the loads, MiB")
    for result in report["results"]:
        for name, m in result["memory"].items():
            related = m.get("related_process_rss_mb")
            extra = f"  (its related-list process: {related})" if related else ""
            print(f"  {result['backend']:<10} {name:<20} {m['worker_rss_mb']}{extra}")
    print("\nf. cold start: launch to first 200 of the article page, s")
    for result in report["results"]:
        for name, seconds in result["cold_start_s"].items():
            print(f"  {result['backend']:<10} {name:<20} {seconds}")
    print("\ntargets (issue #8)")
    for t in report["targets"]:
        verdict = "not measured" if t["met"] is None else "met" if t["met"] else "MISSED"
        print(f"  {t['target']:<30} {t['limit']:>8}  {t['value']!s:>8}  {verdict}")


def budget(args: argparse.Namespace) -> int:
    """Seconds the whole run may take: generous, from the parameters."""
    generate = 60 + args.articles * 0.05
    starts = 9 * START_TIMEOUT
    # the pages direct and through nginx, B0 (article and feed), and the uncached
    # dateline, B2 and B2-lite
    loads = (2 * len(PAGES) + 5) * (args.warmup + args.runs * (args.duration + 30))
    trials = 2 * (args.trials + 1) * (2 * VISIBLE_TIMEOUT + 5)
    per_database = generate + starts + trials
    return int((2 if args.postgres else 1) * per_database + loads + 60)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.serving", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--articles", type=int, default=10000, help="archive size (10000)")
    parser.add_argument(
        "--related",
        choices=("ranked", "threads"),
        help="related lists: ranked, or written from the story threads "
        "(default: ranked up to 20000 articles)",
    )
    parser.add_argument("--workers", type=int, default=1, help="worker processes (1)")
    parser.add_argument("--server", help="dateline serve --server (its default)")
    add_load_options(parser, connections=64)
    parser.add_argument(
        "--trials", type=int, default=20, help="publish-to-visible trials (20; 0: skip)"
    )
    args = parser.parse_args(argv)
    if args.articles < 50 or args.runs < 1 or args.duration <= 0 or args.connections < 1:
        parser.error("need --articles >= 50, --runs >= 1, --duration > 0, --connections >= 1")
    if args.workers < 1 or args.trials < 0:
        parser.error("need --workers >= 1 and --trials >= 0 (0 skips publish to visible)")
    args.rank = (args.related or ("ranked" if args.articles <= 20000 else "threads")) == "ranked"
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        require("wrk", "nginx")
        dateline_command(args.workers, args.server)
    except Unavailable as exc:
        log(str(exc))
        return 2
    seconds = args.timeout or budget(args)
    report: dict[str, Any] = {
        "machine": machine(with_sqlite=True),
        "params": {k: v for k, v in vars(args).items() if k != "rank"} | {"budget_s": seconds},
        "related_lists": "ranked" if args.rank else "written from the story threads",
    }
    started = time.monotonic()
    try:
        with time_budget(seconds), tempfile.TemporaryDirectory(prefix="dateline-bench-") as tmp:
            base = Path(tmp)
            url = f"sqlite:///{base / 'dateline.db'}"
            settings = Settings.from_env(server_env(url, base))
            store = open_store(url)
            try:
                log(f"[sqlite] generating {args.articles} articles")
                gen_started = time.monotonic()
                _, pick = prepare(
                    store, args.articles, args.seed, settings.weather_city, rank=args.rank
                )
                report["generate_s"] = round(time.monotonic() - gen_started, 1)
                article = pick(0)
                report["results"] = [bench_sqlite(store, url, base, article, pick(1), args)]
            finally:
                store.close()
            if args.postgres:
                with scratch_postgres(args.postgres) as pg_url:
                    pg_dir = base / "pg"
                    pg_dir.mkdir()
                    pg_settings = Settings.from_env(server_env(pg_url, pg_dir))
                    report["results"].append(bench_postgres(pg_url, pg_dir, args, pg_settings))
    except CheckFailed as exc:
        log(f"check failed: {exc}")
        return 1
    except OutOfTime as exc:
        log(str(exc))
        return 3
    report["elapsed_s"] = round(time.monotonic() - started, 1)
    report["targets"] = targets(report)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_table(report)
    invisible = sum(
        s["not_visible"]
        for result in report["results"]
        for per_server in result["publish_to_visible"].values()
        for s in per_server.values()
    )
    if invisible:
        log(f"check failed: {invisible} changes never became visible")
    return 1 if invisible else 0


if __name__ == "__main__":
    sys.exit(main())
