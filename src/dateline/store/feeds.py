"""The query behind the outbound feeds: the newest published articles, whole, in a few queries.

A feed shows up to fifty whole articles. Fetching each with ``articles.get_article``
would cost four queries an article; ``published_articles`` costs four whatever the
number: the articles with their sections, then the bylines, the topics and the
corrections of all of them at once.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection, select

from dateline.model import Article, Author, Correction, Status, Topic
from dateline.store.articles import article_of, narrowed
from dateline.store.schema import (
    article_authors,
    article_topics,
    articles,
    authors,
    corrections,
    sections,
    topics,
)


def published_articles(
    conn: Connection,
    *,
    limit: int,
    section_slug: str | None = None,
    author_id: int | None = None,
    topic_id: int | None = None,
) -> list[Article]:
    """Published articles, newest first (as the list pages order them), optionally of one
    section, author or topic, with their bylines, topics and corrections."""
    query = (
        select(
            articles,
            sections.c.slug.label("s_slug"),
            sections.c.name.label("s_name"),
            sections.c.position.label("s_position"),
        )
        .join(sections, sections.c.id == articles.c.section_id)
        .where(articles.c.status == Status.PUBLISHED.value)
        .order_by(articles.c.published_at.desc(), articles.c.id.desc())
        .limit(limit)
    )
    query = narrowed(query, section_slug, author_id, topic_id, None, None, joined=True)
    rows = list(conn.execute(query).mappings())
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    bylines: dict[int, list[Author]] = defaultdict(list)
    for r in conn.execute(
        select(article_authors.c.article_id, authors)
        .join(authors, authors.c.id == article_authors.c.author_id)
        .where(article_authors.c.article_id.in_(ids))
        .order_by(article_authors.c.article_id, article_authors.c.position)
    ).mappings():
        bylines[r["article_id"]].append(
            Author(slug=r["slug"], name=r["name"], bio=r["bio"], id=r["id"])
        )
    subjects: dict[int, list[Topic]] = defaultdict(list)
    for r in conn.execute(
        select(article_topics.c.article_id, topics)
        .join(topics, topics.c.id == article_topics.c.topic_id)
        .where(article_topics.c.article_id.in_(ids))
        .order_by(article_topics.c.article_id, topics.c.name)
    ).mappings():
        subjects[r["article_id"]].append(Topic(slug=r["slug"], name=r["name"], id=r["id"]))
    fixes: dict[int, list[Correction]] = defaultdict(list)
    for r in conn.execute(
        select(corrections)
        .where(corrections.c.article_id.in_(ids))
        .order_by(corrections.c.article_id, corrections.c.created_at, corrections.c.id)
    ).mappings():
        fixes[r["article_id"]].append(Correction(text=r["text"], created_at=r["created_at"]))
    return [
        article_of(row, bylines[row["id"]], subjects[row["id"]], fixes[row["id"]]) for row in rows
    ]
