"""Queries for the audit log: who did what to which article, when. Rows are only added."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select

from dateline.store.schema import audit_log


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    user_email: str
    action: str
    article_id: int | None
    detail: str


def record(
    conn: Connection,
    at: datetime,
    user_id: int | None,
    user_email: str,
    action: str,
    article_id: int | None,
    detail: str = "",
) -> None:
    conn.execute(
        insert(audit_log).values(
            at=at,
            user_id=user_id,
            user_email=user_email,
            action=action,
            article_id=article_id,
            detail=detail,
        )
    )


def entries(conn: Connection, article_id: int | None = None, limit: int = 200) -> list[AuditEntry]:
    """The newest entries (of one article when given), newest first."""
    query = select(audit_log).order_by(audit_log.c.at.desc(), audit_log.c.id.desc()).limit(limit)
    if article_id is not None:
        query = query.where(audit_log.c.article_id == article_id)
    return [
        AuditEntry(r["at"], r["user_email"], r["action"], r["article_id"], r["detail"])
        for r in conn.execute(query).mappings()
    ]
