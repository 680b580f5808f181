"""Queries for the newsroom's editor: drafts with optimistic locking, revisions, schedules,
who is editing what, and the newsroom's article list.

Saving from the editor names the version the form was opened on (``lock_version``); the
``UPDATE`` only applies when the stored version is still that one, so of two editors
saving at once the second is told (``EditConflict``) and nothing is silently lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, select, true, update

from dateline.model import Article, EditConflict, Status
from dateline.store.articles import article_columns, save_article, save_people_and_topics
from dateline.store.schema import (
    article_authors,
    article_editors,
    articles,
    authors,
    revisions,
    sections,
)


@dataclass(frozen=True, slots=True)
class EditorState:
    """What the editor keeps about an article beyond the article itself."""

    markdown: str
    lock_version: int
    publish_at: datetime | None
    unpublish_at: datetime | None
    created_by: int | None


@dataclass(frozen=True, slots=True)
class Revision:
    number: int
    created_at: datetime
    user_id: int | None
    snapshot: dict[str, Any]
    autosave: bool


@dataclass(frozen=True, slots=True)
class NewsroomEntry:
    """One row of the newsroom's article list."""

    id: int
    headline: str
    status: Status
    section_slug: str
    published_at: datetime | None
    updated_at: datetime | None
    publish_at: datetime | None
    created_by: int | None
    lock_version: int


def state(conn: Connection, article_id: int) -> EditorState | None:
    row = conn.execute(
        select(
            articles.c.body_markdown,
            articles.c.lock_version,
            articles.c.publish_at,
            articles.c.unpublish_at,
            articles.c.created_by,
        ).where(articles.c.id == article_id)
    ).first()
    if row is None:
        return None
    return EditorState(
        str(row.body_markdown),
        int(row.lock_version),
        row.publish_at,
        row.unpublish_at,
        row.created_by,
    )


def save_draft(
    conn: Connection,
    article: Article,
    markdown: str,
    user_id: int | None,
    expected_version: int | None,
) -> tuple[int, int]:
    """Save the editor's article; ``(article id, new lock version)``.

    A new article (``article.id`` is None) is inserted with its author as ``created_by``;
    an existing one is updated only when its lock version is still ``expected_version``,
    else ``EditConflict``. Status and schedule are not changed here.
    """
    if article.id is None:
        result = save_article(conn, article)
        conn.execute(
            update(articles)
            .where(articles.c.id == result.article_id)
            .values(body_markdown=markdown, created_by=user_id, lock_version=1)
        )
        return result.article_id, 1
    changed = conn.execute(
        update(articles)
        .where(articles.c.id == article.id, articles.c.lock_version == expected_version)
        .values(
            body_markdown=markdown,
            lock_version=articles.c.lock_version + 1,
            **article_columns(article),
        )
    )
    if changed.rowcount != 1:
        raise EditConflict(
            "someone else saved this article since you opened it: your text is kept below; "
            "compare it with the current version and save again"
        )
    save_people_and_topics(conn, article.id, article, fresh=False)
    return article.id, (expected_version or 0) + 1


def set_status(conn: Connection, article_id: int, status: Status) -> None:
    conn.execute(update(articles).where(articles.c.id == article_id).values(status=status.value))


def set_schedule(
    conn: Connection, article_id: int, publish_at: datetime | None, unpublish_at: datetime | None
) -> None:
    conn.execute(
        update(articles)
        .where(articles.c.id == article_id)
        .values(publish_at=publish_at, unpublish_at=unpublish_at)
    )


def due(conn: Connection, now: datetime) -> tuple[list[int], list[int]]:
    """``(to publish, to unpublish)``: scheduled articles whose time has come."""
    publish = conn.execute(
        select(articles.c.id)
        .where(articles.c.status == Status.SCHEDULED.value, articles.c.publish_at <= now)
        .order_by(articles.c.publish_at, articles.c.id)
    ).scalars()
    to_publish = [int(i) for i in publish]
    unpublish = conn.execute(
        select(articles.c.id)
        .where(articles.c.status == Status.PUBLISHED.value, articles.c.unpublish_at <= now)
        .order_by(articles.c.unpublish_at, articles.c.id)
    ).scalars()
    return to_publish, [int(i) for i in unpublish]


def claim_due(conn: Connection, article_id: int, publish: bool, now: datetime) -> bool:
    """Flip one due article's status (scheduled → published, or published → unpublished)
    with one atomic ``UPDATE``: of several processes running the schedule, one wins."""
    if publish:
        result = conn.execute(
            update(articles)
            .where(
                articles.c.id == article_id,
                articles.c.status == Status.SCHEDULED.value,
                articles.c.publish_at <= now,
            )
            .values(
                status=Status.PUBLISHED.value,
                published_at=func.coalesce(articles.c.published_at, now),
            )
        )
    else:
        result = conn.execute(
            update(articles)
            .where(
                articles.c.id == article_id,
                articles.c.status == Status.PUBLISHED.value,
                articles.c.unpublish_at <= now,
            )
            .values(status=Status.UNPUBLISHED.value, unpublish_at=None)
        )
    return bool(result.rowcount)


def add_revision(
    conn: Connection,
    article_id: int,
    user_id: int | None,
    now: datetime,
    snapshot: dict[str, Any],
    autosave: bool = False,
) -> int:
    """Keep a whole copy of the article as its next revision; its number.

    Consecutive autosaves of one user replace each other, so the history holds real saves
    and at most the latest autosave after them.
    """
    last = conn.execute(
        select(revisions.c.id, revisions.c.number, revisions.c.autosave, revisions.c.user_id)
        .where(revisions.c.article_id == article_id)
        .order_by(revisions.c.number.desc())
        .limit(1)
    ).first()
    if last is not None and last.autosave and last.user_id == user_id:
        conn.execute(
            update(revisions)
            .where(revisions.c.id == last.id)
            .values(created_at=now, snapshot=snapshot, autosave=autosave)
        )
        return int(last.number)
    number = (int(last.number) if last is not None else 0) + 1
    conn.execute(
        insert(revisions).values(
            article_id=article_id,
            number=number,
            user_id=user_id,
            created_at=now,
            snapshot=snapshot,
            autosave=autosave,
        )
    )
    return number


def list_revisions(conn: Connection, article_id: int) -> list[Revision]:
    rows = conn.execute(
        select(revisions)
        .where(revisions.c.article_id == article_id)
        .order_by(revisions.c.number.desc())
    ).mappings()
    return [
        Revision(r["number"], r["created_at"], r["user_id"], dict(r["snapshot"]), r["autosave"])
        for r in rows
    ]


def touch_editor(conn: Connection, article_id: int, user_id: int, now: datetime) -> None:
    """Note that the user has the article open in the editor now."""
    conn.execute(
        delete(article_editors).where(
            article_editors.c.article_id == article_id, article_editors.c.user_id == user_id
        )
    )
    conn.execute(
        insert(article_editors).values(article_id=article_id, user_id=user_id, seen_at=now)
    )


def other_editors(conn: Connection, article_id: int, user_id: int, since: datetime) -> list[int]:
    """Ids of the other users who had the article open since ``since``."""
    rows = conn.execute(
        select(article_editors.c.user_id).where(
            article_editors.c.article_id == article_id,
            article_editors.c.user_id != user_id,
            article_editors.c.seen_at >= since,
        )
    ).scalars()
    return [int(i) for i in rows]


def newsroom_list(
    conn: Connection,
    *,
    statuses: Sequence[Status] = (),
    section: str = "",
    author_slug: str = "",
    created_by: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    query: str = "",
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[NewsroomEntry], int]:
    """The newsroom's article list, newest change first, filtered; and the total count."""
    conditions: list[Any] = []
    if statuses:
        conditions.append(articles.c.status.in_([s.value for s in statuses]))
    if section:
        conditions.append(sections.c.slug == section)
    if created_by is not None:
        conditions.append(articles.c.created_by == created_by)
    if author_slug:
        conditions.append(
            articles.c.id.in_(
                select(article_authors.c.article_id)
                .join(authors, authors.c.id == article_authors.c.author_id)
                .where(authors.c.slug == author_slug)
            )
        )
    when = func.coalesce(articles.c.updated_at, articles.c.published_at, articles.c.version_at)
    if since is not None:
        conditions.append(when >= since)
    if until is not None:
        conditions.append(when < until)
    words = [w for w in query.lower().split() if w]
    for word in words[:8]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(func.lower(articles.c.headline).like(f"%{escaped}%", escape="\\"))
    where = and_(true(), *conditions)
    base = select(articles.c.id).join(sections, sections.c.id == articles.c.section_id).where(where)
    total = int(conn.execute(select(func.count()).select_from(base.subquery())).scalar_one())
    rows = conn.execute(
        select(
            articles.c.id,
            articles.c.headline,
            articles.c.status,
            sections.c.slug,
            articles.c.published_at,
            articles.c.updated_at,
            articles.c.publish_at,
            articles.c.created_by,
            articles.c.lock_version,
        )
        .join(sections, sections.c.id == articles.c.section_id)
        .where(where)
        .order_by(articles.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    entries = [
        NewsroomEntry(
            int(r.id),
            r.headline,
            Status(r.status),
            r.slug,
            r.published_at,
            r.updated_at,
            r.publish_at,
            r.created_by,
            int(r.lock_version),
        )
        for r in rows
    ]
    return entries, total
