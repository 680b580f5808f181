"""search filters on SQLite: a narrow table of what a filtered search tests

A search with a section or a date filter tests each match's section and publication
time. On SQLite those were read from the match's ``articles`` row: a whole article (body
JSON, markdown, plain text), found by its id. At a million articles that table is
several gigabytes, so a filtered search over a word with a thousand matches read a
thousand rows scattered over it: in the search benchmark, 353 ms at the 95th percentile
with the file in memory and 3.6 s when it was not, where the same searches without a
filter took 31 to 48 ms. With this table the filtered ones take 52 ms.

This migration gives SQLite what PostgreSQL's ``article_search`` (migration 0008) already
is: a narrow table ``article_search`` (``article_id``, the rowid; ``section_id``;
``published_at``, stored as ``articles`` stores it) holding every published article,
about 40 bytes a row, so its pages stay in memory; the FTS5 table of 0006 still holds
the text. Triggers on ``articles`` keep it in step: an article is added when it becomes
published, follows its section and publication time, and is removed when it is
unpublished or deleted.

A later migration that rebuilds ``articles`` on SQLite (batch "move and copy") drops the
triggers with the old table: it must call ``create_sqlite_triggers`` again.

On PostgreSQL nothing changes.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

SQLITE_TABLE = """
CREATE TABLE article_search (
    article_id INTEGER PRIMARY KEY,
    section_id INTEGER NOT NULL,
    published_at DATETIME
)
"""
_ADD = (
    "INSERT INTO article_search (article_id, section_id, published_at) "
    "SELECT new.id, new.section_id, new.published_at WHERE new.status = 'published';"
)
SQLITE_TRIGGERS = (
    f"CREATE TRIGGER article_search_filters_insert AFTER INSERT ON articles BEGIN {_ADD} END",
    "CREATE TRIGGER article_search_filters_delete AFTER DELETE ON articles "
    "WHEN old.status = 'published' BEGIN "
    "DELETE FROM article_search WHERE article_id = old.id; END",
    "CREATE TRIGGER article_search_filters_update "
    "AFTER UPDATE OF status, section_id, published_at ON articles BEGIN "
    f"DELETE FROM article_search WHERE article_id = old.id; {_ADD} END",
)


def create_sqlite_triggers() -> None:
    for statement in SQLITE_TRIGGERS:
        op.execute(statement)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(SQLITE_TABLE)
    op.execute(
        "INSERT INTO article_search (article_id, section_id, published_at) "
        "SELECT id, section_id, published_at FROM articles WHERE status = 'published'"
    )
    create_sqlite_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in SQLITE_TRIGGERS:
        name = statement.split("CREATE TRIGGER ", 1)[1].split()[0]
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS article_search")
