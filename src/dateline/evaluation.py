"""Measure the related ranking against labelled news, through the normal publish path.

The evaluation file is JSON Lines: ``id``, ``title``, ``body`` (plain text, one paragraph a
line), ``published`` (ISO 8601 or null), ``cluster`` (the event) and optionally ``topic``
(the kind of event; defaults to the cluster). Every article is saved in a temporary
SQLite store and published, which computes and stores the related lists as on the site;
the stored lists give the list metrics, and an index built from the same documents the
refresh reads gives the pair scores. The TF-IDF baseline is measured on the same data.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from dateline.ingest.blocks import text_to_blocks
from dateline.model import Article, DatelineError, Section
from dateline.model.slug import slugify
from dateline.related import baseline, metrics
from dateline.related.refresh import document_for
from dateline.related.scoring import RelatedIndex
from dateline.store import open_store

LIST_LENGTH = 5


class EvaluationDataError(DatelineError):
    """A line of the evaluation file that cannot be read."""


@dataclass(frozen=True, slots=True)
class Item:
    """One labelled article of the evaluation file."""

    id: str
    title: str
    body: str
    published: datetime | None
    cluster: str
    topic: str


def _text(record: dict[str, Any], field: str, line: int, *, optional: bool = False) -> str:
    value = record.get(field)
    if value is None and optional:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool) and field == "id":
        return str(value)
    if not isinstance(value, str):
        raise EvaluationDataError(f"line {line}: field {field!r} must be a string, got {value!r}")
    return value


def read_items(path: Path) -> list[Item]:
    """The labelled articles of ``path``; a bad line raises naming the line and field."""
    items: list[Item] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise EvaluationDataError(f"line {number}: not JSON ({error.msg})") from None
            if not isinstance(record, dict):
                raise EvaluationDataError(f"line {number}: expected an object")
            item_id = _text(record, "id", number)
            if item_id in seen:
                raise EvaluationDataError(f"line {number}: field 'id' repeats {item_id!r}")
            seen.add(item_id)
            published = None
            raw = _text(record, "published", number, optional=True)
            if raw:
                try:
                    published = datetime.fromisoformat(raw)
                except ValueError:
                    raise EvaluationDataError(
                        f"line {number}: field 'published' is not ISO 8601: {raw!r}"
                    ) from None
            cluster = _text(record, "cluster", number)
            items.append(
                Item(
                    id=item_id,
                    title=_text(record, "title", number),
                    body=_text(record, "body", number, optional=True),
                    published=published,
                    cluster=cluster,
                    topic=_text(record, "topic", number, optional=True) or cluster,
                )
            )
    return items


def _metrics(
    lists: dict[str, list[str]],
    scores: np.ndarray[Any, np.dtype[np.float64]],
    order: list[str],
    clusters: dict[str, str],
    topics: dict[str, str],
) -> dict[str, float]:
    cluster_list = [clusters[i] for i in order]
    topic_list = [topics[i] for i in order]
    return {
        "ndcg5_graded": metrics.ndcg5_graded(lists, clusters, topics),
        "p5": metrics.p5(lists, clusters),
        "mrr": metrics.mrr(lists, clusters),
        "topic_confusion5": metrics.topic_confusion5(lists, clusters, topics),
        "pair_auc": metrics.pair_auc(scores, cluster_list),
        "within_topic_auc": metrics.within_topic_auc(scores, cluster_list, topic_list),
    }


def evaluate(path: Path, progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Metrics of the production ranking and of the TF-IDF baseline on ``path``."""
    items = read_items(path)
    clusters = {item.id: item.cluster for item in items}
    topics = {item.id: item.topic for item in items}
    with tempfile.TemporaryDirectory() as tmpdir:
        store = open_store(f"sqlite:///{tmpdir}/eval.db")
        try:
            section = store.save_section(Section("eval", "Evaluation"))
            articles = [
                Article(
                    uid=item.id,
                    slug=slugify(f"{item.id} {item.title}"),
                    headline=item.title,
                    section=section,
                    body=text_to_blocks(item.body),
                    published_at=item.published,
                    version_at=item.published,
                )
                for item in items
            ]
            saved = store.save_articles(articles)
            store_ids = [result.article_id for result in saved]
            label = dict(zip(store_ids, (item.id for item in items), strict=True))
            started = time.perf_counter()
            from dateline.publish import publish  # the layer above: evaluation drives it

            publish(store, store_ids)
            elapsed = time.perf_counter() - started
            lists: dict[str, list[str]] = {}
            for store_id in store_ids:
                links = store.related_links(store_id, limit=LIST_LENGTH)
                lists[label[store_id]] = [label[link.article.id] for link in links]
                if progress is not None:
                    progress(1)
            corpus = {entry.id: entry for entry in store.published_corpus()}
            index = RelatedIndex(document_for(corpus[i]) for i in store_ids)
            scores = index.score_matrix(store_ids)
        finally:
            store.close()
    order = [label[i] for i in store_ids]
    ours = _metrics(lists, scores, order, clusters, topics)
    ours["seconds_per_article"] = elapsed / max(len(items), 1)
    tfidf = baseline.similarity_matrix([i.title for i in items], [i.body for i in items])
    theirs = _metrics(baseline.rankings(order, tfidf, LIST_LENGTH), tfidf, order, clusters, topics)
    return {"dataset": path.name, "articles": len(items), "dateline": ours, "tfidf": theirs}
