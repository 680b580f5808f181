"""Queries for sections, authors and topics: the names articles are filed under."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, RowMapping, Select, bindparam, func, insert, select, update

from dateline.model import Author, Section, Status, Topic
from dateline.store.direct import Direct
from dateline.store.keys import Keys
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


# built once: an article's authors or topics are looked up in one statement, and the
# statements run on the driver's cursor (``store.direct``): ingest runs them for every item
_AUTHOR_IDS = Direct(
    select(authors.c.slug, authors.c.id).where(
        authors.c.slug.in_(bindparam("slugs", expanding=True))
    ),
    expanding="slugs",
)
_TOPIC_IDS = Direct(
    select(topics.c.slug, topics.c.id).where(topics.c.slug.in_(bindparam("slugs", expanding=True))),
    expanding="slugs",
)
_NEW_AUTHOR = Direct(insert(authors), columns=("slug", "name", "bio"), returning=authors.c.id)
_NEW_TOPIC = Direct(insert(topics), columns=("slug", "name"), returning=topics.c.id)
# with an id drawn ahead (``store.keys``): nothing to read back
_NEW_AUTHOR_WITH_ID = Direct(insert(authors), columns=("id", "slug", "name", "bio"))
_NEW_TOPIC_WITH_ID = Direct(insert(topics), columns=("id", "slug", "name"))
_AUTHOR_BIO = Direct(
    update(authors).where(authors.c.id == bindparam("author_id")).values(bio=bindparam("bio"))
)


class Names:
    """The ids of authors and topics by slug, as known inside one transaction.

    A batch of ingested items names many authors and topics, often the same ones: ``learn``
    looks up all those of a batch in one statement each, and ``ensure_authors`` and
    ``ensure_topics`` then only insert the missing ones (and note their new ids). What is
    known here is only true while nothing it learned is rolled back: after a savepoint
    rolls back, ``forget`` it (an id created inside that savepoint no longer exists).
    A slug neither known nor known absent is looked up when it is asked for.

    ``keys``: ids drawn ahead (PostgreSQL, ``store.keys``); new authors and topics then
    take theirs from it, and their inserts read nothing back.
    """

    __slots__ = ("authors", "topics", "keys")

    def __init__(self, keys: Keys | None = None) -> None:
        # slug -> id, or None: looked up and not stored
        self.authors: dict[str, int | None] = {}
        self.topics: dict[str, int | None] = {}
        self.keys = keys

    def absent(self) -> dict[str, int]:
        """How many of the authors and of the topics looked up are not stored."""
        return {
            "authors": sum(1 for found in self.authors.values() if found is None),
            "topics": sum(1 for found in self.topics.values() if found is None),
        }

    def learn(
        self, conn: Connection, author_slugs: Iterable[str], topic_slugs: Iterable[str]
    ) -> None:
        """Look up the slugs not known yet: one statement for authors, one for topics."""
        _look_up(conn, _AUTHOR_IDS, self.authors, author_slugs)
        _look_up(conn, _TOPIC_IDS, self.topics, topic_slugs)

    def forget(self) -> None:
        self.authors.clear()
        self.topics.clear()


def _look_up(
    conn: Connection, statement: Direct, known: dict[str, int | None], slugs: Iterable[str]
) -> None:
    wanted = list(dict.fromkeys(s for s in slugs if s not in known))
    if not wanted:
        return
    known.update(dict.fromkeys(wanted))
    known.update({slug: int(found) for slug, found in statement.all(conn, {"slugs": wanted})})


def ensure_authors(
    conn: Connection, wanted: Iterable[Author], names: Names | None = None
) -> list[int]:
    """Ids of the authors, by slug, creating the missing ones; order kept.

    ``names``: what the transaction already knows (and learns here); without it, a lookup.
    """
    wanted = list(wanted)
    names = names or Names()
    known = names.authors
    _look_up(conn, _AUTHOR_IDS, known, [a.slug for a in wanted])
    ids: list[int] = []
    for author in wanted:
        found = known[author.slug]
        if found is None:
            values = {"slug": author.slug, "name": author.name, "bio": author.bio}
            found = known[author.slug] = _new_row(
                conn, names.keys, "authors", _NEW_AUTHOR, _NEW_AUTHOR_WITH_ID, values
            )
        elif author.bio:
            _AUTHOR_BIO.execute(conn, {"author_id": found, "bio": author.bio})
        if found not in ids:
            ids.append(found)
    return ids


def ensure_topics(
    conn: Connection, wanted: Iterable[Topic], names: Names | None = None
) -> list[int]:
    """Ids of the topics, by slug, creating the missing ones (``names`` as for authors)."""
    wanted = list(wanted)
    names = names or Names()
    known = names.topics
    _look_up(conn, _TOPIC_IDS, known, [t.slug for t in wanted])
    ids: list[int] = []
    for topic in wanted:
        found = known[topic.slug]
        if found is None:
            values = {"slug": topic.slug, "name": topic.name}
            found = known[topic.slug] = _new_row(
                conn, names.keys, "topics", _NEW_TOPIC, _NEW_TOPIC_WITH_ID, values
            )
        if found not in ids:
            ids.append(found)
    return ids


def _new_row(
    conn: Connection,
    keys: Keys | None,
    table: str,
    returning: Direct,
    with_id: Direct,
    values: dict[str, Any],
) -> int:
    """Insert a new author or topic; its id (drawn ahead when there are ``keys``)."""
    if keys is None:
        return returning.insert_id(conn, values)
    new_id = keys.take(conn, table)
    with_id.execute(conn, {"id": new_id, **values})
    return new_id


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
