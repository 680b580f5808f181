"""Queries for sections, authors and topics: the names articles are filed under."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, RowMapping, Select, bindparam, func, insert, select, update

from dateline.model import Author, Section, Status, Topic
from dateline.store.schema import (
    article_authors,
    article_topics,
    articles,
    authors,
    sections,
    topics,
)


def section_from_row(row: RowMapping) -> Section:
    return Section(slug=row["slug"], name=row["name"], position=row["position"], id=row["id"])


def list_sections(conn: Connection) -> list[Section]:
    rows = conn.execute(select(sections).order_by(sections.c.position, sections.c.name))
    return [section_from_row(r) for r in rows.mappings()]


def get_section(conn: Connection, slug: str) -> Section | None:
    row = conn.execute(select(sections).where(sections.c.slug == slug)).mappings().first()
    return section_from_row(row) if row else None


def save_section(conn: Connection, section: Section) -> Section:
    """Create the section, or rename and reorder the one with the same slug."""
    existing = get_section(conn, section.slug)
    if existing is not None:
        conn.execute(
            update(sections)
            .where(sections.c.id == existing.id)
            .values(name=section.name, position=section.position)
        )
        return Section(section.slug, section.name, section.position, existing.id)
    position = section.position
    if position == 0:
        position = (conn.execute(select(func.max(sections.c.position))).scalar() or 0) + 1
    new_id = conn.execute(
        insert(sections).values(slug=section.slug, name=section.name, position=position)
    ).inserted_primary_key
    assert new_id is not None
    return Section(section.slug, section.name, position, new_id[0])


def get_author(conn: Connection, slug: str) -> Author | None:
    row = conn.execute(select(authors).where(authors.c.slug == slug)).mappings().first()
    if row is None:
        return None
    return Author(slug=row["slug"], name=row["name"], bio=row["bio"], id=row["id"])


def get_topic(conn: Connection, slug: str) -> Topic | None:
    row = conn.execute(select(topics).where(topics.c.slug == slug)).mappings().first()
    return Topic(slug=row["slug"], name=row["name"], id=row["id"]) if row else None


# built once: an article's authors or topics are looked up in one statement
_AUTHOR_IDS = select(authors.c.slug, authors.c.id).where(
    authors.c.slug.in_(bindparam("slugs", expanding=True))
)
_TOPIC_IDS = select(topics.c.slug, topics.c.id).where(
    topics.c.slug.in_(bindparam("slugs", expanding=True))
)
_NEW_AUTHOR = insert(authors)
_NEW_TOPIC = insert(topics)
_AUTHOR_BIO = (
    update(authors).where(authors.c.id == bindparam("author_id")).values(bio=bindparam("bio"))
)


def _known(conn: Connection, statement: Select[Any], slugs: list[str]) -> dict[str, int]:
    if not slugs:
        return {}
    return {row[0]: row[1] for row in conn.execute(statement, {"slugs": slugs})}


def ensure_authors(conn: Connection, wanted: Iterable[Author]) -> list[int]:
    """Ids of the authors, by slug, creating the missing ones; order kept."""
    wanted = list(wanted)
    known = _known(conn, _AUTHOR_IDS, [a.slug for a in wanted])
    ids: list[int] = []
    for author in wanted:
        found = known.get(author.slug)
        if found is None:
            result = conn.execute(
                _NEW_AUTHOR, {"slug": author.slug, "name": author.name, "bio": author.bio}
            )
            assert result.inserted_primary_key is not None
            found = known[author.slug] = result.inserted_primary_key[0]
        elif author.bio:
            conn.execute(_AUTHOR_BIO, {"author_id": found, "bio": author.bio})
        if found not in ids:
            ids.append(found)
    return ids


def ensure_topics(conn: Connection, wanted: Iterable[Topic]) -> list[int]:
    """Ids of the topics, by slug, creating the missing ones."""
    wanted = list(wanted)
    known = _known(conn, _TOPIC_IDS, [t.slug for t in wanted])
    ids: list[int] = []
    for topic in wanted:
        found = known.get(topic.slug)
        if found is None:
            result = conn.execute(_NEW_TOPIC, {"slug": topic.slug, "name": topic.name})
            assert result.inserted_primary_key is not None
            found = known[topic.slug] = result.inserted_primary_key[0]
        if found not in ids:
            ids.append(found)
    return ids


# Lists for the API: each name with how many published articles are filed under it.


def _published() -> Select[Any]:
    return select(articles.c.id.label("article_id"), articles.c.section_id).where(
        articles.c.status == Status.PUBLISHED.value
    )


def count_sections(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(sections)).scalar_one())


def list_sections_counted(conn: Connection, limit: int, offset: int) -> list[tuple[Section, int]]:
    """Sections in navigation order, each with its number of published articles."""
    published = _published().subquery()
    count = func.count(published.c.article_id)
    rows = conn.execute(
        select(sections, count.label("published"))
        .outerjoin(published, published.c.section_id == sections.c.id)
        .group_by(*sections.c)
        .order_by(sections.c.position, sections.c.name, sections.c.id)
        .limit(limit)
        .offset(offset)
    ).mappings()
    return [(section_from_row(r), int(r["published"])) for r in rows]


def count_authors(conn: Connection) -> int:
    """Authors with at least one published article (others are not public)."""
    published = _published().subquery()
    query = (
        select(func.count(func.distinct(article_authors.c.author_id)))
        .select_from(article_authors)
        .join(published, published.c.article_id == article_authors.c.article_id)
    )
    return int(conn.execute(query).scalar_one())


def list_authors_counted(conn: Connection, limit: int, offset: int) -> list[tuple[Author, int]]:
    """Authors with published articles, by name, each with how many."""
    published = _published().subquery()
    count = func.count(published.c.article_id)
    rows = conn.execute(
        select(authors, count.label("published"))
        .join(article_authors, article_authors.c.author_id == authors.c.id)
        .join(published, published.c.article_id == article_authors.c.article_id)
        .group_by(*authors.c)
        .order_by(authors.c.name, authors.c.slug)
        .limit(limit)
        .offset(offset)
    ).mappings()
    return [
        (Author(slug=r["slug"], name=r["name"], bio=r["bio"], id=r["id"]), int(r["published"]))
        for r in rows
    ]


def count_topics(conn: Connection) -> int:
    """Topics with at least one published article."""
    published = _published().subquery()
    query = (
        select(func.count(func.distinct(article_topics.c.topic_id)))
        .select_from(article_topics)
        .join(published, published.c.article_id == article_topics.c.article_id)
    )
    return int(conn.execute(query).scalar_one())


def list_topics_counted(conn: Connection, limit: int, offset: int) -> list[tuple[Topic, int]]:
    """Topics with published articles, by name, each with how many."""
    published = _published().subquery()
    count = func.count(published.c.article_id)
    rows = conn.execute(
        select(topics, count.label("published"))
        .join(article_topics, article_topics.c.topic_id == topics.c.id)
        .join(published, published.c.article_id == article_topics.c.article_id)
        .group_by(*topics.c)
        .order_by(topics.c.name, topics.c.slug)
        .limit(limit)
        .offset(offset)
    ).mappings()
    return [(Topic(slug=r["slug"], name=r["name"], id=r["id"]), int(r["published"])) for r in rows]
