"""Resident memory of a serving process that holds the related-articles index, and no more.

    python -m benchmarks.related_memory DOCUMENTS.jsonl --archive 100000 --fresh 200
    python -m benchmarks.related_memory /tmp/docs.jsonl --archive 100000 --generate

``benchmarks.related`` writes its generated archive to a JSON Lines file (one
``Document`` a line, archive first, then ``--fresh`` new articles) and runs this script in
a process of its own, so what is measured is what a ``dateline serve`` worker holds, not
the benchmark's corpus:

1. the baseline: the web application imported and created over an empty SQLite store
   (``create_app``, no background tasks), VmRSS;
2. the index built the way ``related.refresh.index_for`` builds it, from a stream of
   documents that are not kept: VmRSS after the build;
3. each fresh article added and its list asked for (the publish path; the first one
   settles only the neighbourhoods its list needs): VmRSS and peak after them; then every
   article's list computed with ``similar_many`` in blocks whose results are dropped (the
   state after a full rebuild: every neighbourhood settled): VmRSS after it;
4. the process's peak (``VmHWM``) over all of it.

It prints one JSON object. The target (issue #4) is at most 1 GB at 100k articles.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks.machine import vm_rss_mb

BLOCK = 2000  # lists computed per similar_many call while settling


def peak_rss_mb() -> float:
    """This process's peak resident set so far, in MiB (``VmHWM``).

    Not ``ru_maxrss``: Linux carries that across ``exec`` from the process that forked
    this one, so a child of a big benchmark process would report the parent's peak.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def write_documents(documents: Any, path: Path) -> int:
    """Write ``documents`` (``Document`` objects) to ``path`` as JSON Lines; the count."""
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for doc in documents:
            row = {
                "id": doc.id,
                "headline": doc.headline,
                "deck": doc.deck,
                "body": doc.body,
                "published_at": doc.published_at.isoformat() if doc.published_at else None,
                "section": doc.section,
                "topics": list(doc.topics),
            }
            out.write(json.dumps(row) + "\n")
            count += 1
    return count


def read_documents(path: Path, skip: int = 0, limit: int | None = None) -> Iterator[Any]:
    """``Document`` objects from ``path``, one at a time, lines ``skip`` to ``skip+limit``."""
    from dateline.related.scoring import Document

    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if number < skip:
                continue
            if limit is not None and number >= skip + limit:
                return
            row = json.loads(line)
            when = row["published_at"]
            yield Document(
                id=row["id"],
                headline=row["headline"],
                deck=row["deck"],
                body=row["body"],
                published_at=datetime.fromisoformat(when) if when else None,
                section=row["section"],
                topics=tuple(row["topics"]),
            )


def measure(path: Path, archive: int, fresh: int) -> dict[str, Any]:
    """Steps 1 to 4 on the first ``archive`` documents of ``path`` and ``fresh`` after them."""
    from dateline.config import Settings
    from dateline.related.scoring import RelatedIndex
    from dateline.web.app import create_app

    out: dict[str, Any] = {"archive": archive, "fresh": fresh}
    with tempfile.TemporaryDirectory(prefix="dateline-memory-") as tmp:
        settings = Settings.from_env({"DATELINE_DATA_DIR": tmp})
        app = create_app(settings, background=False)
        gc.collect()
        out["rss_app_mb"] = round(vm_rss_mb(), 1)

        started = time.perf_counter()
        index = RelatedIndex(read_documents(path, 0, archive))
        gc.collect()
        out["build_s"] = round(time.perf_counter() - started, 1)
        out["rss_after_build_mb"] = round(vm_rss_mb(), 1)
        out["peak_after_build_mb"] = round(peak_rss_mb(), 1)

        for doc in read_documents(path, archive, fresh):
            index.add(doc)
            index.similar(doc.id, 5)
        gc.collect()
        # these lists settled the neighbourhoods they need; the loop below settles the rest
        out["rss_after_publish_mb"] = round(vm_rss_mb(), 1)
        out["peak_after_publish_mb"] = round(peak_rss_mb(), 1)
        ids = index.ids()
        started = time.perf_counter()
        for start in range(0, len(ids), BLOCK):
            index.similar_many(ids[start : start + BLOCK], 5)
        gc.collect()
        out["settle_s"] = round(time.perf_counter() - started, 1)
        out["rss_after_settle_mb"] = round(vm_rss_mb(), 1)
        out["peak_rss_mb"] = round(peak_rss_mb(), 1)
        out["index_mb"] = round(out["rss_after_settle_mb"] - out["rss_app_mb"], 1)
        del app
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("documents", type=Path, help="JSON Lines file of documents")
    parser.add_argument("--archive", type=int, required=True, help="how many form the archive")
    parser.add_argument("--fresh", type=int, default=200, help="new articles after it (200)")
    parser.add_argument(
        "--generate",
        action="store_true",
        help="write the benchmark archive of --archive articles to DOCUMENTS first "
        "(benchmarks.corpus, seed 7), in a process of its own",
    )
    args = parser.parse_args(argv)
    if args.generate:
        import subprocess

        code = (
            "from benchmarks.corpus import generate; "
            "from benchmarks.related_memory import write_documents; "
            f"c = generate({args.archive}, 7, fresh={args.fresh}); "
            f"write_documents([*c.documents(), *c.fresh_documents()[:{args.fresh}]], "
            f"__import__('pathlib').Path({str(args.documents)!r}))"
        )
        subprocess.run([sys.executable, "-c", code], check=True)
    print(json.dumps(measure(args.documents, args.archive, args.fresh)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
