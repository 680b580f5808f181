"""PostgreSQL-only code: the driver choice, URL normalisation, conflict-tolerant inserts."""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import Insert
from sqlalchemy.dialects.postgresql import insert as postgres_insert


def normalise_url(url: str) -> str:
    """Use the psycopg 3 driver for plain ``postgresql://`` and ``postgres://`` URLs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def insert_ignore(table: Table) -> Insert:
    """``INSERT ... ON CONFLICT DO NOTHING`` for ``table``."""
    return postgres_insert(table).on_conflict_do_nothing()
