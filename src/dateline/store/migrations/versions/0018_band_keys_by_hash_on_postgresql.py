"""PostgreSQL finds band rows through a hash index on ``key``, not a primary key B-tree

Every new fingerprinted item writes 42 band rows, and the copy lookup probes the bands
with each of an item's 42 keys: on PostgreSQL both went through the primary key
(``key``, ``article_id``), a B-tree whose random keys land on random leaf pages. A hash
index on ``key`` alone reaches a key's bucket without the descent. Measured (ingest's
store path, 5,000 items into a fresh store, alternating with the code before): the
server's CPU an item went from 1.21 to 1.45 ms to 1.14 to 1.29; on 100,000 articles'
bands, writing an item's rows cost 0.36 to 0.42 ms against 0.52 to 0.54 and probing a
batch of 50 items' keys 9.5 ms against 13.5 to 14 (docs/benchmarks.md, "Fifteenth run").

What the primary key also did is not needed: its uniqueness (an article's keys are
distinct and written once, with its fingerprint; the trigger of 0013 and 0017 deletes
them with it) and index-only reads (the probe's row is two columns, read from the heap
page the bucket points at). The copy lookup (``key = wanted.key``, ``key IN (...)``)
and the trigger's delete (``key = ANY (OLD.band_keys) AND article_id = ...``) use the
hash index, the latter through a bitmap scan.

SQLite keeps its ``WITHOUT ROWID`` table, whose primary key is the table itself. The
schema of record keeps the primary key for it; the hash index is a PostgreSQL object
outside that record (``schema.POSTGRES_ONLY_OBJECTS``).

Building the index reads every band row once: at a million articles, 42 million rows.
The downgrade builds the primary key again.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-28
"""

from __future__ import annotations

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

PRIMARY_KEY = "pk_article_bands"
INDEX = "ix_article_bands_key"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute(f"CREATE INDEX {INDEX} ON article_bands USING hash (key)")
    op.execute(f"ALTER TABLE article_bands DROP CONSTRAINT {PRIMARY_KEY}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute(
        f'ALTER TABLE article_bands ADD CONSTRAINT {PRIMARY_KEY} PRIMARY KEY ("key", article_id)'
    )
    op.execute(f"DROP INDEX {INDEX}")
