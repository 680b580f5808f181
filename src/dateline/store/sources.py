"""Queries for ingest sources: the list, and each poll's lease and outcome.

A source is polled by one process at a time: ``claim`` takes a lease with one atomic
``UPDATE`` that only succeeds when the source is due and no other process holds an
unexpired lease, on SQLite and PostgreSQL alike. The outcome of the poll releases it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, RowMapping, delete, insert, or_, select, update

from dateline.model import FeedSource
from dateline.store.schema import sources as table

_FIELDS = (
    "url",
    "name",
    "interval_minutes",
    "full_text",
    "auto_publish",
    "category_sections",
    "created_at",
    "etag",
    "last_modified",
    "last_polled_at",
    "last_success_at",
    "last_error",
    "last_error_at",
    "failures",
    "items_taken",
    "next_poll_at",
    "id",
)


def _source(row: RowMapping) -> FeedSource:
    values = {name: row[name] for name in _FIELDS}
    values["category_sections"] = dict(values["category_sections"] or {})
    return FeedSource(section=row["section_slug"], **values)


def add(conn: Connection, source: FeedSource, now: datetime) -> FeedSource:
    """Store a new source, due at once; its URL must not be taken (checked by the caller)."""
    result = conn.execute(
        insert(table).values(
            url=source.url,
            name=source.name,
            section_slug=source.section,
            interval_minutes=source.interval_minutes,
            full_text=source.full_text,
            auto_publish=source.auto_publish,
            category_sections=dict(source.category_sections),
            created_at=now,
            etag="",
            last_modified="",
            last_error="",
            failures=0,
            items_taken=0,
            next_poll_at=now,
            lease_owner="",
        )
    )
    assert result.inserted_primary_key is not None
    found = get(conn, int(result.inserted_primary_key[0]))
    assert found is not None
    return found


def get(conn: Connection, source_id: int) -> FeedSource | None:
    row = conn.execute(select(table).where(table.c.id == source_id)).mappings().first()
    return _source(row) if row else None


def by_url(conn: Connection, url: str) -> FeedSource | None:
    row = conn.execute(select(table).where(table.c.url == url)).mappings().first()
    return _source(row) if row else None


def all_sources(conn: Connection) -> list[FeedSource]:
    return [_source(r) for r in conn.execute(select(table).order_by(table.c.id)).mappings()]


def remove(conn: Connection, source_id: int) -> bool:
    """Delete the source (its articles stay); False when there was none."""
    return bool(conn.execute(delete(table).where(table.c.id == source_id)).rowcount)


def due(conn: Connection, now: datetime, limit: int) -> list[int]:
    """Ids of sources due at ``now`` and not leased, the longest-waiting first."""
    rows = conn.execute(
        select(table.c.id)
        .where(
            table.c.next_poll_at <= now,
            or_(table.c.lease_until.is_(None), table.c.lease_until < now),
        )
        .order_by(table.c.next_poll_at, table.c.id)
        .limit(limit)
    )
    return [int(r) for r in rows.scalars()]


def claim(
    conn: Connection, source_id: int, owner: str, now: datetime, until: datetime, force: bool
) -> FeedSource | None:
    """Lease the source to ``owner`` until ``until`` if it is due (or ``force``) and free."""
    conditions = [
        table.c.id == source_id,
        or_(table.c.lease_until.is_(None), table.c.lease_until < now),
    ]
    if not force:
        conditions.append(table.c.next_poll_at <= now)
    result = conn.execute(
        update(table).where(*conditions).values(lease_owner=owner, lease_until=until)
    )
    return get(conn, source_id) if result.rowcount == 1 else None


def record_success(
    conn: Connection,
    source_id: int,
    owner: str,
    now: datetime,
    next_poll: datetime,
    etag: str,
    last_modified: str,
    taken: int,
) -> None:
    """A poll went through: validators kept, failures reset, lease released."""
    conn.execute(
        update(table)
        .where(table.c.id == source_id, table.c.lease_owner == owner)
        .values(
            etag=etag,
            last_modified=last_modified,
            last_polled_at=now,
            last_success_at=now,
            last_error="",
            failures=0,
            items_taken=table.c.items_taken + taken,
            next_poll_at=next_poll,
            lease_owner="",
            lease_until=None,
        )
    )


def record_failure(
    conn: Connection,
    source_id: int,
    owner: str,
    now: datetime,
    next_poll: datetime,
    message: str,
    taken: int,
) -> None:
    """A poll failed: the error kept, failures counted, lease released."""
    conn.execute(
        update(table)
        .where(table.c.id == source_id, table.c.lease_owner == owner)
        .values(
            last_polled_at=now,
            last_error=message,
            last_error_at=now,
            failures=table.c.failures + 1,
            items_taken=table.c.items_taken + taken,
            next_poll_at=next_poll,
            lease_owner="",
            lease_until=None,
        )
    )


def leases(conn: Connection, now: datetime) -> list[tuple[int, str]]:
    """``(source id, owner)`` of every unexpired lease."""
    rows = conn.execute(select(table.c.id, table.c.lease_owner).where(table.c.lease_until >= now))
    return [(int(r.id), str(r.lease_owner)) for r in rows]


def release(conn: Connection, source_id: int, owner: str) -> bool:
    """Free ``owner``'s lease on the source (a process known to have died)."""
    result = conn.execute(
        update(table)
        .where(table.c.id == source_id, table.c.lease_owner == owner)
        .values(lease_owner="", lease_until=None)
    )
    return bool(result.rowcount)
