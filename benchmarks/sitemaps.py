"""Sitemaps at scale: memory and time of streaming every article sitemap, against B3.

    python -m benchmarks.sitemaps --articles 1000000
    python -m benchmarks.sitemaps --articles 1000000 --postgres postgresql://postgres@127.0.0.1:5432/postgres

What it measures, on SQLite (and on PostgreSQL with ``--postgres``):

1. an archive of ``--articles / 10`` published articles is written straight into the
   ``articles`` table (bulk INSERTs: the archive's content does not matter here, only its
   rows; on PostgreSQL followed by ``ANALYZE``, as autovacuum would), then every URL set
   ``/sitemaps/articles-{n}.xml`` is produced the way the view produces it
   (``Store.sitemap_urls`` into ``seo.sitemaps.url_set``), the chunks counted and
   dropped, as a server sends them: the process's peak resident memory above where it
   stood (``VmHWM``, reset through ``/proc/self/clear_refs`` before each step) and the
   seconds per file, first and last (the last has the longest way to its start);
2. the archive is grown to ``--articles`` and step 1 is run again: the ratio of the two
   peaks is the number to watch (1.0 means constant memory whatever the archive's size);
3. B3, in the same run: the naive way, all published rows read in one query and one
   sitemap built as one ``bytes`` (what "load all articles" costs): its peak, and the
   ratio of the streaming peak to it.

Also the News sitemap (≤1,000 articles of the last 48 hours) once at full size. Prints a
table, or one JSON object with ``--json``. The scratch PostgreSQL database
(``dateline_bench_<pid>``) is created and dropped by the script.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, text

from benchmarks.machine import machine, vm_rss_mb
from dateline.model import Section
from dateline.seo import sitemaps
from dateline.store import Store, open_store
from dateline.store.postgres import normalise_url
from dateline.store.schema import articles

SITE = "https://news.example.org"
INSERT_BATCH = 20_000


def grow(store: Store, section_id: int, start: int, stop: int, now: datetime) -> None:
    """Add published articles ``start`` … ``stop - 1``, one a minute back from ``now``."""
    for first in range(start, stop, INSERT_BATCH):
        rows = []
        for i in range(first, min(stop, first + INSERT_BATCH)):
            when = now - timedelta(minutes=i)
            rows.append(
                {
                    "uid": f"bench:{i}",
                    "slug": f"story-{i}",
                    "headline": f"Story number {i} & what it means",
                    "body": [],
                    "section_id": section_id,
                    "status": "published",
                    "published_at": when,
                    "updated_at": when,
                    "version_at": when,
                }
            )
        with store.engine.begin() as conn:
            conn.execute(insert(articles), rows)
    # a live database has statistics (autovacuum); a bulk load has none until this
    store.refresh_statistics()


def reset_peak() -> float:
    """Reset this process's peak resident memory (Linux); returns the resident MiB now."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass
    return vm_rss_mb()


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def stream_all(store: Store, published: int) -> dict[str, Any]:
    """Every article URL set, streamed and dropped: bytes, peak memory above start, seconds."""
    count = sitemaps.article_sitemap_count(published)
    seconds: list[float] = []
    total = 0
    before = reset_peak()
    for number in range(1, count + 1):
        started = time.perf_counter()
        for chunk in sitemaps.url_set(SITE, store.sitemap_urls(number, sitemaps.MAX_URLS)):
            total += len(chunk)
        seconds.append(time.perf_counter() - started)
    return {
        "articles": published,
        "sitemaps": count,
        "bytes": total,
        "peak_rss_growth_mib": max(0.0, round(peak_rss_mb() - before, 1)),
        "first_file_s": round(seconds[0], 3),
        "last_file_s": round(seconds[-1], 3),
        "all_files_s": round(sum(seconds), 2),
    }


def load_all(store: Store, published: int) -> dict[str, Any]:
    """B3: every published row in one query, one sitemap built whole in memory."""
    before = reset_peak()
    started = time.perf_counter()
    rows = list(store.sitemap_urls(1, published, batch=published))
    body = b"".join(sitemaps.url_set(SITE, rows, limit=published))
    seconds = time.perf_counter() - started
    grown = peak_rss_mb() - before
    del rows, body
    return {"peak_rss_growth_mib": round(grown, 1), "seconds": round(seconds, 2)}


def news(store: Store, now: datetime) -> dict[str, Any]:
    started = time.perf_counter()
    items = store.recent_news(now - sitemaps.NEWS_WINDOW, now, sitemaps.MAX_NEWS)
    size = sum(len(c) for c in sitemaps.news_sitemap(SITE, "Bench", items, now))
    return {"urls": len(items), "bytes": size, "seconds": round(time.perf_counter() - started, 3)}


def run(url: str, total: int) -> dict[str, Any]:
    store = open_store(url)
    try:
        section = store.save_section(Section("world", "World", 1))
        assert section.id is not None
        now = datetime.now(UTC)
        small = max(1, total // 10)
        print(f"  writing {small} articles", file=sys.stderr)
        grow(store, section.id, 0, small, now)
        at_small = stream_all(store, small)
        print(f"  writing {total - small} more", file=sys.stderr)
        grow(store, section.id, small, total, now)
        at_full = stream_all(store, total)
        baseline = load_all(store, total)
        return {
            "streamed_small": at_small,
            "streamed_full": at_full,
            "B3_load_all": baseline,
            "news_sitemap": news(store, now),
            "peak_ratio_full_vs_small": round(
                max(at_full["peak_rss_growth_mib"], 0.1)
                / max(at_small["peak_rss_growth_mib"], 0.1),
                2,
            ),
            "peak_ratio_streamed_vs_B3": round(
                max(at_full["peak_rss_growth_mib"], 0.1)
                / max(baseline["peak_rss_growth_mib"], 0.1),
                4,
            ),
        }
    finally:
        store.close()


@contextmanager
def postgres_database(server: str) -> Iterator[str]:
    name = f"dateline_bench_{os.getpid()}"
    admin = create_engine(normalise_url(server), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--postgres", default="", help="a server URL to run on as well")
    parser.add_argument("--no-sqlite", action="store_true", help="run on PostgreSQL only")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"machine": machine(with_sqlite=True)}
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            print("sqlite", file=sys.stderr)
            results["sqlite"] = run(f"sqlite:///{Path(folder) / 'bench.db'}", args.articles)
    if args.postgres:
        print("postgresql", file=sys.stderr)
        with postgres_database(args.postgres) as url:
            results["postgresql"] = run(url, args.articles)
    if args.json:
        print(json.dumps(results))
        return 0
    for backend in ("sqlite", "postgresql"):
        if backend not in results:
            continue
        found = results[backend]
        print(f"== {backend} ==")
        for key in ("streamed_small", "streamed_full", "B3_load_all", "news_sitemap"):
            print(f"{key:>16}: {found[key]}")
        print(f"{'peak full/small':>16}: {found['peak_ratio_full_vs_small']}")
        print(f"{'peak stream/B3':>16}: {found['peak_ratio_streamed_vs_B3']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
