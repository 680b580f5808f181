"""a fingerprint's band keys kept in its row; the bands' ``article_id`` index dropped

Each fingerprinted article has 42 rows in ``article_bands``, under two indexes: the
primary key (``key``, ``article_id``), which the copy lookup probes, and an index on
``article_id`` alone, which only served the deletion of an article's bands (by the trigger
of migration 0013, when its fingerprint goes). Writing that second index was 84 index
entries an item where 42 are needed: on ingest's PostgreSQL benchmark, dropping it took
about 0.05 ms of the server's 0.6 ms an item off (measured).

The keys now travel with the fingerprint, in a column of its row: ``bigint[]`` on
PostgreSQL, a JSON array as text on SQLite (which has no arrays; its trigger reads them
with ``json_each``). The trigger deletes the bands by their primary key: each key of the
deleted fingerprint, with its article. The column is filled from the band rows, then the
trigger is replaced and the index dropped. On SQLite the column keeps the ``'[]'``
default it was added with (SQLite adds a ``NOT NULL`` column only with one); the store
always writes it.

The downgrade builds the index again, puts the former trigger back and drops the column.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

TRIGGER = "article_bands_follow_fingerprint"
INDEX = "ix_article_bands_article_id"
CREATE_INDEX = f"CREATE INDEX {INDEX} ON article_bands (article_id)"

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION {trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM article_bands WHERE {where};
    RETURN NULL;
END
$$
"""
POSTGRES_BY_KEYS = "key = ANY (OLD.band_keys) AND article_id = OLD.article_id"
POSTGRES_BY_ARTICLE = "article_id = OLD.article_id"
POSTGRES_FILL = """
UPDATE article_fingerprints SET band_keys = bands.keys
FROM (
    SELECT article_id, array_agg("key" ORDER BY "key") AS keys
    FROM article_bands GROUP BY article_id
) AS bands
WHERE bands.article_id = article_fingerprints.article_id
"""

SQLITE_TRIGGER = """
CREATE TRIGGER {trigger} AFTER DELETE ON article_fingerprints BEGIN
    DELETE FROM article_bands WHERE {where};
END
"""
SQLITE_BY_KEYS = (
    '"key" IN (SELECT value FROM json_each(old.band_keys)) AND article_id = old.article_id'
)
SQLITE_BY_ARTICLE = "article_id = old.article_id"
SQLITE_FILL = """
UPDATE article_fingerprints SET band_keys = (
    SELECT json_group_array("key") FROM (
        SELECT "key" FROM article_bands
        WHERE article_bands.article_id = article_fingerprints.article_id
        ORDER BY "key"
    )
)
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE article_fingerprints ADD COLUMN band_keys TEXT NOT NULL DEFAULT '[]'"
        )
        op.execute(SQLITE_FILL)  # through the index, before it goes
        op.execute(f"DROP TRIGGER {TRIGGER}")
        op.execute(SQLITE_TRIGGER.format(trigger=TRIGGER, where=SQLITE_BY_KEYS))
    else:
        op.execute(
            "ALTER TABLE article_fingerprints ADD COLUMN band_keys BIGINT[] NOT NULL DEFAULT '{}'"
        )
        op.execute(POSTGRES_FILL)
        op.execute("ALTER TABLE article_fingerprints ALTER COLUMN band_keys DROP DEFAULT")
        op.execute(POSTGRES_FUNCTION.format(trigger=TRIGGER, where=POSTGRES_BY_KEYS))
    op.execute(f"DROP INDEX {INDEX}")


def downgrade() -> None:
    op.execute(CREATE_INDEX)
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TRIGGER {TRIGGER}")
        op.execute(SQLITE_TRIGGER.format(trigger=TRIGGER, where=SQLITE_BY_ARTICLE))
    else:
        op.execute(POSTGRES_FUNCTION.format(trigger=TRIGGER, where=POSTGRES_BY_ARTICLE))
    op.execute("ALTER TABLE article_fingerprints DROP COLUMN band_keys")
