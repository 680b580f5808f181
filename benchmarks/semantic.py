"""Does the optional semantic signal help the related ranking on ECB+, and is it fast enough?

    python -m benchmarks.semantic [--json] [--max-tokens 256 128 64] [--data PATH]

Needs the extra (``pip install 'dateline[semantic]'``) and the evaluation data, read at run
time from ``../shared/data/related/ecbplus.jsonl`` (never copied into the repository).

Quality, every article a query against all the others, with the six metrics of
``dateline.related.metrics`` (ndcg5_graded, p5, mrr, topic_confusion5, pair_auc,
within_topic_auc):

- ``tfidf baseline``: the reference TF-IDF cosine of the data's README
  (``dateline.related.baseline``), for orientation;
- ``production``: ``RelatedIndex.similar(id, 20)`` for the lists, ``score_many`` (or
  ``score_pair``) for every pair; through ``dateline.evaluation.evaluate`` too when
  that exists, as a cross-check;
- ``embeddings``: cosine kNN over the article embeddings alone (exhaustive);
- ``blend w=…``: the production top 20 reranked by ``(1 - w) * production + w * cosine``
  (``semantic.rerank``); pair scores are the same blend over every pair.

Speed, on this machine (2 cores): median ms to embed one article (one text at a time,
2 onnxruntime threads) over ``--speed-sample`` articles; one query against 100k random unit
vectors (matrix-vector product and top 20); and from these, the estimates for 100k
articles: the related list of a new article (embed it, then rerank the production top
20, or scan all vectors) against the 20 ms target, and embedding the whole archive once
(a first backfill or a model change; a rebuild that keeps stored vectors embeds nothing)
against the 10 minute target.

The decision printed at the end: enable by default only if the best blend beats
production on nDCG@5 (graded) by at least ``MIN_GAIN`` without losing more than
``MAX_LOSS`` on any other metric, and the speed targets hold.

Exit codes: 0 done; 2 the extra or the data is missing.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from dateline.related import metrics, semantic
from dateline.related.scoring import Document, RelatedIndex

os.environ.setdefault("HF_HUB_OFFLINE", "1")

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "related" / "ecbplus.jsonl"
WEIGHTS = (0.1, 0.2, 0.3, 0.5)
CANDIDATES = 20
ARCHIVE = 100_000
NEW_ARTICLE_MS = 20.0
REBUILD_MIN = 10.0
MIN_GAIN = 0.005
BOOTSTRAP = 2000
MAX_LOSS = 0.005
METRICS = ("ndcg5_graded", "p5", "mrr", "topic_confusion5", "pair_auc", "within_topic_auc")
LOWER_IS_BETTER = frozenset({"topic_confusion5"})

Matrix = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Corpus:
    """The labelled articles, indexed 0..n-1 in file order."""

    keys: list[str]
    titles: list[str]
    bodies: list[str]
    clusters: list[str]
    topics: list[str]

    @property
    def ids(self) -> list[int]:
        """Integer ids used with ``RelatedIndex``."""
        return list(range(len(self.keys)))


@dataclass
class Row:
    """One ranking's six metrics."""

    name: str
    values: dict[str, float]
    note: str = ""
    #: nDCG@5 (graded) against production, query by query (see ``paired_gain``).
    paired: dict[str, float] = field(default_factory=dict)


@dataclass
class Report:
    """Everything the benchmark measured."""

    machine: dict[str, Any]
    articles: int
    rows: list[Row] = field(default_factory=list)
    speed: dict[str, Any] = field(default_factory=dict)
    decision: dict[str, Any] = field(default_factory=dict)


def log(message: str) -> None:
    """Progress on stderr."""
    print(message, file=sys.stderr, flush=True)


def load(path: Path) -> Corpus:
    """Read the ECB+ JSON lines."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return Corpus(
        keys=[str(r["id"]) for r in rows],
        titles=[str(r.get("title") or "") for r in rows],
        bodies=[str(r.get("body") or "") for r in rows],
        clusters=[str(r["cluster"]) for r in rows],
        topics=[str(r["topic"]) for r in rows],
    )


def score_all(
    corpus: Corpus, rankings: Mapping[int, Sequence[int]], pairs: npt.ArrayLike
) -> dict[str, float]:
    """The six metrics of one ranking (lists) and its pair scores (n x n)."""
    clusters = dict(enumerate(corpus.clusters))
    topics = dict(enumerate(corpus.topics))
    return {
        "ndcg5_graded": metrics.ndcg5_graded(rankings, clusters, topics),
        "p5": metrics.p5(rankings, clusters),
        "mrr": metrics.mrr(rankings, clusters),
        "topic_confusion5": metrics.topic_confusion5(rankings, clusters, topics),
        "pair_auc": metrics.pair_auc(pairs, corpus.clusters),
        "within_topic_auc": metrics.within_topic_auc(pairs, corpus.clusters, corpus.topics),
    }


def per_query_ndcg(corpus: Corpus, rankings: Mapping[int, Sequence[int]]) -> Matrix:
    """Graded nDCG@5 of each query alone, in query order."""
    clusters = dict(enumerate(corpus.clusters))
    topics = dict(enumerate(corpus.topics))
    return np.array(
        [metrics.ndcg5_graded({q: rankings[q]}, clusters, topics) for q in sorted(rankings)]
    )


def paired_gain(base: Matrix, other: Matrix, resamples: int = BOOTSTRAP) -> dict[str, float]:
    """Mean per-query gain of ``other`` over ``base``, a 95% paired bootstrap interval,
    and how many queries got better or worse."""
    diff = other - base
    rng = np.random.default_rng(0)
    means = diff[rng.integers(0, len(diff), (resamples, len(diff)))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return {
        "gain": round(float(diff.mean()), 4),
        "ci_low": round(float(low), 4),
        "ci_high": round(float(high), 4),
        "better": int((diff > 1e-9).sum()),
        "worse": int((diff < -1e-9).sum()),
    }


def knn(scores: Matrix, limit: int) -> dict[int, list[int]]:
    """Each row's ``limit`` best other columns, best first (ties by index)."""
    matrix = np.array(scores, dtype=np.float64)
    np.fill_diagonal(matrix, -np.inf)
    order = np.argsort(-matrix, axis=1, kind="stable")[:, :limit]
    return {i: [int(j) for j in order[i]] for i in range(len(matrix))}


def build_index(corpus: Corpus) -> RelatedIndex:
    """The production index over the corpus (no dates, sections or topics: ECB+ has none)."""
    names = {f.name for f in dataclasses.fields(Document)}
    docs = []
    for i, (title, body) in enumerate(zip(corpus.titles, corpus.bodies, strict=True)):
        text_field = {"body": body} if "body" in names else {"text": body}
        docs.append(Document(id=i, headline=title, **text_field))  # type: ignore[arg-type]
    return RelatedIndex(docs)


def _entry(item: Any) -> tuple[int, float]:
    """(id, score) of a ``similar`` result, a ``Scored`` or an older (id, score) tuple."""
    if isinstance(item, tuple):
        return int(item[0]), float(item[1])
    return int(item.id), float(item.score)


def production(
    corpus: Corpus, index: RelatedIndex
) -> tuple[dict[int, list[tuple[int, float]]], Matrix, float]:
    """Production top lists with scores, the symmetric pair matrix, and ms per query."""
    ids = corpus.ids
    lists: dict[int, list[tuple[int, float]]] = {}
    timings = []
    for i in ids:
        start = time.perf_counter()
        found = index.similar(i, CANDIDATES)
        timings.append(time.perf_counter() - start)
        lists[i] = [_entry(item) for item in found]
    n = len(ids)
    pairs = np.zeros((n, n))
    score_many: Callable[[int, list[int]], Any] | None = getattr(index, "score_many", None)
    for i in ids:
        others = ids[i + 1 :]
        if not others:
            continue
        if score_many is not None:
            row = np.asarray(score_many(i, others), dtype=np.float64)
        else:
            row = np.array([_entry(index.score_pair(i, j))[1] for j in others])
        pairs[i, i + 1 :] = row
    pairs = pairs + pairs.T
    return lists, pairs, statistics.median(timings) * 1000


def evaluate_cross_check(path: Path) -> dict[str, float] | None:
    """Production metrics from the project's evaluation harness, when it exists and fits.

    Tries ``dateline.evaluation.evaluate`` then ``dateline.related.evaluate.evaluate``
    (``evaluate(path)``; metrics at the top level or under ``"dateline"``).
    """
    for name in ("dateline.evaluation", "dateline.related.evaluate"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        evaluate = getattr(module, "evaluate", None)
        if evaluate is None:
            continue
        log(f"cross-check through {name}.evaluate ...")
        try:
            result = evaluate(path)
        except Exception as exc:  # a harness being written: report it, do not fail
            log(f"{name}.evaluate could not be used here: {exc!r}")
            return None
        values = result.get("dateline", result) if isinstance(result, Mapping) else {}
        found = {k: float(values[k]) for k in METRICS if isinstance(values.get(k), int | float)}
        return found or None
    return None


def blended(
    lists: Mapping[int, list[tuple[int, float]]], vectors: npt.NDArray[np.float32], weight: float
) -> dict[int, list[int]]:
    """Each query's production candidates reranked with ``semantic.rerank``."""
    out: dict[int, list[int]] = {}
    for query, found in lists.items():
        ids = [c for c, _ in found]
        scores = [s for _, s in found]
        ranked = semantic.rerank(ids, scores, vectors[query], vectors[ids], weight)
        out[query] = [c for c, _ in ranked]
    return out


def embed_speed(embedder: semantic.Embedder, texts: Sequence[str], sample: int) -> dict[str, float]:
    """Wall ms to embed one text (median, p10, p90) and process CPU ms (median).

    CPU time counts every onnxruntime thread; with the machine to itself the wall time is
    about the CPU time divided by the threads that work, so the CPU figure is the one that
    shows through other load on a shared machine.
    """
    embedder.embed(texts[:2])  # load and warm up
    wall, cpu = [], []
    for text in texts[:sample]:
        start, start_cpu = time.perf_counter(), time.process_time()
        embedder.embed([text])
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    wall.sort()
    last = len(wall) - 1
    return {
        "median": statistics.median(wall),
        "p10": wall[int(0.1 * last)],
        "p90": wall[int(0.9 * last)],
        "cpu_median": statistics.median(cpu),
    }


def scan_speed(n: int, dim: int, runs: int = 30) -> float:
    """Median ms of one query against ``n`` unit vectors: product and top ``CANDIDATES``."""
    rng = np.random.default_rng(0)
    matrix = rng.standard_normal((n, dim), dtype=np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    timings = []
    for r in range(runs + 3):
        query = matrix[r % n]
        start = time.perf_counter()
        scores = matrix @ query
        top = np.argpartition(-scores, CANDIDATES)[:CANDIDATES]
        top[np.argsort(-scores[top])]
        if r >= 3:
            timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def rerank_speed(dim: int, runs: int = 200) -> float:
    """Median ms of ``semantic.rerank`` over ``CANDIDATES`` candidates."""
    rng = np.random.default_rng(1)
    vectors = rng.standard_normal((CANDIDATES, dim)).astype(np.float32)
    query = vectors[0]
    ids = list(range(CANDIDATES))
    scores = rng.random(CANDIDATES)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        semantic.rerank(ids, scores, query, vectors, 0.3)
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def decide(report: Report, speed_ok: bool) -> dict[str, Any]:
    """Whether a blend helps without losses, and whether to enable it by default."""
    rows = {r.name: r.values for r in report.rows}
    paired = {r.name: r.paired for r in report.rows}
    base = rows["production"]
    best_name, best_gain, losses = "", -1.0, {}
    for name, values in rows.items():
        if not name.startswith("blend"):
            continue
        gain = values["ndcg5_graded"] - base["ndcg5_graded"]
        if gain > best_gain:
            best_name, best_gain = name, gain
            losses = {
                k: round(values[k] - base[k], 4)
                for k in METRICS
                if (values[k] - base[k]) * (-1 if k in LOWER_IS_BETTER else 1) < -MAX_LOSS
            }
    interval = paired.get(best_name, {})
    significant = interval.get("ci_low", 0.0) > 0.0
    helps = best_gain >= MIN_GAIN and significant and not losses
    return {
        "best_blend": best_name,
        "ndcg5_gain": round(best_gain, 4),
        "ndcg5_gain_ci95": [interval.get("ci_low"), interval.get("ci_high")],
        "losses_over_tolerance": losses,
        "helps": helps,
        "meets_speed_targets": speed_ok,
        "enable_by_default": helps and speed_ok,
    }


def quality(report: Report, corpus: Corpus, texts: Sequence[str], args: argparse.Namespace) -> None:
    """The metric rows: baseline, production, embeddings alone and the blends."""
    try:
        from dateline.related import baseline
    except ImportError:
        baseline = None  # type: ignore[assignment]
    if baseline is not None:
        log("tf-idf baseline ...")
        tfidf = baseline.similarity_matrix(corpus.titles, corpus.bodies)
        report.rows.append(Row("tfidf baseline", score_all(corpus, knn(tfidf, 20), tfidf)))

    log("production ranking ...")
    start = time.perf_counter()
    index = build_index(corpus)
    build_s = time.perf_counter() - start
    lists, pairs, query_ms = production(corpus, index)
    prod_rankings = {q: [c for c, _ in found] for q, found in lists.items()}
    prod_ndcg = per_query_ndcg(corpus, prod_rankings)
    report.rows.append(Row("production", score_all(corpus, prod_rankings, pairs), "top 20"))
    cross = evaluate_cross_check(args.data) if args.cross_check else None
    if cross:
        report.rows.append(Row("production (harness)", cross, "stored lists"))
    report.speed["production_build_s_982"] = round(build_s, 2)
    report.speed["production_similar_ms_982"] = round(query_ms, 2)

    for tokens in args.max_tokens:
        suffix = "" if tokens == args.max_tokens[0] else f" [{tokens} tok]"
        log(f"embedding {len(texts)} articles at {tokens} tokens ...")
        vectors = semantic.Embedder(max_tokens=tokens, threads=args.threads).embed(texts)
        cosine = (vectors @ vectors.T).astype(np.float64)
        alone = knn(cosine, 20)
        report.rows.append(
            Row(
                f"embeddings{suffix}",
                score_all(corpus, alone, cosine),
                "exhaustive",
                paired_gain(prod_ndcg, per_query_ndcg(corpus, alone)),
            )
        )
        for w in WEIGHTS:
            mixed = semantic.blend(pairs, cosine, w)
            reranked = blended(lists, vectors, w)
            report.rows.append(
                Row(
                    f"blend w={w}{suffix}",
                    score_all(corpus, reranked, mixed),
                    "rerank production top 20",
                    paired_gain(prod_ndcg, per_query_ndcg(corpus, reranked)),
                )
            )


def speed(report: Report, texts: Sequence[str], args: argparse.Namespace) -> bool:
    """Embedding and search timings, the 100k estimates; whether the targets hold."""
    dim = semantic.DIMENSION
    report.speed["load_average_before"] = [round(x, 2) for x in os.getloadavg()]
    scan_ms = scan_speed(ARCHIVE, dim)
    rerank_ms = rerank_speed(dim)
    report.speed["scan_100k_ms"] = round(scan_ms, 2)
    report.speed["rerank_top20_ms"] = round(rerank_ms, 3)
    report.speed["vectors_100k_mb"] = round(ARCHIVE * dim * 4 / 2**20, 1)
    report.speed["rebuild_100k_stored_vectors_s"] = round(ARCHIVE * rerank_ms / 1000, 1)
    report.speed["embed"] = {}
    for tokens in args.max_tokens:
        log(f"timing the embedding of {args.speed_sample} articles at {tokens} tokens ...")
        embedder = semantic.Embedder(max_tokens=tokens, threads=args.threads)
        timing = embed_speed(embedder, texts, args.speed_sample)
        median_ms = timing["median"]
        report.speed["embed"][str(tokens)] = {
            "ms_per_article_median": round(median_ms, 1),
            "ms_per_article_p10": round(timing["p10"], 1),
            "ms_per_article_p90": round(timing["p90"], 1),
            "cpu_ms_per_article_median": round(timing["cpu_median"], 1),
            "new_article_blend_ms": round(median_ms + rerank_ms, 1),
            "new_article_knn_100k_ms": round(median_ms + scan_ms, 1),
            "embed_100k_min": round(median_ms * ARCHIVE / 60_000, 1),
            "embed_100k_min_best_case": round(timing["cpu_median"] * ARCHIVE / 2 / 60_000, 1),
        }
    report.speed["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    first = report.speed["embed"][str(args.max_tokens[0])]
    return bool(
        first["new_article_blend_ms"] <= NEW_ARTICLE_MS and first["embed_100k_min"] <= REBUILD_MIN
    )


def run(args: argparse.Namespace) -> Report:
    """Measure everything (only the speed with ``--speed-only``)."""
    corpus = load(args.data)
    report = Report(
        machine={
            "python": platform.python_version(),
            "cores": os.cpu_count(),
            "processor": platform.processor() or platform.machine(),
            "onnxruntime_threads": args.threads,
        },
        articles=len(corpus.keys),
    )
    texts = [
        semantic.article_text(t, body=b) for t, b in zip(corpus.titles, corpus.bodies, strict=True)
    ]
    if not args.speed_only:
        quality(report, corpus, texts, args)
    speed_ok = speed(report, texts, args)
    main = [
        r
        for r in report.rows
        if "[" not in r.name and (r.name.startswith("blend") or r.name == "production")
    ]
    if main:
        report.decision = decide(Report(report.machine, report.articles, main), speed_ok)
    else:
        report.decision = {"meets_speed_targets": speed_ok}
    return report


def print_table(report: Report) -> None:
    """The report as aligned text."""
    width = max(len(r.name) for r in report.rows)
    print(f"ECB+ related articles: {report.articles} queries; {report.machine}")
    head = " ".join(f"{m:>16}" for m in METRICS)
    print(f"{'ranking':<{width}} {head}")
    for row in report.rows:
        cells = " ".join(f"{row.values.get(m, float('nan')):>16.4f}" for m in METRICS)
        gain = ""
        if row.paired:
            p = row.paired
            gain = (
                f"  nDCG {p['gain']:+.4f} [{p['ci_low']:+.4f}, {p['ci_high']:+.4f}]"
                f" {int(p['better'])}+/{int(p['worse'])}-"
            )
        print(f"{row.name:<{width}} {cells}{gain}")
    print()
    print(json.dumps(report.speed, indent=2))
    print()
    print("decision:", json.dumps(report.decision))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--data", type=Path, default=DATA, help="ecbplus.jsonl")
    parser.add_argument(
        "--max-tokens", type=int, nargs="+", default=[256, 128, 64], help="first one decides"
    )
    parser.add_argument("--threads", type=int, default=2, help="onnxruntime threads")
    parser.add_argument("--speed-sample", type=int, default=200, help="articles timed")
    parser.add_argument(
        "--no-cross-check", dest="cross_check", action="store_false", help="skip the harness"
    )
    parser.add_argument("--speed-only", action="store_true", help="skip the quality part")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if not semantic.available():
        log(semantic.INSTALL_HINT)
        return 2
    if not args.data.is_file():
        log(f"no evaluation data at {args.data}")
        return 2
    report = run(args)
    if args.json:
        print(json.dumps(dataclasses.asdict(report), indent=2))
    else:
        print_table(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
