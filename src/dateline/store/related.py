"""Queries for related lists and the editors' overrides (pins and exclusions)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from sqlalchemy import Connection, delete, func, insert, select

from dateline.model import RelatedLink, Status
from dateline.store.articles import SUMMARY_COLUMNS, summary_from_row
from dateline.store.schema import articles, related, related_overrides, related_queue, sections

PIN = "pin"
EXCLUDE = "exclude"


def replace_related(
    conn: Connection,
    article_id: int,
    ranked: Sequence[tuple[int, float, Mapping[str, float]]],
) -> None:
    """Store ``ranked`` (related id, score, reasons), best first, as the article's list."""
    conn.execute(delete(related).where(related.c.article_id == article_id))
    if ranked:
        conn.execute(
            insert(related),
            [
                {
                    "article_id": article_id,
                    "related_id": rid,
                    "rank": i,
                    "score": score,
                    "reasons": dict(reasons),
                }
                for i, (rid, score, reasons) in enumerate(ranked)
            ],
        )


def listed_in(conn: Connection, related_id: int) -> list[int]:
    """The articles whose stored list shows ``related_id``."""
    rows = conn.execute(select(related.c.article_id).where(related.c.related_id == related_id))
    return list(rows.scalars())


def related_links(conn: Connection, article_id: int, limit: int) -> list[RelatedLink]:
    """The article's related list, best first, published articles only: one query."""
    rows = conn.execute(
        select(*SUMMARY_COLUMNS, related.c.score, related.c.rank, related.c.reasons)
        .select_from(related)
        .join(articles, articles.c.id == related.c.related_id)
        .join(sections, sections.c.id == articles.c.section_id)
        .where(related.c.article_id == article_id, articles.c.status == Status.PUBLISHED.value)
        .order_by(related.c.rank)
        .limit(limit)
    ).mappings()
    return [
        RelatedLink(
            article=summary_from_row(r),
            score=float(r["score"]),
            rank=int(r["rank"]),
            reasons={k: float(v) for k, v in (r["reasons"] or {}).items()},
        )
        for r in rows
    ]


def overrides(
    conn: Connection, article_ids: Iterable[int]
) -> dict[int, tuple[list[int], set[int]]]:
    """For each article: its pinned ids in order, and its excluded ids."""
    ids = list(article_ids)
    found: dict[int, tuple[list[int], set[int]]] = {i: ([], set()) for i in ids}
    if not ids:
        return found
    rows = conn.execute(
        select(related_overrides)
        .where(related_overrides.c.article_id.in_(ids))
        .order_by(related_overrides.c.position, related_overrides.c.created_at)
    ).mappings()
    for row in rows:
        pins, excluded = found[row["article_id"]]
        if row["kind"] == PIN:
            pins.append(row["related_id"])
        else:
            excluded.add(row["related_id"])
    return found


def set_override(
    conn: Connection, article_id: int, related_id: int, kind: str, now: datetime
) -> None:
    """Pin (last among the pins) or exclude ``related_id`` on ``article_id``'s list."""
    clear_override(conn, article_id, related_id)
    position = len(overrides(conn, [article_id])[article_id][0])
    conn.execute(
        insert(related_overrides).values(
            article_id=article_id,
            related_id=related_id,
            kind=kind,
            position=position,
            created_at=now,
        )
    )


def clear_override(conn: Connection, article_id: int, related_id: int) -> None:
    conn.execute(
        delete(related_overrides).where(
            related_overrides.c.article_id == article_id,
            related_overrides.c.related_id == related_id,
        )
    )


# The queue of related-list updates (migration 0009), applied by one process at a time.
REFRESH = "refresh"
WITHDRAW = "withdraw"


def queue(conn: Connection, article_ids: Iterable[int], kind: str, now: datetime) -> None:
    """Queue an update of the related lists of ``article_ids`` (``REFRESH`` or ``WITHDRAW``)."""
    rows = [{"article_id": i, "kind": kind, "queued_at": now} for i in dict.fromkeys(article_ids)]
    if rows:
        conn.execute(insert(related_queue), rows)


def queued(conn: Connection, limit: int | None) -> list[tuple[int, int, str]]:
    """The oldest ``limit`` queued updates (all: None): (queue id, article id, kind), in
    queue order."""
    rows = conn.execute(
        select(related_queue.c.id, related_queue.c.article_id, related_queue.c.kind)
        .order_by(related_queue.c.id)
        .limit(limit)
    )
    return [(int(r[0]), int(r[1]), str(r[2])) for r in rows]


def queued_articles(conn: Connection) -> int:
    """How many articles the queued updates are for."""
    count = select(func.count(func.distinct(related_queue.c.article_id)))
    return int(conn.execute(count).scalar_one())


def unqueue(conn: Connection, queue_ids: Sequence[int]) -> None:
    """Remove applied updates (those queued since stay)."""
    if queue_ids:
        conn.execute(delete(related_queue).where(related_queue.c.id.in_(queue_ids)))
