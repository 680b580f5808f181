"""band rows follow their fingerprint by a trigger, not by a foreign key to the article

Each fingerprinted article has 42 rows in ``article_bands`` (its LSH band keys), written
with its fingerprint by ingest and deleted with it. Their foreign key to ``articles``
checked each row on insert: on PostgreSQL a trigger call and a locking lookup of the same
article 42 times over, which measured at 0.5 ms of server time an item, more than the
inserts themselves (0.3 ms). The foreign key is dropped; what it did on delete (an
article deleted takes its bands with it) is done by a trigger on the fingerprint instead:
deleting an article deletes its fingerprint (that foreign key cascades) and the deleted
fingerprint deletes its bands. Nothing else changes: the store writes and deletes band
rows only beside their fingerprint (``store.intake``), and the copy lookup reads only
bands whose fingerprint it finds.

On SQLite the table is built again without the foreign key (SQLite cannot drop one), still
``WITHOUT ROWID``. The downgrade restores the foreign key, after deleting any band row whose
article is gone (none, while the trigger stands).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

FOREIGN_KEY = "fk_article_bands_article_id_articles"
TRIGGER = "article_bands_follow_fingerprint"
SQLITE_BANDS = """
CREATE TABLE article_bands (
    "key" BIGINT NOT NULL,
    article_id INTEGER NOT NULL,
    CONSTRAINT pk_article_bands PRIMARY KEY ("key", article_id){foreign_key}
) WITHOUT ROWID
"""
SQLITE_FOREIGN_KEY = f""",
    CONSTRAINT {FOREIGN_KEY} FOREIGN KEY(article_id)
        REFERENCES articles (id) ON DELETE CASCADE"""
BANDS_INDEX = "CREATE INDEX ix_article_bands_article_id ON article_bands (article_id)"
SQLITE_TRIGGER = f"""
CREATE TRIGGER {TRIGGER} AFTER DELETE ON article_fingerprints BEGIN
    DELETE FROM article_bands WHERE article_id = old.article_id;
END
"""
POSTGRES_FUNCTION = f"""
CREATE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM article_bands WHERE article_id = OLD.article_id;
    RETURN NULL;
END
$$
"""
POSTGRES_TRIGGER = f"""
CREATE TRIGGER {TRIGGER} AFTER DELETE ON article_fingerprints
FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite(foreign_key="")
        op.execute(SQLITE_TRIGGER)
        return
    op.execute(f"ALTER TABLE article_bands DROP CONSTRAINT {FOREIGN_KEY}")
    op.execute(POSTGRES_FUNCTION)
    op.execute(POSTGRES_TRIGGER)


def downgrade() -> None:
    op.execute("DELETE FROM article_bands WHERE article_id NOT IN (SELECT id FROM articles)")
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TRIGGER {TRIGGER}")
        _rebuild_sqlite(foreign_key=SQLITE_FOREIGN_KEY)
        return
    op.execute(f"DROP TRIGGER {TRIGGER} ON article_fingerprints")
    op.execute(f"DROP FUNCTION {TRIGGER}()")
    op.execute(
        f"ALTER TABLE article_bands ADD CONSTRAINT {FOREIGN_KEY} FOREIGN KEY (article_id) "
        "REFERENCES articles (id) ON DELETE CASCADE"
    )


def _rebuild_sqlite(*, foreign_key: str) -> None:
    """SQLite's ``article_bands`` made again, its rows kept, with or without the key."""
    op.execute("ALTER TABLE article_bands RENAME TO article_bands_before")
    op.execute("DROP INDEX ix_article_bands_article_id")
    op.execute(SQLITE_BANDS.format(foreign_key=foreign_key))
    op.execute(
        'INSERT INTO article_bands ("key", article_id) '
        'SELECT "key", article_id FROM article_bands_before'
    )
    op.execute("DROP TABLE article_bands_before")
    op.execute(BANDS_INDEX)
