"""A long related-list queue: one ranking pass over the archive against refreshing one by one.

A bulk publication (``dateline import --publish`` of an archive) queues every article's
related update. ``publish.apply_queue`` applies a queue that asks for a large share of
the archive (``publish.RANK_ALL_SHARE``, at least ``RANK_ALL_MIN`` articles) by ranking
every list in one pass (``related.refresh.rank_all``). The baseline is what it did before:
each queued article refreshed in turn (its list and its neighbours'), forced here by
raising ``RANK_ALL_MIN`` above the queue's length.

Both run on the same generated archive (``archive.py``, lists written from its story
threads), every article queued, from a cold index (``refresh.forget``), one after the
other in this process; the lists they leave are compared, article by article.

    .venv/bin/python -m benchmarks.related_queue --articles 3000
    .venv/bin/python -m benchmarks.related_queue --articles 3000 --postgres URL --json
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.archive import generate_archive
from benchmarks.machine import machine
from benchmarks.servers import log, scratch_store
from dateline import publish
from dateline.related import refresh
from dateline.store import Store


def timed_apply(store: Store, ids: list[int], one_by_one: bool) -> dict[str, float]:
    """Queue every article and apply the queue from a cold index; seconds and CPU."""
    store.queue_related(ids, datetime.now(UTC))
    refresh.forget(store)
    saved = publish.RANK_ALL_MIN
    if one_by_one:
        publish.RANK_ALL_MIN = len(ids) + 1
    try:
        cpu, wall = time.process_time(), time.perf_counter()
        publish.apply_queue(store)
        seconds, cpu_s = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        publish.RANK_ALL_MIN = saved
    left = len(store.queued_related(None))
    return {"seconds": round(seconds, 2), "cpu_seconds": round(cpu_s, 2), "queue_left": left}


def measure(backend: str, articles: int, tmp: Path, postgres: str | None) -> dict[str, Any]:
    with scratch_store(backend, tmp / "queue.db", postgres) as store:
        started = time.monotonic()
        ids = generate_archive(store, articles, rank=False)
        log(f"[{backend}] {articles} articles generated in {time.monotonic() - started:.1f}s")
        one_pass = timed_apply(store, ids, one_by_one=False)
        lists_pass = {i: [link.article.id for link in store.related_links(i)] for i in ids}
        log(f"[{backend}] one pass: {one_pass['seconds']} s")
        one_by_one = timed_apply(store, ids, one_by_one=True)
        lists_each = {i: [link.article.id for link in store.related_links(i)] for i in ids}
        log(f"[{backend}] one by one: {one_by_one['seconds']} s")
    same = sum(lists_pass[i] == lists_each[i] for i in ids)
    return {
        "backend": backend,
        "articles": articles,
        "one_pass": one_pass,
        "one_by_one": one_by_one,
        "speedup": round(one_by_one["seconds"] / max(one_pass["seconds"], 1e-9), 1),
        "same_lists": same,
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.related_queue",
        description="A long related-list queue: one ranking pass against one by one.",
    )
    parser.add_argument("--articles", type=int, default=3000, help="archive size (3000)")
    parser.add_argument("--postgres", metavar="URL", help="also run on a scratch database")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    backends = ["sqlite"] + (["postgresql"] if args.postgres else [])
    with tempfile.TemporaryDirectory(prefix="dateline-queue-") as tmp:
        results = [measure(b, args.articles, Path(tmp), args.postgres) for b in backends]
    report = {"benchmark": "related_queue", "machine": machine(), "results": results}
    if args.json:
        json.dump(report, sys.stdout)
        print()
        return 0
    print(f"related queue: every article of {args.articles} queued, applied from a cold index")
    header = f"{'one pass s':>12}{'one by one s':>14}{'x faster':>10}{'same lists':>12}"
    print(f"{'backend':<12}{header}")
    for r in results:
        print(
            f"{r['backend']:<12}{r['one_pass']['seconds']:>12}{r['one_by_one']['seconds']:>14}"
            f"{r['speedup']:>10}{r['same_lists']:>8} of {r['articles']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
