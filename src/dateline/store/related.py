"""Queries for the stored related lists: one row per (article, related article)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, delete, insert, select

from dateline.model import RelatedLink, Status
from dateline.store.articles import SUMMARY_COLUMNS, summary_from_row
from dateline.store.schema import articles, related, sections


def replace_related(conn: Connection, article_id: int, ranked: Sequence[tuple[int, float]]) -> None:
    """Store ``ranked`` (related id, score), best first, as the article's list."""
    conn.execute(delete(related).where(related.c.article_id == article_id))
    if ranked:
        conn.execute(
            insert(related),
            [
                {"article_id": article_id, "related_id": rid, "rank": i, "score": score}
                for i, (rid, score) in enumerate(ranked)
            ],
        )


def related_scores(
    conn: Connection, article_ids: Iterable[int]
) -> dict[int, list[tuple[int, float]]]:
    """The stored lists of several articles, best first."""
    ids = list(article_ids)
    lists: dict[int, list[tuple[int, float]]] = {i: [] for i in ids}
    if not ids:
        return lists
    rows = conn.execute(
        select(related.c.article_id, related.c.related_id, related.c.score)
        .where(related.c.article_id.in_(ids))
        .order_by(related.c.article_id, related.c.rank)
    )
    for article_id, related_id, score in rows:
        lists[article_id].append((related_id, score))
    return lists


def related_links(conn: Connection, article_id: int, limit: int) -> list[RelatedLink]:
    """The article's related list, best first, published articles only: one query."""
    rows = conn.execute(
        select(*SUMMARY_COLUMNS, related.c.score, related.c.rank)
        .select_from(related)
        .join(articles, articles.c.id == related.c.related_id)
        .join(sections, sections.c.id == articles.c.section_id)
        .where(related.c.article_id == article_id, articles.c.status == Status.PUBLISHED.value)
        .order_by(related.c.rank)
        .limit(limit)
    ).mappings()
    return [
        RelatedLink(article=summary_from_row(r), score=float(r["score"]), rank=int(r["rank"]))
        for r in rows
    ]
