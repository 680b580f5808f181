"""Queries for job state: where a long job stopped, so it can resume after an interruption."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from dateline.store.schema import job_state


def get_state(conn: Connection, name: str) -> dict[str, Any] | None:
    value = conn.execute(select(job_state.c.state).where(job_state.c.name == name)).scalar()
    return dict(value) if value is not None else None


def save_state(conn: Connection, name: str, state: dict[str, Any], now: datetime) -> None:
    conn.execute(delete(job_state).where(job_state.c.name == name))
    conn.execute(insert(job_state).values(name=name, state=state, updated_at=now))


def clear_state(conn: Connection, name: str) -> None:
    conn.execute(delete(job_state).where(job_state.c.name == name))
